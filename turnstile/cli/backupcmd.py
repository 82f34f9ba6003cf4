"""`turnstile backup` and `turnstile restore BACKUP`: the database copied online, and back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from turnstile.cli.common import database_path, emit, load_config
from turnstile.store import upkeep


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    backup = subparsers.add_parser(
        "backup", parents=[parent],
        help="copy the database while the kiosk runs (checked; private to this account)")
    backup.add_argument("--to", type=Path, metavar="FILE",
                        help="where to write it (default: turnstile.backup-TIME.db beside it)")
    backup.set_defaults(func=run_backup)
    restore = subparsers.add_parser(
        "restore", parents=[parent],
        help="replace the database with a backup (stop the kiosk first; the old file is kept)")
    restore.add_argument("backup", type=Path, metavar="BACKUP", help="a file `backup` wrote")
    restore.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    database = database_path(args, load_config(args))
    target = upkeep.backup(database, args.to)
    emit(args, {"database": str(database), "backup": str(target)},
         f"backed up {database} to {target} (integrity checked)")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    database = database_path(args, load_config(args))
    aside = upkeep.restore(database, args.backup)
    emit(args, {"database": str(database), "restored_from": str(args.backup),
                "replaced_file": str(aside)},
         f"restored {database} from {args.backup}; the replaced file is kept as {aside}")
    return 0
