"""SQL for admin accounts: users with their password hashes, failed sign-ins, the throttle."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from turnstile.errors import TurnstileError


class DuplicateAccountError(TurnstileError):
    """An account with that name (ignoring case) already exists."""


class AccountsUnavailableError(TurnstileError):
    """The accounts cannot be read or changed now (the central database is away); the
    message says why and is safe to show."""


@dataclass(frozen=True)
class AccountRow:
    """One users row; the hash stays in the store layer unless asked for."""

    id: int
    name: str
    role: str
    created: datetime
    last_login: datetime | None


@dataclass(frozen=True)
class Failures:
    """Failed sign-ins counted for one name (or the whole PC) and until when it waits."""

    count: int
    locked_until: datetime | None


@dataclass(frozen=True)
class ThrottleWindow:
    """Failed sign-ins of every name within the current window."""

    failures: int
    window_start: datetime
    last_failure: datetime


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _row(row: tuple[object, ...]) -> AccountRow:
    uid, name, role, created, last = row
    return AccountRow(int(str(uid)), str(name), str(role), datetime.fromisoformat(str(created)),
                      _time(last))


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


_COLUMNS = "id, name, role, created, last_login"


class AccountRecords(Protocol):
    """Where accounts, failed sign-ins and the PC-wide throttle are kept."""

    def count(self) -> int: ...
    def all(self) -> list[AccountRow]: ...
    def get(self, account_id: int) -> AccountRow | None: ...
    def by_name(self, name: str) -> tuple[AccountRow, str] | None: ...
    def insert(self, name: str, role: str, password_hash: str, created: datetime) -> int: ...
    def set_password(self, account_id: int, password_hash: str) -> None: ...
    def set_last_login(self, account_id: int, at: datetime) -> None: ...
    def delete(self, account_id: int) -> None: ...
    def failures(self, name: str) -> Failures: ...
    def set_failures(self, name: str, failures: Failures) -> None: ...
    def clear_failures(self, name: str | None = None) -> int: ...
    def throttle(self, scope: str) -> ThrottleWindow | None: ...
    def set_throttle(self, scope: str, window: ThrottleWindow) -> None: ...


class AccountStore:
    """users, login_failures and login_throttle in one connection (autocommit)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM users").fetchone()[0])

    def all(self) -> list[AccountRow]:
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name COLLATE NOCASE")
        return [_row(r) for r in rows]

    def get(self, account_id: int) -> AccountRow | None:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM users WHERE id = ?",
                                 (account_id,)).fetchone()
        return None if row is None else _row(row)

    def by_name(self, name: str) -> tuple[AccountRow, str] | None:
        """The account (names ignore case) and its stored password hash."""
        row = self._conn.execute(f"SELECT {_COLUMNS}, password FROM users WHERE name = ?",
                                 (name,)).fetchone()
        return None if row is None else (_row(row[:5]), str(row[5]))

    def insert(self, name: str, role: str, password_hash: str, created: datetime) -> int:
        try:
            cursor = self._conn.execute(
                "INSERT INTO users (name, role, password, created) VALUES (?, ?, ?, ?)",
                (name, role, password_hash, _stamp(created)))
        except sqlite3.IntegrityError as exc:
            raise DuplicateAccountError(name) from exc
        return int(cursor.lastrowid or 0)

    def set_password(self, account_id: int, password_hash: str) -> None:
        self._conn.execute("UPDATE users SET password = ? WHERE id = ?",
                           (password_hash, account_id))

    def set_last_login(self, account_id: int, at: datetime) -> None:
        self._conn.execute("UPDATE users SET last_login = ? WHERE id = ?",
                           (_stamp(at), account_id))

    def delete(self, account_id: int) -> None:
        self._conn.execute("DELETE FROM users WHERE id = ?", (account_id,))

    # Failed sign-ins per name -----------------------------------------------------------
    def failures(self, name: str) -> Failures:
        row = self._conn.execute("SELECT failures, locked_until FROM login_failures"
                                 " WHERE name = ?", (name,)).fetchone()
        return Failures(0, None) if row is None else Failures(int(row[0]), _time(row[1]))

    def set_failures(self, name: str, failures: Failures) -> None:
        until = None if failures.locked_until is None else failures.locked_until.isoformat()
        self._conn.execute(
            "INSERT INTO login_failures (name, failures, locked_until) VALUES (?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET failures = excluded.failures,"
            " locked_until = excluded.locked_until", (name, failures.count, until))

    def clear_failures(self, name: str | None = None) -> int:
        """Forget failed sign-ins of one name, or of every name and the PC-wide throttle."""
        if name is None:
            self._conn.execute("DELETE FROM login_throttle")
            return self._conn.execute("DELETE FROM login_failures").rowcount
        return self._conn.execute("DELETE FROM login_failures WHERE name = ?",
                                  (name,)).rowcount

    # The PC-wide throttle ---------------------------------------------------------------
    def throttle(self, scope: str) -> ThrottleWindow | None:
        row = self._conn.execute("SELECT failures, window_start, last_failure FROM"
                                 " login_throttle WHERE scope = ?", (scope,)).fetchone()
        if row is None:
            return None
        return ThrottleWindow(int(row[0]), datetime.fromisoformat(str(row[1])),
                              datetime.fromisoformat(str(row[2])))

    def set_throttle(self, scope: str, window: ThrottleWindow) -> None:
        self._conn.execute(
            "INSERT INTO login_throttle (scope, failures, window_start, last_failure)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(scope) DO UPDATE SET"
            " failures = excluded.failures, window_start = excluded.window_start,"
            " last_failure = excluded.last_failure",
            (scope, window.failures, window.window_start.isoformat(),
             window.last_failure.isoformat()))
