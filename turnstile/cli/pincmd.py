"""`turnstile pin ...` (people's kiosk PINs) and `turnstile groups ...` (face and PIN per group)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from typing import Any

from turnstile.access.pin import PinError
from turnstile.admin.audit import AuditLog
from turnstile.admin.pins import PinAdmin
from turnstile.admin.roles import cli_actor
from turnstile.cli.common import emit, load_config, open_store
from turnstile.cli.core import one_person
from turnstile.store.sqlite import SQLiteStore


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    pin = subparsers.add_parser("pin", help="set, clear or unlock a person's kiosk PIN")
    actions = pin.add_subparsers(dest="pin_command", metavar="ACTION", required=True)
    put = actions.add_parser("set", parents=[parent],
                             help="set or change a PIN (asked twice, never on the command line)")
    put.add_argument("name", help="name (any case) or employee id")
    put.add_argument("--pin-stdin", action="store_true",
                     help="read the PIN from the first line of standard input (scripts)")
    put.set_defaults(func=run_set)
    for name, func, text in (("clear", run_clear, "remove a person's PIN"),
                             ("unlock", run_unlock, "lift a PIN lockout before it runs out")):
        action = actions.add_parser(name, parents=[parent], help=text)
        action.add_argument("name", help="name (any case) or employee id")
        action.set_defaults(func=func)
    status = actions.add_parser("list", parents=[parent],
                                help="who has a PIN, and who is locked out")
    status.set_defaults(func=run_list)

    groups = subparsers.add_parser("groups", help="access groups and face-and-PIN groups")
    group_actions = groups.add_subparsers(dest="groups_command", metavar="ACTION",
                                          required=True)
    listing = group_actions.add_parser("list", parents=[parent],
                                       help="every group and whether it needs face and PIN")
    listing.set_defaults(func=run_groups)
    flag = group_actions.add_parser("face-and-pin", parents=[parent],
                                    help="make a group's members need face and PIN on "
                                         "every door (on), or not (off)")
    flag.add_argument("group", help="the access group's name (any case)")
    flag.add_argument("state", choices=["on", "off"])
    flag.set_defaults(func=run_group_flag)


def _admin(args: argparse.Namespace) -> tuple[SQLiteStore, PinAdmin]:
    config = load_config(args)
    store = open_store(args, config, create=False)
    admin = PinAdmin(store, store.pins, config.pin, AuditLog(store.connection, datetime.now),
                     cli_actor().name, datetime.now)
    return store, admin


def _read_pin(args: argparse.Namespace) -> str:
    if args.pin_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise PinError("no PIN on standard input")
        return line.strip()
    first = getpass.getpass("New PIN: ")
    if getpass.getpass("New PIN (again): ") != first:
        raise PinError("the two PINs differ; nothing changed")
    return first.strip()


def run_set(args: argparse.Namespace) -> int:
    store, admin = _admin(args)
    try:
        person = one_person(store, args.name)
        replaced = admin.has_pin(person.id)
        admin.set_pin(person.id, _read_pin(args))
    finally:
        store.close()
    verb = "changed" if replaced else "set"
    emit(args, {"person_id": person.id, "pin": verb}, f"PIN {verb} for {person.name}")
    return 0


def run_clear(args: argparse.Namespace) -> int:
    store, admin = _admin(args)
    try:
        person = one_person(store, args.name)
        cleared = admin.clear_pin(person.id)
    finally:
        store.close()
    emit(args, {"person_id": person.id, "cleared": cleared},
         f"PIN removed for {person.name}" if cleared else f"{person.name} had no PIN")
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    store, admin = _admin(args)
    try:
        person = one_person(store, args.name)
        if not admin.has_pin(person.id):
            raise PinError(f"{person.name} has no PIN")
        admin.unlock(person.id)
    finally:
        store.close()
    emit(args, {"person_id": person.id, "unlocked": True}, f"PIN unlocked for {person.name}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    store, admin = _admin(args)
    try:
        holders = store.pins.holders()
        people = [p for p in store.people.all() if p.id in holders]
        locked = {p.id: admin.locked_until(p.id) for p in people}
    finally:
        store.close()
    rows = [{"id": p.id, "name": p.name, "employee_id": p.employee_id,
             "locked_until": _stamp(locked[p.id])} for p in people]
    text = "\n".join(f"{p.name:30} {p.employee_id or '-':12}"
                     + (f"  locked until {locked[p.id]:%Y-%m-%d %H:%M}" if locked[p.id] else "")
                     for p in people)
    emit(args, {"pins": rows}, text or "nobody has a PIN")
    return 0


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def run_groups(args: argparse.Namespace) -> int:
    store, _ = _admin(args)
    try:
        names = store.groups.names()
        flagged = {n.casefold() for n in store.pins.pin_groups()}
    finally:
        store.close()
    rows = [{"name": n, "face_and_pin": n.casefold() in flagged} for n in names]
    text = "\n".join(f"{r['name']:30} {'face and PIN' if r['face_and_pin'] else 'face'}"
                     for r in rows)
    emit(args, {"groups": rows}, text or "no access groups yet (set them per person)")
    return 0


def run_group_flag(args: argparse.Namespace) -> int:
    store, admin = _admin(args)
    on = args.state == "on"
    try:
        admin.set_group(args.group, on)
    finally:
        store.close()
    emit(args, {"group": args.group, "face_and_pin": on},
         f"group {args.group}: " + ("face and PIN on every door" if on else "face alone"))
    return 0
