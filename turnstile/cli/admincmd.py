"""Admin commands: bulk `import` of photos and the `admin` panel."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.admin.importer import Importer, ImportReport, plan
from turnstile.cli.common import database_path, emit, load_config
from turnstile.config import default_config_path


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    bulk = subparsers.add_parser(
        "import", parents=[parent],
        help="enrol many people from a folder (one sub-folder per person) or a CSV")
    bulk.add_argument("source", type=Path, metavar="DIR|CSV",
                      help="folder of per-person folders, or CSV name,employee_id,image_path")
    bulk.add_argument("--consent", action="store_true",
                      help="record that everyone imported gave consent (stamped now)")
    bulk.set_defaults(func=run_import)

    admin = subparsers.add_parser("admin", parents=[parent], help="open the admin panel")
    admin.set_defaults(func=run_admin)


def _context(args: argparse.Namespace) -> AdminContext:
    config = load_config(args)
    config_path = Path(args.config) if args.config else default_config_path()
    return AdminContext.open(config, config_path, database_path(args, config))


def run_import(args: argparse.Namespace) -> int:
    items = plan(args.source)
    context = _context(args)
    actor = f"cli:{getpass.getuser()}"
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


def run_admin(args: argparse.Namespace) -> int:
    from turnstile.gui.admin.app import run_panel

    return run_panel(_context(args))
