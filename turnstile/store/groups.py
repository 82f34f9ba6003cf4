"""Access groups: named sets of people that a door may be restricted to."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from turnstile.errors import TurnstileError
from turnstile.store.gallery import GalleryError


class GroupError(TurnstileError, ValueError):
    """A group name is unusable (empty after trimming)."""


def clean_names(names: Iterable[str]) -> tuple[str, ...]:
    """Trimmed names, first spelling kept when two differ only in case; empty refused."""
    seen: dict[str, str] = {}
    for raw in names:
        name = raw.strip()
        if not name:
            raise GroupError("an access group needs a name (empty names are not allowed)")
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def parse_groups(text: str) -> tuple[str, ...]:
    """Comma-separated names as typed in the panel; blank text means no group."""
    if not text.strip():
        return ()
    return clean_names(text.split(","))


class GroupStore:
    """Read and replace people's access groups; groups are created on first use."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def names(self) -> tuple[str, ...]:
        """Every group, in alphabetical order."""
        rows = self._conn.execute("SELECT name FROM access_groups ORDER BY name")
        return tuple(str(name) for (name,) in rows)

    def of(self, person_id: int) -> frozenset[str]:
        rows = self._conn.execute(
            "SELECT g.name FROM person_groups pg JOIN access_groups g ON g.id = pg.group_id"
            " WHERE pg.person_id = ?", (person_id,))
        return frozenset(str(name) for (name,) in rows)

    def all_memberships(self) -> dict[int, tuple[str, ...]]:
        """Each person's groups, sorted, for listings (people without groups are absent)."""
        rows = self._conn.execute(
            "SELECT pg.person_id, g.name FROM person_groups pg"
            " JOIN access_groups g ON g.id = pg.group_id ORDER BY g.name")
        result: dict[int, list[str]] = {}
        for pid, name in rows:
            result.setdefault(int(pid), []).append(str(name))
        return {pid: tuple(names) for pid, names in result.items()}

    def set_groups(self, person_id: int, names: Iterable[str]) -> tuple[str, ...]:
        """Replace the person's groups with `names`, creating missing groups; returns them."""
        wanted = clean_names(names)  # before any write: a bad name changes nothing
        if self._conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise GalleryError(f"no person with id {person_id}")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.execute("DELETE FROM person_groups WHERE person_id = ?", (person_id,))
            for name in wanted:
                # COLLATE NOCASE on the name: "Staff" finds an existing "staff".
                self._conn.execute("INSERT OR IGNORE INTO access_groups (name) VALUES (?)",
                                   (name,))
                self._conn.execute(
                    "INSERT INTO person_groups (person_id, group_id)"
                    " SELECT ?, id FROM access_groups WHERE name = ?", (person_id, name))
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return tuple(sorted(self.of(person_id), key=str.casefold))
