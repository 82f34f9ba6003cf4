"""PINs in the SQLite file: each person's hash, wrong tries and lockout; face-and-PIN groups."""

from __future__ import annotations

from datetime import datetime

from turnstile.store.records import PinState, StoreError
from turnstile.store.sqlite.session import Session


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


class SQLitePins:
    """The `person_pins` table and the `face_and_pin` flag of `access_groups` (PinStore)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._conn = session.conn

    def state(self, person_id: int) -> PinState | None:
        row = self._conn.execute(
            "SELECT hash, failures, locked_until FROM person_pins WHERE person_id = ?",
            (person_id,)).fetchone()
        if row is None:
            return None
        stored, failures, until = row
        return PinState(person_id, str(stored), int(failures),
                        datetime.fromisoformat(str(until)) if until else None)

    def holder(self, employee_id: str) -> int | None:
        """The person with exactly this employee id, when they have a PIN."""
        row = self._conn.execute(
            "SELECT p.id FROM people p JOIN person_pins pp ON pp.person_id = p.id"
            " WHERE p.employee_id = ?", (employee_id.strip(),)).fetchone()
        return int(row[0]) if row is not None else None

    def holders(self) -> frozenset[int]:
        return frozenset(int(r[0]) for r in self._conn.execute("SELECT person_id FROM person_pins"))

    def set(self, person_id: int, hashed: str, at: datetime) -> None:
        """A new PIN hash; the wrong tries and any lockout start over."""
        if self._conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise StoreError(f"no person with id {person_id}")
        with self._session.transaction():
            self._conn.execute(
                "INSERT INTO person_pins (person_id, hash, set_at, failures, locked_until)"
                " VALUES (?, ?, ?, 0, NULL) ON CONFLICT (person_id) DO UPDATE SET"
                " hash = excluded.hash, set_at = excluded.set_at, failures = 0,"
                " locked_until = NULL", (person_id, hashed, _iso(at)))

    def clear(self, person_id: int) -> bool:
        """Remove the person's PIN; False when they had none."""
        with self._session.transaction():
            cursor = self._conn.execute("DELETE FROM person_pins WHERE person_id = ?",
                                        (person_id,))
        return cursor.rowcount > 0

    def failed(self, person_id: int, failures: int, locked_until: datetime | None) -> None:
        with self._session.transaction():
            self._conn.execute(
                "UPDATE person_pins SET failures = ?, locked_until = ? WHERE person_id = ?",
                (failures, _iso(locked_until), person_id))

    def unlock(self, person_id: int) -> None:
        """Wrong tries and lockout cleared (after a right PIN, or by an administrator)."""
        with self._session.transaction():
            self._conn.execute(
                "UPDATE person_pins SET failures = 0, locked_until = NULL WHERE person_id = ?",
                (person_id,))

    def pin_groups(self) -> frozenset[str]:
        """Groups whose members need face and PIN on every door."""
        rows = self._conn.execute("SELECT name FROM access_groups WHERE face_and_pin = 1")
        return frozenset(str(name) for (name,) in rows)

    def set_group(self, name: str, face_and_pin: bool) -> None:
        """Ask (or stop asking) a group's members for face and PIN; StoreError for a group
        that does not exist."""
        with self._session.transaction():
            cursor = self._conn.execute(
                "UPDATE access_groups SET face_and_pin = ? WHERE name = ?",
                (int(face_and_pin), name.strip()))
        if cursor.rowcount == 0:
            raise StoreError(f"no access group named {name.strip()!r}")
