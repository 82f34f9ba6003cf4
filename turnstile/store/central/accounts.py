"""Admin accounts at the centre: one sign-in at every kiosk, lockouts that apply everywhere.

Each kiosk's SQLite `users` table is a copy of the central accounts (password hashes and
roles), refreshed by the sync loop and after every change. While the server cannot be
reached, sign-in checks that copy, but only if it was confirmed current within the configured
window (`offline_signin_hours`; 0 refuses): a password changed or an account removed at the
centre keeps working at a cut-off door no longer than that. Changing accounts needs the
server. The PC-wide throttle of failed sign-ins stays per kiosk.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import psycopg

from turnstile.store.accounts import (
    AccountRow,
    AccountStore,
    AccountsUnavailableError,
    DuplicateAccountError,
    Failures,
    ThrottleWindow,
)
from turnstile.store.central.connection import Central
from turnstile.store.central.roster import CHANNEL, Conn, Cursor
from turnstile.store.database import transaction

T = TypeVar("T")
#: Seconds before a kiosk that found the server away tries it again for an account call
#: (each attempt may wait the connect timeout; sign-in must not wait that every time).
RETRY_S = 10.0
#: replica_state keys: the accounts_counter value copied, and when it was last confirmed.
REVISION, CHECKED = "accounts_revision", "accounts_checked"
_COLUMNS = "id, name, role, created, last_login"
_LOST = (psycopg.OperationalError, psycopg.InterfaceError)


def _row(row: tuple[object, ...]) -> AccountRow:
    uid, name, role, created, last = row
    assert isinstance(created, datetime)
    return AccountRow(int(str(uid)), str(name), str(role), created,
                      last if isinstance(last, datetime) else None)


def revision(conn: Conn) -> int:
    row = conn.execute("SELECT value FROM accounts_counter").fetchone()
    return int(str(row[0])) if row else 0


def copy_accounts(conn: Conn, local: sqlite3.Connection, now: datetime,
                  known: int | None = None) -> bool:
    """Make the replica's `users` the central accounts (when they changed) and note that they
    were confirmed current at `now`; returns whether anything was copied."""
    current = revision(conn) if known is None else known
    if current == 0:
        # No account was ever made at the centre: this file's own accounts stay untouched
        # (and, not being a copy, never serve an offline sign-in).
        return False
    state = dict(local.execute("SELECT key, value FROM replica_state"
                               " WHERE key IN (?, ?)", (REVISION, CHECKED)).fetchall())
    changed = state.get(REVISION) != str(current)
    rows = conn.execute(f"SELECT {_COLUMNS}, password, accounts_counter.value FROM accounts,"
                        " accounts_counter").fetchall() if changed else []
    with transaction(local):
        if changed:
            # One snapshot: the counter read with the rows is the one recorded.
            current = int(str(rows[0][6])) if rows else revision(conn)
            local.execute("DELETE FROM users")
            local.executemany(
                "INSERT INTO users (id, name, role, password, created, last_login)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(int(str(i)), str(n), str(r), str(p), _iso(c), _iso(last))
                 for i, n, r, c, last, p, _ in rows])
        local.executemany("INSERT INTO replica_state (key, value) VALUES (?, ?) ON CONFLICT"
                          " (key) DO UPDATE SET value = excluded.value",
                          [(REVISION, str(current)), (CHECKED, now.isoformat())])
    return changed


def _iso(value: object) -> str | None:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else None


def _changed(cur: Cursor) -> None:
    """Every kiosk copies the accounts again (the counter) and hears so at once (NOTIFY)."""
    cur.execute("UPDATE accounts_counter SET value = value + 1")
    cur.execute("SELECT pg_notify(%s, 'accounts')", (CHANNEL,))


class CentralAccountStore:
    """AccountRecords in the central database, with this kiosk's copy while it is away."""

    def __init__(self, central: Central, local: sqlite3.Connection, offline: timedelta,
                 clock: Callable[[], datetime] = datetime.now, retry_s: float = RETRY_S) -> None:
        self._central = central
        self._local_conn = local
        self._local = AccountStore(local)
        self._offline = offline
        self._clock = clock
        self._conn: Conn | None = None
        self._retry_s, self._retry_at = retry_s, 0.0

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # The link -----------------------------------------------------------------------------
    def _connection(self) -> Conn | None:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        if time.monotonic() < self._retry_at:
            return None
        try:
            self._conn = self._central.connect(autocommit=True)
        except _LOST:
            self._retry_at = time.monotonic() + self._retry_s
            return None
        return self._conn

    def _lost(self) -> None:
        self.close()
        self._retry_at = time.monotonic() + self._retry_s

    def _read(self, online: Callable[[Conn], T], offline: Callable[[], T]) -> T:
        """The centre's answer; the kiosk's copy only while the server is away and the copy
        is recent enough (fails shut otherwise)."""
        conn = self._connection()
        if conn is not None:
            try:
                return online(conn)
            except _LOST:
                self._lost()
        self._check_copy()
        return offline()

    def _check_copy(self) -> None:
        row = self._local_conn.execute("SELECT value FROM replica_state WHERE key = ?",
                                       (CHECKED,)).fetchone()
        checked = datetime.fromisoformat(str(row[0])) if row else None
        if checked is None or self._clock() - checked > self._offline:
            raise AccountsUnavailableError(
                "the central database cannot be reached and this kiosk's copy of the "
                "accounts is too old to sign in with (central.offline_signin_hours)"
                if checked else "the central database cannot be reached and this kiosk "
                "has no copy of the accounts yet: sign-in needs the server")

    def _write(self, action: Callable[[Cursor], T]) -> T:
        """One transaction at the centre, then this kiosk's copy at once."""
        conn = self._connection()
        if conn is None:
            raise AccountsUnavailableError(
                "the central database cannot be reached: accounts can be changed only while "
                "it answers")
        try:
            with conn.transaction(), conn.cursor() as cur:
                result = action(cur)
            copy_accounts(conn, self._local_conn, self._clock())
        except _LOST as exc:
            self._lost()
            raise AccountsUnavailableError(
                "the central database stopped answering; the account change may not have "
                "been saved: check and try again") from exc
        return result

    # Accounts -----------------------------------------------------------------------------
    def count(self) -> int:
        def online(conn: Conn) -> int:
            row = conn.execute("SELECT count(*) FROM accounts").fetchone()
            return int(str(row[0])) if row else 0
        return self._read(online, self._local.count)

    def all(self) -> list[AccountRow]:
        return self._read(lambda c: [_row(r) for r in c.execute(
            f"SELECT {_COLUMNS} FROM accounts ORDER BY lower(name)")], self._local.all)

    def get(self, account_id: int) -> AccountRow | None:
        def online(conn: Conn) -> AccountRow | None:
            row = conn.execute(f"SELECT {_COLUMNS} FROM accounts WHERE id = %s",
                               (account_id,)).fetchone()
            return None if row is None else _row(row)
        return self._read(online, lambda: self._local.get(account_id))

    def by_name(self, name: str) -> tuple[AccountRow, str] | None:
        def online(conn: Conn) -> tuple[AccountRow, str] | None:
            row = conn.execute(f"SELECT {_COLUMNS}, password FROM accounts"
                               " WHERE lower(name) = lower(%s)", (name,)).fetchone()
            # Each answer from the centre also refreshes the copy sign-in falls back on.
            copy_accounts(conn, self._local_conn, self._clock())
            return None if row is None else (_row(row[:5]), str(row[5]))
        return self._read(online, lambda: self._local.by_name(name))

    def insert(self, name: str, role: str, password_hash: str, created: datetime) -> int:
        def insert(cur: Cursor) -> int:
            try:
                with cur.connection.transaction():
                    row = cur.execute(
                        "INSERT INTO accounts (name, role, password, created)"
                        " VALUES (%s, %s, %s, %s) RETURNING id",
                        (name, role, password_hash, created.replace(microsecond=0))).fetchone()
            except psycopg.errors.UniqueViolation as exc:
                raise DuplicateAccountError(name) from exc
            _changed(cur)
            return int(str(row[0])) if row else 0
        return self._write(insert)

    def set_password(self, account_id: int, password_hash: str) -> None:
        def update(cur: Cursor) -> None:
            cur.execute("UPDATE accounts SET password = %s WHERE id = %s",
                        (password_hash, account_id))
            _changed(cur)
        self._write(update)

    def set_last_login(self, account_id: int, at: datetime) -> None:
        # Not worth a copy at every kiosk: it travels with the next account change.
        def online(conn: Conn) -> None:
            conn.execute("UPDATE accounts SET last_login = %s WHERE id = %s",
                         (at.replace(microsecond=0), account_id))
        self._read(online, lambda: self._local.set_last_login(account_id, at))

    def delete(self, account_id: int) -> None:
        def delete(cur: Cursor) -> None:
            cur.execute("DELETE FROM accounts WHERE id = %s", (account_id,))
            _changed(cur)
        self._write(delete)

    # Failed sign-ins: counted at the centre, so a lockout holds at every door -------------
    def failures(self, name: str) -> Failures:
        def online(conn: Conn) -> Failures:
            row = conn.execute("SELECT failures, locked_until FROM account_failures"
                               " WHERE name = lower(%s)", (name,)).fetchone()
            if row is None:
                return Failures(0, None)
            until = row[1] if isinstance(row[1], datetime) else None
            return Failures(int(str(row[0])), until)
        return self._read(online, lambda: self._local.failures(name))

    def set_failures(self, name: str, failures: Failures) -> None:
        def online(conn: Conn) -> None:
            conn.execute("INSERT INTO account_failures (name, failures, locked_until) VALUES"
                         " (lower(%s), %s, %s) ON CONFLICT (name) DO UPDATE SET failures ="
                         " EXCLUDED.failures, locked_until = EXCLUDED.locked_until",
                         (name, failures.count, failures.locked_until))
        self._read(online, lambda: self._local.set_failures(name, failures))

    def clear_failures(self, name: str | None = None) -> int:
        local = self._local.clear_failures(name)  # the offline count and, for all, throttle
        def online(conn: Conn) -> int:
            if name is None:
                return conn.execute("DELETE FROM account_failures").rowcount
            return conn.execute("DELETE FROM account_failures WHERE name = lower(%s)",
                                (name,)).rowcount
        return self._read(online, lambda: local)

    def throttle(self, scope: str) -> ThrottleWindow | None:
        return self._local.throttle(scope)

    def set_throttle(self, scope: str, window: ThrottleWindow) -> None:
        self._local.set_throttle(scope, window)
