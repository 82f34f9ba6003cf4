"""`turnstile config show|check|set|reference`: the config file for installers and scripts."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import tomlkit

from turnstile import config as config_module
from turnstile.admin.audit import AuditLog
from turnstile.admin.roles import cli_actor
from turnstile.admin.settings import SettingsStore
from turnstile.cli.common import database_path
from turnstile.configdoc import reference
from turnstile.configfile import parse_value, write_settings
from turnstile.store import database as storage


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser("config", parents=[parent],
                                  help="show, check or change the config file")
    commands = group.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = commands.add_parser("show", parents=[parent],
                               help="every setting in effect (file values over defaults)")
    show.set_defaults(func=run_show)
    check = commands.add_parser("check", parents=[parent],
                                help="validate the config file, door included")
    check.set_defaults(func=run_check)
    change = commands.add_parser("set", parents=[parent],
                                 help="change one key; comments and order are kept")
    change.add_argument("key", metavar="KEY", help="dotted key, e.g. policy.cooldown_s")
    change.add_argument("value", metavar="VALUE",
                        help="TOML value: 7.5, true, [0, 0, 320, 240]; text as it is")
    change.set_defaults(func=run_set)
    ref = commands.add_parser("reference", parents=[parent],
                              help="the config reference (Markdown) generated from the schema")
    ref.add_argument("--out", type=Path, metavar="FILE", help="write it to FILE")
    ref.set_defaults(func=run_reference)


def _path(args: argparse.Namespace) -> Path:
    return Path(args.config) if args.config else config_module.default_config_path()


def run_show(args: argparse.Namespace) -> int:
    config = config_module.load(args.config)
    table = config.model_dump(mode="json")
    if getattr(args, "json", False):
        print(json.dumps(table, ensure_ascii=False))
    else:
        print(f"# {_path(args)}" + ("" if _path(args).exists() else " (absent: defaults)"))
        print(tomlkit.dumps(table).rstrip())
    return 0


def run_check(args: argparse.Namespace) -> int:
    path = _path(args)
    config = config_module.load(args.config)  # ConfigError: one line naming the key
    weak = config.below_floors()
    payload = {"ok": True, "path": str(path), "exists": path.exists(),
               "allow_insecure": config.allow_insecure, "below_floors": weak}
    if getattr(args, "json", False):
        print(json.dumps(payload))
    else:
        print(f"ok: {path}" + ("" if path.exists() else " (absent: defaults)"))
        for line in weak:
            print(f"warning: {line} (accepted because allow_insecure = true)")
    return 0


def run_set(args: argparse.Namespace) -> int:
    path = _path(args)
    value = parse_value(args.key, args.value)
    config = config_module.load(args.config)
    database = database_path(args, config)
    if database.exists():
        # A change from the command line is audited like one from the panel, under the OS
        # account that ran it (the file's owner: it acts as an administrator).
        conn = storage.connect(database)
        try:
            audit = AuditLog(conn, datetime.now, config.admin.audit_retention_days)
            SettingsStore(path, audit).save({args.key: value}, by=cli_actor())
        finally:
            conn.close()
    else:
        write_settings(path, {args.key: value})
    print(f"{args.key} = {tomlkit.item(value).as_string()} in {path}")
    return 0


def run_reference(args: argparse.Namespace) -> int:
    text = reference()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
