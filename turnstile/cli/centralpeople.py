"""`enroll`, `remove`, `people` and `events` when [central] is configured: the central roster.

The commands keep their arguments and output; only where the rows live changes. Writes are
one transaction each at the centre; the kiosks' replicas follow through their sync loops.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from turnstile.admin.roles import cli_actor
from turnstile.cli.centralcmd import central_of
from turnstile.cli.common import database_path, emit
from turnstile.config import Config
from turnstile.errors import UsageError
from turnstile.store.records import StoreError


@contextmanager
def open_roster(config: Config) -> Iterator[Any]:
    """The central roster for this command, acting as `cli:<user>`; errors in one line."""
    import psycopg

    from turnstile.store.central.roster import CentralRoster
    from turnstile.store.central.schema import require_current

    central = central_of(config)
    try:
        with central.connect() as conn:
            require_current(conn)
            yield CentralRoster(conn, cli_actor().name, central.kiosk_id)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"central database: {first}") from exc


def people_admin(args: argparse.Namespace, config: Config, store: Any, gallery: Any) -> Any:
    """The people service of `turnstile enroll` writing to the central roster."""
    from turnstile.admin.audit import AuditLog
    from turnstile.admin.central import CentralPeopleAdmin
    from turnstile.admin.roles import cli_actor

    return CentralPeopleAdmin.open(store, AuditLog(store.connection, datetime.now),
                                   cli_actor().name, datetime.now, gallery, central_of(config),
                                   database_path(args, config))


def people(args: argparse.Namespace, config: Config) -> int:
    with open_roster(config) as roster:
        everyone = roster.people()
    rows = [{"id": p.person.id, "name": p.person.name, "employee_id": p.person.employee_id,
             "templates": p.person.templates, "active": p.person.active,
             "created": p.person.created.isoformat(), "groups": list(p.groups),
             "card": p.person.credential}
            for p in everyone]
    text = "\n".join(f"{p.person.name:30} {p.person.employee_id or '-':12} "
                     f"{p.person.templates:3} template(s)"
                     f"{'' if p.person.active else '  (inactive)'}" for p in everyone)
    emit(args, {"people": rows}, text or "no one is enrolled")
    return 0


def remove(args: argparse.Namespace, config: Config) -> int:
    with open_roster(config) as roster:
        matches = roster.find(args.name)
        if not matches:
            raise StoreError(f"no one named {args.name!r} is enrolled")
        if len(matches) > 1:
            ids = ", ".join(str(p.person.employee_id or p.person.id) for p in matches)
            raise StoreError(f"{len(matches)} people are named {args.name!r} ({ids}); "
                               "remove by employee id")
        person = matches[0].person
        roster.erase(person.id)
    emit(args, {"removed": person.name, "person_id": person.id},
         f"removed {person.name} with all templates (every kiosk erases them on its next sync)")
    return 0


def events(args: argparse.Namespace, config: Config, since: datetime | None,
           until: datetime | None) -> int:
    """Every kiosk's events, newest first, with the kiosk id; or all matching to --csv."""
    from turnstile.store.central import events as central_events

    with open_roster(config) as roster:
        person_id = None
        if args.person:
            found = roster.find(args.person)
            if len(found) != 1:
                raise StoreError(f"{len(found)} people match {args.person!r}; "
                                   "give the exact name or employee id")
            person_id = found[0].person.id
        limit = 10**9 if args.csv else args.limit
        rows = central_events.recent(roster.connection, limit, outcome=args.outcome,
                                     person_id=person_id, since=since, until=until)
    if args.csv:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with open(args.csv, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["at", "kiosk_id", "outcome", "name", "similarity", "runner_up",
                             "reason", "detail", "door"])
            for e in reversed(rows):
                writer.writerow([e.at.isoformat(timespec="milliseconds"), e.kiosk_id,
                                 e.outcome, e.name or "", e.similarity, e.runner_up,
                                 e.reason or "", e.detail, e.door])
        emit(args, {"exported": len(rows), "csv": str(args.csv)},
             f"{len(rows)} event(s) written to {args.csv}")
        return 0
    payload = [{"at": e.at.isoformat(timespec="milliseconds"), "kiosk_id": e.kiosk_id,
                "outcome": e.outcome, "name": e.name, "similarity": e.similarity,
                "runner_up": e.runner_up, "reason": e.reason, "door": e.door} for e in rows]
    text = "\n".join(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.kiosk_id:12} {e.outcome:9} "
                     f"{e.name or '-':24} "
                     f"{'' if e.similarity is None else f'{e.similarity:.3f}'}" for e in rows)
    emit(args, {"events": payload}, text or "no events")
    return 0
