"""Options and helpers shared by every subcommand (config, database, JSON output)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from turnstile import config as config_module
from turnstile.config import Config
from turnstile.store.sqlite import SQLiteStore


def add_shared_options(parser: argparse.ArgumentParser, *, top: bool = False,
                       db: bool = True) -> None:
    """--config, --db and --json, accepted before the command and after it.

    On the top-level parser (`top`) they have their defaults; on a command they default to
    SUPPRESS, so that `turnstile --db a.db people` keeps the a.db given before the command
    instead of the command's own default overwriting it.
    """
    unset: dict[str, object] = {} if top else {"default": argparse.SUPPRESS}
    parser.add_argument("--config", type=Path, metavar="PATH", **unset,  # type: ignore[arg-type]
                        help="TOML config file (default: the user config folder's config.toml)")
    if db:
        parser.add_argument("--db", type=Path, metavar="PATH", **unset,  # type: ignore[arg-type]
                            help="gallery database file (default: from config, $TURNSTILE_DB, "
                                 "or the user data folder)")
    parser.add_argument("--json", action="store_true", **unset,  # type: ignore[arg-type]
                        help="print the result as one JSON object on stdout")


def parent_parser() -> argparse.ArgumentParser:
    """--config, --db and --json for a command (see add_shared_options)."""
    parent = argparse.ArgumentParser(add_help=False)
    add_shared_options(parent)
    return parent


def add_out_option(parser: argparse.ArgumentParser) -> None:
    """--out FILE: the JSON result to a file (the summary still on stdout); --json prints it."""
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="write the result as JSON to FILE")


def add_model_option(parser: argparse.ArgumentParser) -> None:
    """--model and --device, for every command that embeds faces."""
    parser.add_argument("--model", type=Path, metavar="PATH",
                        help="ONNX face embedder to use instead of the default SFace")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"),
                        help="where the embedder runs (default from config: auto = CUDA "
                             "when onnxruntime offers it, else CPU)")


def load_config(args: argparse.Namespace) -> Config:
    """The config file, with --device (where the command has it) taking precedence."""
    config = config_module.load(args.config)
    device = getattr(args, "device", None)
    if device:
        config = config_module.replace(
            config, models=config_module.replace(config.models, device=device))
    return config


def database_path(args: argparse.Namespace, config: Config) -> Path:
    return Path(args.db) if args.db else config.database_path()


def open_store(args: argparse.Namespace, config: Config, *, create: bool = True) -> SQLiteStore:
    """The gallery database; commands that only read or remove pass create=False, so a
    mistyped --db is an error instead of a new empty database (and folders) on disk."""
    path = database_path(args, config)
    if not create and not path.is_file():
        raise FileNotFoundError(f"no database at {path} (nothing has been enrolled there; "
                                "check --db or the config's database)")
    return SQLiteStore.open(path, config.events)


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    """Print JSON when --json was given, otherwise the human-readable text."""
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False))
    elif text:
        print(text)


def emit_to_file(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    """For commands with --out: the JSON to FILE (and the text on stdout), or with --json
    the JSON alone on stdout, otherwise the text."""
    out: Path | None = getattr(args, "out", None)
    if out is not None:
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False))
        return
    print(text + (f"\n\nwritten to {out}" if out is not None else ""))


def warn(message: str) -> None:
    print(f"turnstile: {message}", file=sys.stderr)
