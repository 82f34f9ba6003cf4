"""`turnstile accounts ...` (panel accounts, run as the kiosk account) and `audit verify`."""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from turnstile.admin import passwords
from turnstile.admin.accounts import Accounts, AuthError, Role
from turnstile.admin.audit import AuditLog
from turnstile.admin.roles import cli_actor
from turnstile.cli.common import database_path, emit, load_config
from turnstile.config import Config
from turnstile.store import database as storage


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    accounts = subparsers.add_parser(
        "accounts", help="admin panel accounts: list, create, passwd, reset, remove, unlock")
    commands = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    listing = commands.add_parser("list", parents=[parent], help="every account and its role")
    listing.set_defaults(func=run_list)
    create = commands.add_parser(
        "create", parents=[parent],
        help="add an account (the first one, an administrator, is made this way)")
    create.add_argument("name")
    create.add_argument("--role", choices=[r.value for r in Role],
                        help="default: administrator for the first account, else operator")
    _password_option(create)
    create.set_defaults(func=run_create)
    passwd = commands.add_parser("passwd", parents=[parent],
                                 help="change an account's password (asks the current one)")
    passwd.add_argument("name")
    _password_option(passwd)
    passwd.set_defaults(func=run_passwd)
    reset = commands.add_parser("reset", parents=[parent],
                                help="set a forgotten password (no current one needed)")
    reset.add_argument("name")
    _password_option(reset)
    reset.set_defaults(func=run_reset)
    remove = commands.add_parser("remove", parents=[parent], help="delete an account")
    remove.add_argument("name")
    remove.set_defaults(func=run_remove)
    unlock = commands.add_parser("unlock", parents=[parent],
                                 help="lift a sign-in lockout (one name, or all with no name)")
    unlock.add_argument("name", nargs="?")
    unlock.set_defaults(func=run_unlock)

    audit = subparsers.add_parser("audit", help="check the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_commands.add_parser(
        "verify", parents=[parent], help="check that no audit entry was changed or removed")
    verify.set_defaults(func=run_verify)


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password(s) from standard input, one per line, "
                             "instead of asking (for scripts)")


class _Session:
    """The database's accounts and audit log, opened as the file's owner."""

    def __init__(self, args: argparse.Namespace, create: bool = False) -> None:
        config: Config = load_config(args)
        path = database_path(args, config)
        if not create and not path.exists():
            raise FileNotFoundError(f"no database at {path} (nothing to do)")
        _check_owner(path)
        self.conn: sqlite3.Connection = storage.connect(path)
        self.audit = AuditLog(self.conn, datetime.now, config.admin.audit_retention_days)
        central = None
        if config.central.configured:  # the accounts of every kiosk, at the centre
            from turnstile.admin.central import account_store

            central = account_store(config.central, self.conn, datetime.now)
        self.accounts = Accounts(self.conn, config.admin, self.audit, datetime.now,
                                 passwords.DEFAULT_COST, central)

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def _check_owner(path: Path) -> None:
    """Refuse another account's database: writing it (as root, say) would leave files the
    kiosk account cannot open, and the kiosk account is the one trusted with it."""
    if sys.platform == "win32" or not path.exists():
        return
    owner = path.stat().st_uid
    if owner != os.geteuid():
        raise PermissionError(
            f"{path} belongs to another account (uid {owner}); run this as that account, "
            "e.g. sudo -u turnstile turnstile accounts ...")


def _read_password(args: argparse.Namespace, prompt: str, confirm: bool) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise AuthError("no password on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass(f"{prompt} (again): ") != first:
        raise AuthError("the two passwords differ")
    return first


def run_list(args: argparse.Namespace) -> int:
    with _Session(args) as session:
        users = session.accounts.users()
        locked = {u.name: session.accounts.lockout_remaining(u.name) for u in users}
    rows = [{"name": u.name, "role": u.role.value, "created": u.created.isoformat(),
             "last_login": u.last_login.isoformat() if u.last_login else None,
             "locked_s": round(locked[u.name])} for u in users]
    text = "\n".join(
        f"{u.name:24} {u.role.value:14} last sign-in "
        f"{u.last_login:%Y-%m-%d %H:%M}" if u.last_login else
        f"{u.name:24} {u.role.value:14} never signed in" for u in users)
    emit(args, {"accounts": rows},
         text or "no accounts yet: create the first with "
                 "`turnstile accounts create NAME --role administrator`")
    return 0


def run_create(args: argparse.Namespace) -> int:
    with _Session(args, create=True) as session:
        default = Role.ADMINISTRATOR if session.accounts.first_run() else Role.OPERATOR
        role = Role(args.role) if args.role else default
        password = _read_password(args, f"Password for {args.name}", confirm=True)
        user = session.accounts.create(args.name, password, role, by=cli_actor())
    emit(args, {"created": user.name, "role": user.role.value},
         f"created {user.role.value} account {user.name}")
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    with _Session(args) as session:
        user = session.accounts.find(args.name)
        old = _read_password(args, f"Current password of {user.name}", confirm=False)
        new = _read_password(args, f"New password for {user.name}", confirm=True)
        session.accounts.change_password(user, old, new)
    emit(args, {"changed": user.name}, f"password of {user.name} changed")
    return 0


def run_reset(args: argparse.Namespace) -> int:
    with _Session(args) as session:
        user = session.accounts.find(args.name)
        new = _read_password(args, f"New password for {user.name}", confirm=True)
        session.accounts.reset_password(user.id, new, by=cli_actor())
    emit(args, {"reset": user.name}, f"password of {user.name} reset; its lockout is lifted")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with _Session(args) as session:
        user = session.accounts.find(args.name)
        session.accounts.delete(user.id, by=cli_actor())
    emit(args, {"removed": user.name}, f"account {user.name} removed")
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    with _Session(args) as session:
        cleared = session.accounts.unlock(args.name, by=cli_actor())
    what = args.name or "every name and the PC-wide throttle"
    emit(args, {"unlocked": args.name, "cleared": cleared}, f"lockout lifted for {what}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    with _Session(args) as session:
        result = session.audit.verify()
    payload = {"ok": result.ok, "entries": result.checked, "pruned": result.pruned,
               "head": result.head, "broken_at": result.broken_at, "problem": result.problem}
    if result.ok:
        text = (f"audit log intact: {result.checked} entries chain up"
                f"{f' ({result.pruned} older ones pruned)' if result.pruned else ''}; "
                f"head {result.head}")
    else:
        text = f"audit log BROKEN: {result.problem} ({result.checked} entries before it check)"
    emit(args, payload, text)
    return 0 if result.ok else 1
