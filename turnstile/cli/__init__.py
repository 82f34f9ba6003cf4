"""Command line: `turnstile COMMAND ...`; each command group lives in its own module."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence

from turnstile import __version__
from turnstile.admin.accounts import AuthError
from turnstile.admin.roles import PermissionDeniedError
from turnstile.cli import (
    accountscmd,
    admincmd,
    backupcmd,
    benchcmd,
    centralcmd,
    common,
    configcmd,
    core,
    doorcmd,
    evalcmd,
    kioskcmd,
    livenesscmd,
    modelcmd,
    traincmd,
)
from turnstile.config import ConfigError
from turnstile.store.database import SchemaError
from turnstile.store.records import StoreError
from turnstile.vision.imageio import ImageError
from turnstile.vision.models import ModelError

#: Modules that add subcommands; each has register(subparsers, parent). evalcmd comes
#: before livenesscmd, which adds `eval liveness` to its group.
COMMAND_MODULES = (core, configcmd, modelcmd, kioskcmd, doorcmd, backupcmd, admincmd, accountscmd,
                   centralcmd, benchcmd, evalcmd, traincmd, livenesscmd)
#: Errors that are the user's input or environment: one line, no traceback.
USER_ERRORS = (AuthError, PermissionDeniedError, ConfigError, StoreError, ImageError, ModelError,
               SchemaError, FileNotFoundError, FileExistsError, PermissionError, ValueError,
               RuntimeError, sqlite3.Error)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="turnstile",
        description="Offline face-recognition access control for turnstiles and doors.")
    parser.add_argument("--version", action="version", version=f"turnstile {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parent = common.parent_parser()
    for module in COMMAND_MODULES:
        module.register(subparsers, parent)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except USER_ERRORS as exc:
        print(f"turnstile: error: {exc}", file=sys.stderr)
        return 2
