"""Admin commands: bulk `import` of photos, the `admin` panel and `events` export."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.context import AdminContext
from turnstile.admin.eventexport import EventFilter, export_csv, parse_time, select
from turnstile.admin.importer import Importer, ImportReport, plan
from turnstile.admin.roles import cli_actor
from turnstile.cli import centralpeople
from turnstile.cli.common import add_model_option, database_path, emit, load_config, open_store
from turnstile.config import default_config_path
from turnstile.store.interfaces import Store
from turnstile.store.records import StoreError
from turnstile.types import Outcome
from turnstile.vision.engine import EngineFactory


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    bulk = subparsers.add_parser(
        "import", parents=[parent],
        help="enrol many people from a folder (one sub-folder per person) or a CSV")
    bulk.add_argument("source", type=Path, metavar="DIR|CSV",
                      help="folder of per-person folders, or CSV name,employee_id,image_path")
    bulk.add_argument("--consent", action="store_true",
                      help="record that everyone imported gave consent (stamped now)")
    add_model_option(bulk)
    bulk.set_defaults(func=run_import)

    admin = subparsers.add_parser("admin", parents=[parent], help="open the admin panel")
    add_model_option(admin)
    admin.set_defaults(func=run_admin)

    events = subparsers.add_parser("events", parents=[parent],
                                   help="list access decisions or export them as CSV")
    events.add_argument("--since", metavar="TIME",
                        help="from this time: 2026-03-01, 2026-03-01T08:00, or 7d / 12h / 30m ago")
    events.add_argument("--until", metavar="TIME", help="before this time (same forms)")
    events.add_argument("--outcome", choices=[o.value for o in Outcome])
    events.add_argument("--person", metavar="NAME", help="name or employee id")
    events.add_argument("--csv", type=Path, metavar="FILE", help="write every match to FILE")
    events.add_argument("--limit", type=int, default=50,
                        help="events listed without --csv (default 50)")
    events.set_defaults(func=run_events)


def _context(args: argparse.Namespace) -> AdminContext:
    config = load_config(args)
    config_path = Path(args.config) if args.config else default_config_path()
    return AdminContext.open(config, config_path, database_path(args, config),
                             engines=EngineFactory(getattr(args, "model", None)))


def run_import(args: argparse.Namespace) -> int:
    items = plan(args.source, load_config(args).osdp.card_format)
    context = _context(args)
    actor = cli_actor().name
    try:
        importer = Importer(context.enroller, context.people(actor), consent=args.consent)
        with tqdm(total=len(items), unit="photo", desc="importing",
                  disable=args.json) as bar:
            report = importer.run(items, lambda done, total: bar.update(done - bar.n))
        context.audit.record(actor, AuditAction.IMPORT, str(args.source.name),
                             {"photos": report.photos, "accepted": report.accepted,
                              "rejected": len(report.rejected)})
    finally:
        context.close()
    emit(args, _payload(report), _summary(report))
    return 0 if not report.rejected else 1


def _payload(report: ImportReport) -> dict[str, Any]:
    return {"photos": report.photos, "accepted": report.accepted, "enrolled": report.enrolled,
            "rejected": [{"image": str(r.path), "name": r.name, "reason": r.reason.value,
                          "detail": r.detail} for r in report.rejected]}


def _summary(report: ImportReport) -> str:
    lines = [f"{report.accepted} of {report.photos} photo(s) enrolled for "
             f"{len(report.enrolled)} person(s); {len(report.rejected)} rejected"]
    lines += [f"  rejected {r.path}: {r.detail}" for r in report.rejected]
    return "\n".join(lines)


def _event_filter(args: argparse.Namespace, store: Store) -> EventFilter:
    now = datetime.now()
    person_id = None
    if args.person:
        found = store.people.find(args.person)
        if len(found) != 1:
            raise StoreError(f"{len(found)} people match {args.person!r}; "
                               "give the exact name or employee id")
        person_id = found[0].id
    return EventFilter(parse_time(args.since, now) if args.since else None,
                       parse_time(args.until, now) if args.until else None, person_id,
                       Outcome(args.outcome) if args.outcome else None)


def run_events(args: argparse.Namespace) -> int:
    config = load_config(args)
    if config.central.configured:
        now = datetime.now()
        return centralpeople.events(args, config,
                                    parse_time(args.since, now) if args.since else None,
                                    parse_time(args.until, now) if args.until else None)
    store = open_store(args, config, create=False)
    try:
        where = _event_filter(args, store)
        if args.csv:
            count = export_csv(store.events, where, args.csv)
            AuditLog(store.connection, datetime.now).record(
                cli_actor().name, AuditAction.EXPORT, "events",
                {"rows": count, "file": args.csv.name})
            emit(args, {"exported": count, "csv": str(args.csv)},
                 f"{count} event(s) written to {args.csv}")
            return 0
        events = select(store.events, where, limit=args.limit)
    finally:
        store.close()
    rows = [{"at": e.at.isoformat(timespec="milliseconds"), "outcome": e.outcome.value,
             "name": e.name, "similarity": _rounded(e.similarity),
             "runner_up": _rounded(e.runner_up),
             "reason": e.reason.value if e.reason else None, "detail": e.detail,
             "door": e.door} for e in events]
    text = "\n".join(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.outcome.value:9} {e.name or '-':24} "
                      f"{'' if e.similarity is None else f'{e.similarity:.3f}':6} "
                      f"{e.reason.value if e.reason else e.detail}".rstrip() for e in events)
    emit(args, {"events": rows}, text or "no events")
    return 0


def _rounded(value: float | None) -> float | None:
    """Similarities to 4 decimals: finer digits are float noise, not information."""
    return None if value is None else round(value, 4)


def run_admin(args: argparse.Namespace) -> int:
    from turnstile.gui.admin.app import run_panel

    return run_panel(_context(args))
