"""Command line: `turnstile COMMAND ...`; each command group lives in its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from turnstile import __version__
from turnstile.cli import (
    accountscmd,
    admincmd,
    backupcmd,
    benchcmd,
    cardcmd,
    centralcmd,
    common,
    configcmd,
    core,
    doorcmd,
    evalcmd,
    kioskcmd,
    livenesscmd,
    modelcmd,
    passcmd,
    pincmd,
    traincmd,
)
from turnstile.errors import TurnstileError

#: Modules that add commands; each has register(subparsers, parent) and owns its parsers
#: (evalcmd adds `eval light` and `eval liveness` from their modules to its own group).
COMMAND_MODULES = (core, configcmd, modelcmd, kioskcmd, doorcmd, backupcmd, admincmd, accountscmd,
                   passcmd, cardcmd, pincmd, centralcmd, benchcmd, evalcmd, traincmd,
                   livenesscmd)
#: Errors that are the user's input or environment: one line, no traceback (--debug shows
#: it). The project's own error types and file errors; anything else is a bug and says so.
USER_ERRORS = (TurnstileError, FileNotFoundError, FileExistsError, IsADirectoryError,
               NotADirectoryError, PermissionError)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="turnstile",
        description="Offline face-recognition access control for turnstiles and doors.")
    parser.add_argument("--version", action="version", version=f"turnstile {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error")
    # Also accepted after the command; given before it, they apply just the same.
    common.add_shared_options(parser, top=True)
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
        if args.debug:
            raise
        print(f"turnstile: error: {exc}", file=sys.stderr)
        return 2


def _gui_streams(name: str) -> None:
    """Give a console-less start (Windows' pythonw, a desktop launcher) somewhere to write:
    there sys.stdout/stderr are None, and every log line or error message would be lost."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    from turnstile.config import default_data_dir

    folder = default_data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    stream = open(folder / f"{name}.log", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream


def kiosk_main() -> int:
    """`turnstile-kiosk`: the kiosk as a GUI program (no console window on Windows)."""
    _gui_streams("kiosk")
    return main(["kiosk", *sys.argv[1:]])


def admin_main() -> int:
    """`turnstile-admin`: the admin panel as a GUI program (no console window on Windows)."""
    _gui_streams("admin")
    return main(["admin", *sys.argv[1:]])
