"""Admin accounts: salted scrypt password hashes, sign-in with lockout, password changes."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.passwords import (
    DEFAULT_COST,
    ScryptCost,
    check_password,
    dummy_hash,
    hash_password,
    needs_rehash,
)
from turnstile.admin.roles import Actor, Permission, PermissionDeniedError, Role, require
from turnstile.config import AdminConfig
from turnstile.errors import TurnstileError
from turnstile.store.accounts import (
    AccountRecords,
    AccountRow,
    AccountStore,
    AccountsUnavailableError,
    DuplicateAccountError,
    Failures,
    ThrottleWindow,
)

__all__ = ["Accounts", "Actor", "AuthError", "LockoutError", "Permission", "PermissionDeniedError",
           "Role", "ScryptCost", "User", "check_password", "hash_password"]

#: Throttle scope counting failed sign-ins of every name together.
ALL_NAMES = "all"


@dataclass(frozen=True)
class User:
    """An admin account (never carries its password hash)."""

    id: int
    name: str
    role: Role
    created: datetime
    last_login: datetime | None = None


class AuthError(TurnstileError):
    """A login or account change was refused; the message is safe to show."""


class LockoutError(AuthError):
    """Too many failed logins: sign-in waits `wait_s` more seconds."""

    def __init__(self, wait_s: float, everyone: bool = False) -> None:
        what = "failed sign-ins on this PC" if everyone else "failed attempts"
        super().__init__(f"too many {what}; try again in {wait_s:.0f} s")
        self.wait_s = wait_s


P = ParamSpec("P")
R = TypeVar("R")


def _shown(method: Callable[P, R]) -> Callable[P, R]:
    """The central accounts being away is refused like any sign-in problem: a safe message."""
    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except AccountsUnavailableError as exc:
            raise AuthError(str(exc)) from exc
    return guarded


def _user(row: AccountRow) -> User:
    return User(row.id, row.name, Role(row.role), row.created, row.last_login)


class Accounts:
    """Creates accounts and checks sign-ins; every outcome goes to the audit log."""

    def __init__(self, conn: sqlite3.Connection, config: AdminConfig, audit: AuditLog,
                 clock: Callable[[], datetime], cost: ScryptCost = DEFAULT_COST,
                 store: AccountRecords | None = None) -> None:
        # `store`: the central accounts ([central]); otherwise this database's own.
        self._store: AccountRecords = store or AccountStore(conn)
        self._config = config
        self._audit = audit
        self._clock = clock
        self._cost = cost
        # Unknown names are checked against this, so they cost one stretch like known ones.
        self._dummy = dummy_hash(cost)

    @_shown
    def first_run(self) -> bool:
        """No account exists yet: the installer must create the first administrator with
        `turnstile accounts create` (the panel never offers it to whoever stands there)."""
        return self._store.count() == 0

    @_shown
    def users(self) -> list[User]:
        return [_user(r) for r in self._store.all()]

    @_shown
    def user(self, user_id: int) -> User:
        row = self._store.get(user_id)
        if row is None:
            raise AuthError(f"no account with id {user_id}")
        return _user(row)

    @_shown
    def find(self, name: str) -> User:
        found = self._store.by_name(name.strip())
        if found is None:
            raise AuthError(f"no account named {name.strip()!r}")
        return _user(found[0])

    @_shown
    def create(self, name: str, password: str, role: Role, by: Actor) -> User:
        """Add an account (an administrator's call); the first one must be an administrator."""
        require(by, Permission.MANAGE_ACCOUNTS)
        name = name.strip()
        if self.first_run() and role is not Role.ADMINISTRATOR:
            raise AuthError("the first account must be an administrator")
        if not name:
            raise AuthError("an account needs a name")
        self._check_new_password(password)
        try:
            user_id = self._store.insert(name, role.value,
                                         hash_password(password, self._cost), self._clock())
        except DuplicateAccountError as exc:
            raise AuthError(f"an account named {name!r} already exists") from exc
        self._audit.record(by.name, AuditAction.ACCOUNT_CREATED, name, {"role": role.value})
        return self.user(user_id)

    @_shown
    def delete(self, user_id: int, by: Actor) -> None:
        require(by, Permission.MANAGE_ACCOUNTS)
        target = self.user(user_id)
        admins = [u for u in self.users() if u.role is Role.ADMINISTRATOR]
        if target.role is Role.ADMINISTRATOR and len(admins) == 1:
            raise AuthError("the last administrator cannot be deleted")
        self._store.delete(user_id)
        self._audit.record(by.name, AuditAction.ACCOUNT_DELETED, target.name)

    # Passwords --------------------------------------------------------------------------
    @_shown
    def change_password(self, user: User, old: str, new: str) -> None:
        """A signed-in user's own password: the old one must be right (and is throttled)."""
        self._authenticate(user.name, old)
        self._check_new_password(new)
        self._store.set_password(user.id, hash_password(new, self._cost))
        self._audit.record(user.name, AuditAction.PASSWORD_CHANGED, user.name)

    @_shown
    def reset_password(self, user_id: int, new: str, by: Actor) -> User:
        """An administrator sets someone else's password (a forgotten one); lifts their lock."""
        require(by, Permission.MANAGE_ACCOUNTS)
        target = self.user(user_id)
        self._check_new_password(new)
        self._store.set_password(target.id, hash_password(new, self._cost))
        self._store.clear_failures(target.name)
        self._audit.record(by.name, AuditAction.PASSWORD_RESET, target.name)
        return target

    @_shown
    def unlock(self, name: str | None, by: Actor) -> int:
        """Lift the lockout of one name, or of every name and the PC-wide throttle."""
        require(by, Permission.MANAGE_ACCOUNTS)
        cleared = self._store.clear_failures(None if name is None else name.strip())
        self._audit.record(by.name, AuditAction.UNLOCKED, "" if name is None else name.strip(),
                           {"cleared": cleared})
        return cleared

    def _check_new_password(self, password: str) -> None:
        if len(password) < self._config.min_password_length:
            raise AuthError(
                f"the password needs at least {self._config.min_password_length} characters")

    # Sign-in ----------------------------------------------------------------------------
    @_shown
    def login(self, name: str, password: str) -> User:
        """The user when the password is right; AuthError or LockoutError otherwise."""
        row = self._authenticate(name, password)
        self._store.set_last_login(row.id, self._clock())
        self._audit.record(row.name, AuditAction.LOGIN, row.name)
        return self.user(row.id)

    @_shown
    def confirm(self, user: User, password: str, purpose: str) -> None:
        """Re-authentication before a sensitive step (erase, export, settings): the signed-in
        user types their password again; wrong answers count like failed sign-ins."""
        self._authenticate(user.name, password)
        self._audit.record(user.name, AuditAction.REAUTHENTICATED, user.name,
                           {"purpose": purpose})

    @_shown
    def authorise(self, name: str, password: str, permission: Permission) -> User:
        """Sign-in for one action (quitting the kiosk): right password AND a role allowing it."""
        row = self._authenticate(name, password)
        user = _user(row)
        require(user, permission)
        self._audit.record(user.name, AuditAction.AUTHORISED, user.name,
                           {"permission": permission.value})
        return user

    def _authenticate(self, name: str, password: str) -> AccountRow:
        name = name.strip()
        wait, everyone = self._wait(name)
        if wait > 0:
            self._audit.record(name, AuditAction.LOCKED_OUT, name, {"wait_s": round(wait)})
            raise LockoutError(wait, everyone)
        found = self._store.by_name(name)
        # The same one stretch at the same cost whether or not the name exists: the answer
        # time must not tell which names are accounts.
        ok = check_password(password, found[1] if found else self._dummy)
        if found is None or not ok:
            self._fail(name)
            raise AuthError("wrong name or password")
        row, stored = found
        self._store.clear_failures(row.name)
        if needs_rehash(stored, self._cost):
            # Older, weaker parameters: upgrade while the password is at hand.
            self._store.set_password(row.id, hash_password(password, self._cost))
        return row

    @_shown
    def lockout_remaining(self, name: str) -> float:
        """Seconds until `name` may try again (0 when not locked)."""
        return self._wait(name.strip())[0]

    def _wait(self, name: str) -> tuple[float, bool]:
        """(seconds to wait, whether it is the PC-wide throttle)."""
        now = self._clock()
        until = self._store.failures(name).locked_until
        own = 0.0 if until is None else (until - now).total_seconds()
        window = self._store.throttle(ALL_NAMES)
        everyone = 0.0
        if window is not None and window.failures >= self._config.global_failed_logins \
                and (now - window.window_start).total_seconds() < self._config.global_window_s:
            spacing = timedelta(seconds=self._config.global_delay_s)
            everyone = (window.last_failure + spacing - now).total_seconds()
        return (max(own, everyone, 0.0), everyone > own)

    def _fail(self, name: str) -> None:
        now = self._clock()
        failures = self._store.failures(name).count + 1
        over = failures - self._config.max_failed_logins
        locked_until = None
        detail: dict[str, str | int | float | bool | None] = {"failures": failures}
        if over >= 0:
            # The delay doubles with every further failure, up to lockout_max_s: guessing
            # gets slow fast, and nobody can lock a name for longer than that cap.
            delay = min(self._config.lockout_s * 2**over, self._config.lockout_max_s)
            locked_until = now + timedelta(seconds=delay)
            detail["locked_s"] = delay
        self._store.set_failures(name, Failures(failures, locked_until))
        self._count_everywhere(now)
        self._audit.record(name, AuditAction.LOGIN_FAILED, name, detail)

    def _count_everywhere(self, now: datetime) -> None:
        """The PC-wide count: guessing many names slows down like guessing one."""
        window = self._store.throttle(ALL_NAMES)
        if window is None or (now - window.window_start).total_seconds() \
                >= self._config.global_window_s:
            window = ThrottleWindow(0, now, now)
        self._store.set_throttle(ALL_NAMES, ThrottleWindow(window.failures + 1,
                                                           window.window_start, now))
