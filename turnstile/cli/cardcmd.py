"""`turnstile card NAME NUMBER|--clear`: the card number an access panel knows a person by."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from turnstile.admin.audit import AuditLog
from turnstile.admin.people import PeopleAdmin, fits_format
from turnstile.admin.roles import cli_actor
from turnstile.cli import centralpeople
from turnstile.cli.common import emit, load_config, open_store
from turnstile.config import Config
from turnstile.errors import UsageError
from turnstile.store.records import StoreError, check_credential


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    card = subparsers.add_parser(
        "card", parents=[parent],
        help="set or clear a person's card number for the access panel (door.kind = osdp)")
    card.add_argument("name", help="name (any case) or employee id")
    card.add_argument("number", nargs="?", type=int,
                      help="the card number (it must fit osdp.card_format)")
    card.add_argument("--clear", action="store_true", help="remove the person's card number")
    card.set_defaults(func=run_card)


def card_number(args: argparse.Namespace) -> int | None:
    """The number asked for, or None for --clear; a clear error for neither or both."""
    if args.clear == (args.number is not None):
        raise UsageError("give a card number or --clear (not both)")
    return None if args.clear else int(args.number)


def run_card(args: argparse.Namespace) -> int:
    config = load_config(args)
    number = card_number(args)
    fits_format(number, config.osdp.card_format)
    check_credential(number)
    name = _central(args, config, number) if config.central.configured \
        else _local(args, config, number)
    done = "set" if number is not None else "cleared"
    emit(args, {"name": name, "card_number": done}, f"card number {done} for {name}")
    return 0


def _local(args: argparse.Namespace, config: Config, number: int | None) -> str:
    from turnstile.cli.core import one_person

    store = open_store(args, config, create=False)
    try:
        person = one_person(store, args.name)
        admin = PeopleAdmin(store, AuditLog(store.connection, datetime.now), cli_actor().name,
                            datetime.now)
        return admin.set_credential(person.id, number, config.osdp.card_format).name
    finally:
        store.close()


def _central(args: argparse.Namespace, config: Config, number: int | None) -> str:
    """At the centre: every kiosk's replica gets the number on its next sync."""
    with centralpeople.open_roster(config) as roster:
        matches = roster.find(args.name)
        if len(matches) != 1:
            raise StoreError(f"{len(matches)} people match {args.name!r}; give the exact "
                             "name or employee id")
        person = matches[0].person
        roster.edit(person.id, matches[0].version, credential=number)
    return str(person.name)
