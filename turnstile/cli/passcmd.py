"""`turnstile pass issue|list|revoke`: visitor passes from the command line."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from turnstile.admin.audit import AuditLog
from turnstile.admin.passes import VisitorPasses, card, parse_duration, parse_time, png
from turnstile.admin.roles import cli_actor
from turnstile.cli.common import database_path, emit, load_config
from turnstile.errors import UsageError
from turnstile.store import database as storage
from turnstile.store.passes import PassRecord


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser("pass", help="visitor passes: issue, list, revoke")
    actions = group.add_subparsers(dest="pass_command", metavar="ACTION", required=True)
    issue = actions.add_parser("issue", parents=[parent],
                               help="issue a signed, time-limited QR pass as a PNG card")
    issue.add_argument("--visitor", required=True, metavar="NAME", help="the visitor's name")
    issue.add_argument("--host", default="", metavar="NAME", help="whom they visit")
    issue.add_argument("--reason", default="", metavar="TEXT", help="why they come")
    issue.add_argument("--from", dest="valid_from", metavar="TIME",
                       help="start (\"2026-03-02 09:00\" or 09:00 today; default now)")
    span = issue.add_mutually_exclusive_group(required=True)
    span.add_argument("--valid", metavar="DURATION", help="how long: 8h, 90m, 2d")
    span.add_argument("--until", metavar="TIME", help="end (\"2026-03-02 18:00\" or 18:00)")
    issue.add_argument("--out", type=Path, required=True, metavar="FILE.png",
                       help="where to write the printable card (PNG)")
    issue.set_defaults(func=run_issue)
    listing = actions.add_parser("list", parents=[parent], help="issued passes, newest first")
    listing.add_argument("--current", action="store_true",
                         help="only passes not yet ended and not revoked")
    listing.set_defaults(func=run_list)
    revoke = actions.add_parser("revoke", parents=[parent], help="withdraw a pass")
    revoke.add_argument("id", type=int, help="the pass number (see pass list)")
    revoke.set_defaults(func=run_revoke)


def _open(args: argparse.Namespace, create: bool) -> tuple[VisitorPasses, Any]:
    config = load_config(args)
    path = database_path(args, config)
    if not create and not path.is_file():
        raise FileNotFoundError(f"no database at {path} (check --db or the config's database)")
    conn = storage.connect(path)
    audit = AuditLog(conn, datetime.now, config.admin.audit_retention_days)
    try:
        return VisitorPasses.open(conn, config.passes, path, audit,
                                  keep_days=config.events.retention_days), conn
    except Exception:
        conn.close()
        raise


def _row(record: PassRecord) -> dict[str, Any]:
    return {"id": record.id, "visitor": record.visitor, "host": record.host,
            "reason": record.reason, "valid_from": record.valid_from.isoformat(),
            "valid_until": record.valid_until.isoformat(),
            "issued_by": record.issued_by, "revoked": record.revoked}


def run_issue(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".png":
        raise UsageError(f"--out {args.out} must end in .png")
    passes, conn = _open(args, create=True)
    try:
        now = datetime.now()
        issued = passes.issue(
            cli_actor(), args.visitor, host=args.host, reason=args.reason,
            valid_from=parse_time(args.valid_from, now) if args.valid_from else None,
            until=parse_time(args.until, now) if args.until else None,
            valid_for=parse_duration(args.valid) if args.valid else None)
    finally:
        conn.close()
    args.out.write_bytes(png(card(issued)))
    record = issued.record
    emit(args, {**_row(record), "out": str(args.out), "code": issued.code},
         f"pass {record.id} for {record.visitor}, valid {record.valid_from:%Y-%m-%d %H:%M} to "
         f"{record.valid_until:%Y-%m-%d %H:%M}; card written to {args.out}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    passes, conn = _open(args, create=False)
    try:
        records = passes.list(current=args.current)
    finally:
        conn.close()
    text = "\n".join(
        f"{r.id:>5}  {r.visitor}  {r.valid_from:%Y-%m-%d %H:%M} - {r.valid_until:%Y-%m-%d %H:%M}"
        + (f"  host {r.host}" if r.host else "") + ("  REVOKED" if r.revoked else "")
        for r in records) or "no visitor passes"
    emit(args, {"passes": [_row(r) for r in records]}, text)
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    passes, conn = _open(args, create=False)
    try:
        record = passes.revoke(cli_actor(), args.id)
    finally:
        conn.close()
    emit(args, _row(record), f"pass {record.id} ({record.visitor}) is revoked")
    return 0
