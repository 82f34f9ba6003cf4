"""Weekly access schedules and the per-person access rules the policy checks."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from turnstile.store.gallery import Gallery, GalleryError
from turnstile.store.groups import GroupStore
from turnstile.store.records import ScheduleError, Window
from turnstile.types import Person


def within(windows: Sequence[Window], at: datetime) -> bool:
    """True when `at` falls in any window; an empty schedule allows every hour."""
    return not windows or any(window.contains(at) for window in windows)


@dataclass(frozen=True)
class AccessRule:
    """What the policy needs to know about a recognised person to admit them."""

    person: Person
    windows: tuple[Window, ...] = ()
    #: The access groups the person belongs to (names as stored).
    groups: frozenset[str] = frozenset()


class ScheduleStore:
    """Read and replace each person's weekly windows (the admin panel edits through this)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def windows(self, person_id: int) -> tuple[Window, ...]:
        rows = self._conn.execute(
            "SELECT weekday, start_time, end_time FROM schedules WHERE person_id = ?"
            " ORDER BY weekday, start_time", (person_id,)).fetchall()
        return tuple(Window.parse(int(d), str(s), str(e)) for d, s, e in rows)

    def set_windows(self, person_id: int, windows: Sequence[Window]) -> None:
        """Replace the person's schedule; an empty list means no restriction."""
        if self._conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise GalleryError(f"no person with id {person_id}")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.execute("DELETE FROM schedules WHERE person_id = ?", (person_id,))
            self._conn.executemany(
                "INSERT INTO schedules (person_id, weekday, start_time, end_time)"
                " VALUES (?, ?, ?, ?)",
                [(person_id, w.weekday, f"{w.start:%H:%M}", f"{w.end:%H:%M}") for w in windows])
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")


class Directory:
    """Access rules straight from the database, so admin changes apply on the next face."""

    def __init__(self, gallery: Gallery) -> None:
        self._gallery = gallery
        self._schedules = ScheduleStore(gallery.connection)
        self._groups = GroupStore(gallery.connection)

    def rule(self, person_id: int) -> AccessRule | None:
        try:
            person = self._gallery.person(person_id)
        except GalleryError:
            return None  # removed since the matrix was built: treated as unknown
        return AccessRule(person, self._schedules.windows(person_id),
                          self._groups.of(person_id))


def set_validity(conn: sqlite3.Connection, person_id: int, valid_from: datetime | None,
                 valid_until: datetime | None) -> None:
    """Set the dates between which a person may enter (None leaves that side open)."""
    if valid_from and valid_until and valid_until <= valid_from:
        raise ScheduleError("valid_until must be after valid_from")
    cursor = conn.execute(
        "UPDATE people SET valid_from = ?, valid_until = ? WHERE id = ?",
        (valid_from.isoformat() if valid_from else None,
         valid_until.isoformat() if valid_until else None, person_id))
    if cursor.rowcount == 0:
        raise GalleryError(f"no person with id {person_id}")
