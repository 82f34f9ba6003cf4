"""Visitor passes in the SQLite file: issued passes, revocations, and how often each was used."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from turnstile.store.database import transaction
from turnstile.store.records import StoreError
from turnstile.types import Outcome

_COLUMNS = ("id, visitor, host, reason, valid_from, valid_until, issued_at, issued_by,"
            " revoked_at, revoked_by")


@dataclass(frozen=True)
class PassRecord:
    """One issued pass as the database keeps it (the QR code carries id, name and validity)."""

    id: int
    visitor: str
    host: str
    reason: str
    valid_from: datetime
    valid_until: datetime
    issued_at: datetime
    issued_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _record(row: tuple[object, ...]) -> PassRecord:
    (pid, visitor, host, reason, valid_from, valid_until, issued_at, issued_by, revoked_at,
     revoked_by) = row
    return PassRecord(int(str(pid)), str(visitor), str(host), str(reason),
                      datetime.fromisoformat(str(valid_from)),
                      datetime.fromisoformat(str(valid_until)),
                      datetime.fromisoformat(str(issued_at)), str(issued_by),
                      datetime.fromisoformat(str(revoked_at)) if revoked_at else None,
                      str(revoked_by) if revoked_by is not None else None)


class PassBook:
    """The `visitor_passes` table on one connection (one per thread)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def issue(self, visitor: str, host: str, reason: str, valid_from: datetime,
              valid_until: datetime, issued_by: str, at: datetime) -> PassRecord:
        """A new pass row; StoreError for an empty name or a validity that ends before it
        starts."""
        visitor = visitor.strip()
        if not visitor:
            raise StoreError("a visitor pass needs the visitor's name")
        if valid_until <= valid_from:
            raise StoreError(f"a pass must end after it starts ({valid_from:%Y-%m-%d %H:%M} "
                             f"to {valid_until:%Y-%m-%d %H:%M})")
        with transaction(self._conn):
            cursor = self._conn.execute(
                "INSERT INTO visitor_passes (visitor, host, reason, valid_from, valid_until,"
                " issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (visitor, host.strip(), reason.strip(), _stamp(valid_from),
                 _stamp(valid_until), _stamp(at), issued_by))
            pass_id = int(cursor.lastrowid or 0)
        return self.get(pass_id)

    def get(self, pass_id: int) -> PassRecord:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM visitor_passes WHERE id = ?",
                                 (pass_id,)).fetchone()
        if row is None:
            raise StoreError(f"there is no visitor pass {pass_id}")
        return _record(row)

    def all(self, *, current_at: datetime | None = None) -> list[PassRecord]:
        """Newest first; with `current_at`, only passes not yet ended and not revoked then."""
        where, params = "", tuple[str, ...]()
        if current_at is not None:
            where, params = " WHERE revoked_at IS NULL AND valid_until > ?", (_stamp(current_at),)
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM visitor_passes{where} ORDER BY id DESC", params).fetchall()
        return [_record(row) for row in rows]

    def revoke(self, pass_id: int, by: str, at: datetime) -> PassRecord:
        """Revoke a pass (a second revoke keeps the first's time and name)."""
        with transaction(self._conn):
            record = self.get(pass_id)
            if not record.revoked:
                self._conn.execute(
                    "UPDATE visitor_passes SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                    (_stamp(at), by, pass_id))
        return self.get(pass_id)

    def prune(self, ended_before: datetime) -> int:
        """Delete passes that ended before `ended_before` (the visitor's name goes with them;
        their events keep it until the event log's own retention); returns how many."""
        with transaction(self._conn):
            cursor = self._conn.execute("DELETE FROM visitor_passes WHERE valid_until < ?",
                                        (_stamp(ended_before),))
        return int(cursor.rowcount)

    def revoked(self, pass_id: int) -> bool:
        """Whether the pass is revoked, or unknown here (a pass this database never issued,
        or one deleted since, is refused like a revoked one: fail shut)."""
        row = self._conn.execute("SELECT revoked_at FROM visitor_passes WHERE id = ?",
                                 (pass_id,)).fetchone()
        return row is None or row[0] is not None

    def uses(self, pass_id: int) -> int:
        """Visitor events (door opened or attempted) logged for the pass."""
        row = self._conn.execute(
            "SELECT COUNT(*) FROM events WHERE pass_id = ? AND outcome = ?",
            (pass_id, Outcome.VISITOR.value)).fetchone()
        return int(row[0])
