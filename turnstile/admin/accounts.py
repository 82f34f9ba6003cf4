"""Admin accounts: roles, salted scrypt password hashes, first run and login lockout."""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.config import AdminConfig

#: scrypt cost: 2**14 x 8 x 1 takes about 50 ms and 16 MiB, slow enough to make guessing
#: a stolen database expensive, fast enough for a login.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32
SALT_BYTES = 16


class Role(enum.Enum):
    """Administrators do everything; operators enrol and edit people and read events."""

    ADMINISTRATOR = "administrator"
    OPERATOR = "operator"

    @property
    def manages_settings(self) -> bool:
        return self is Role.ADMINISTRATOR


@dataclass(frozen=True)
class User:
    """An admin account (never carries its password hash)."""

    id: int
    name: str
    role: Role
    created: datetime
    last_login: datetime | None = None


class AuthError(Exception):
    """A login or account change was refused; the message is safe to show."""


class LockoutError(AuthError):
    """Too many failed logins: the name is locked for `wait_s` more seconds."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"too many failed attempts; try again in {wait_s:.0f} s")
        self.wait_s = wait_s


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A self-describing scrypt hash: scrypt$n$r$p$salt$digest (base64)."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=SCRYPT_LEN)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), dklen=len(expected))
    except ValueError:
        return False
    return kind == "scrypt" and bool(hmac.compare_digest(actual, expected))


def _user(row: tuple[object, ...]) -> User:
    uid, name, role, created, last = row
    return User(int(str(uid)), str(name), Role(role), datetime.fromisoformat(str(created)),
                datetime.fromisoformat(str(last)) if last else None)


class Accounts:
    """Creates accounts and checks logins; every outcome goes to the audit log."""

    def __init__(self, conn: sqlite3.Connection, config: AdminConfig, audit: AuditLog,
                 clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._config = config
        self._audit = audit
        self._clock = clock

    def first_run(self) -> bool:
        """No account exists yet: the panel must create the first administrator."""
        return int(self._conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]) == 0

    def users(self) -> list[User]:
        rows = self._conn.execute(
            "SELECT id, name, role, created, last_login FROM users ORDER BY name")
        return [_user(r) for r in rows]

    def create(self, name: str, password: str, role: Role, by: User | None) -> User:
        """Add an account; the first one must be an administrator, later ones need one."""
        name = name.strip()
        if self.first_run():
            if role is not Role.ADMINISTRATOR:
                raise AuthError("the first account must be an administrator")
        elif by is None or by.role is not Role.ADMINISTRATOR:
            raise AuthError("only an administrator can create accounts")
        if not name:
            raise AuthError("an account needs a name")
        if len(password) < self._config.min_password_length:
            raise AuthError(
                f"the password needs at least {self._config.min_password_length} characters")
        try:
            cursor = self._conn.execute(
                "INSERT INTO users (name, role, password, created) VALUES (?, ?, ?, ?)",
                (name, role.value, hash_password(password), self._stamp()))
        except sqlite3.IntegrityError as exc:
            raise AuthError(f"an account named {name!r} already exists") from exc
        self._audit.record(by.name if by else name, AuditAction.ACCOUNT_CREATED, name,
                           {"role": role.value})
        return self.user(int(cursor.lastrowid or 0))

    def user(self, user_id: int) -> User:
        row = self._conn.execute("SELECT id, name, role, created, last_login FROM users"
                                 " WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise AuthError(f"no account with id {user_id}")
        return _user(row)

    def delete(self, user_id: int, by: User) -> None:
        if by.role is not Role.ADMINISTRATOR:
            raise AuthError("only an administrator can delete accounts")
        target = self.user(user_id)
        admins = [u for u in self.users() if u.role is Role.ADMINISTRATOR]
        if target.role is Role.ADMINISTRATOR and len(admins) == 1:
            raise AuthError("the last administrator cannot be deleted")
        self._conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
        self._audit.record(by.name, AuditAction.ACCOUNT_DELETED, target.name)

    def login(self, name: str, password: str) -> User:
        """The user when the password is right; AuthError or LockoutError otherwise."""
        name = name.strip()
        wait = self.lockout_remaining(name)
        if wait > 0:
            self._audit.record(name, AuditAction.LOCKED_OUT, name, {"wait_s": round(wait)})
            raise LockoutError(wait)
        row = self._conn.execute("SELECT id, password FROM users WHERE name = ?",
                                 (name,)).fetchone()
        # Hash even for an unknown name so the answer time does not tell names apart.
        ok = check_password(password, str(row[1]) if row else hash_password("x"))
        if row is None or not ok:
            self._fail(name)
            raise AuthError("wrong name or password")
        self._conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        self._conn.execute("UPDATE users SET last_login = ? WHERE id = ?",
                           (self._stamp(), row[0]))
        self._audit.record(name, AuditAction.LOGIN, name)
        return self.user(int(row[0]))

    def lockout_remaining(self, name: str) -> float:
        """Seconds until `name` may try again (0 when not locked)."""
        row = self._conn.execute("SELECT locked_until FROM login_failures WHERE name = ?",
                                 (name.strip(),)).fetchone()
        if row is None or row[0] is None:
            return 0.0
        return max(0.0, (datetime.fromisoformat(row[0]) - self._clock()).total_seconds())

    def _fail(self, name: str) -> None:
        row = self._conn.execute("SELECT failures FROM login_failures WHERE name = ?",
                                 (name,)).fetchone()
        failures = (int(row[0]) if row else 0) + 1
        over = failures - self._config.max_failed_logins
        locked_until = None
        detail: dict[str, str | int | float | bool | None] = {"failures": failures}
        if over >= 0:
            # The delay doubles with every further failure: guessing gets slow fast.
            delay = min(self._config.lockout_s * 2**over, self._config.lockout_max_s)
            locked_until = (self._clock() + timedelta(seconds=delay)).isoformat()
            detail["locked_s"] = delay
        self._conn.execute(
            "INSERT INTO login_failures (name, failures, locked_until) VALUES (?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET failures = excluded.failures,"
            " locked_until = excluded.locked_until", (name, failures, locked_until))
        self._audit.record(name, AuditAction.LOGIN_FAILED, name, detail)

    def _stamp(self) -> str:
        return self._clock().isoformat(timespec="seconds")
