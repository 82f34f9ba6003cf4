"""Access groups and weekly schedules in the SQLite file (GroupStore, ScheduleStore)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from turnstile.store.groups import clean_names
from turnstile.store.records import StoreError, Window
from turnstile.store.sqlite.session import Session


def _known(session: Session, person_id: int) -> None:
    if session.conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
        raise StoreError(f"no person with id {person_id}")


class SQLiteGroups:
    """The `access_groups` and `person_groups` tables; groups are created on first use."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._conn = session.conn

    def names(self) -> tuple[str, ...]:
        rows = self._conn.execute("SELECT name FROM access_groups ORDER BY name")
        return tuple(str(name) for (name,) in rows)

    def of(self, person_id: int) -> frozenset[str]:
        rows = self._conn.execute(
            "SELECT g.name FROM person_groups pg JOIN access_groups g ON g.id = pg.group_id"
            " WHERE pg.person_id = ?", (person_id,))
        return frozenset(str(name) for (name,) in rows)

    def memberships(self) -> dict[int, tuple[str, ...]]:
        rows = self._conn.execute(
            "SELECT pg.person_id, g.name FROM person_groups pg"
            " JOIN access_groups g ON g.id = pg.group_id ORDER BY g.name")
        result: dict[int, list[str]] = {}
        for pid, name in rows:
            result.setdefault(int(pid), []).append(str(name))
        return {pid: tuple(names) for pid, names in result.items()}

    def set(self, person_id: int, names: Iterable[str]) -> tuple[str, ...]:
        wanted = clean_names(names)  # before any write: a bad name changes nothing
        _known(self._session, person_id)
        db = self._session.db
        with self._session.transaction():
            self._conn.execute("DELETE FROM person_groups WHERE person_id = ?", (person_id,))
            # The name column is COLLATE NOCASE: "Staff" finds an existing "staff".
            groups = db.table("access_groups")
            db.table("person_groups").insert_all(
                {"person_id": person_id, "group_id": groups.lookup({"name": name})}
                for name in wanted)
        return tuple(sorted(self.of(person_id), key=str.casefold))


class SQLiteSchedules:
    """The `schedules` table: weekly windows per person (none: any time)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._conn = session.conn

    def windows(self, person_id: int) -> tuple[Window, ...]:
        rows = self._conn.execute(
            "SELECT weekday, start_time, end_time FROM schedules WHERE person_id = ?"
            " ORDER BY weekday, start_time", (person_id,)).fetchall()
        return tuple(Window.parse(int(d), str(s), str(e)) for d, s, e in rows)

    def set(self, person_id: int, windows: Sequence[Window]) -> None:
        _known(self._session, person_id)
        with self._session.transaction():
            self._conn.execute("DELETE FROM schedules WHERE person_id = ?", (person_id,))
            self._session.db.table("schedules").insert_all(
                {"person_id": person_id, "weekday": w.weekday, "start_time": f"{w.start:%H:%M}",
                 "end_time": f"{w.end:%H:%M}"} for w in windows)
