"""The gallery: people and their templates in SQLite, matched 1:N on a float32 matrix."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from turnstile.store.matcher import TemplateMatrix
from turnstile.types import Embedding, Match, Person


class GalleryError(ValueError):
    """A gallery operation cannot be done (unknown person, wrong model, bad embedding)."""


@dataclass(frozen=True)
class NewTemplate:
    """A template about to be stored: embedding plus where it came from."""

    embedding: Embedding
    source: str = ""
    quality: float | None = None
    thumbnail: bytes | None = None


@dataclass(frozen=True)
class Template:
    """One stored embedding of a person."""

    id: int
    person_id: int
    source: str
    quality: float | None
    created: datetime


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _parse_time(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _person(row: sqlite3.Row | tuple[object, ...]) -> Person:
    pid, name, employee, active, created, valid_from, valid_until, templates = row
    return Person(int(str(pid)), str(name), str(employee) if employee else None, bool(active),
                  datetime.fromisoformat(str(created)), _parse_time(valid_from),
                  _parse_time(valid_until),
                  int(str(templates)))


_PEOPLE_SQL = """
SELECT p.id, p.name, p.employee_id, p.active, p.created, p.valid_from, p.valid_until,
       (SELECT COUNT(*) FROM templates t WHERE t.person_id = p.id)
FROM people p
"""


class Gallery:
    """People and templates for one embedder model, with an in-memory matrix for matching.

    The matrix is built on first use and updated in place when this object enrols or
    deletes; changes made through other connections are noticed via PRAGMA data_version.
    """

    def __init__(self, conn: sqlite3.Connection, model: str, dimension: int) -> None:
        self._conn = conn
        self.model = model
        self.dimension = dimension
        self._index = TemplateMatrix(dimension)
        self._names: dict[int, str] = {}
        self._seen_version: int | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # People ---------------------------------------------------------------------------
    def add_person(self, name: str, employee_id: str | None = None) -> Person:
        with self._transaction() as conn:
            person_id = self._insert_person(conn, name, employee_id)
        return self.person(person_id)

    def _insert_person(self, conn: sqlite3.Connection, name: str, employee_id: str | None) -> int:
        if not name.strip():
            raise GalleryError("a person needs a name")
        try:
            cursor = conn.execute(
                "INSERT INTO people (name, employee_id, active, created) VALUES (?, ?, 1, ?)",
                (name.strip(), employee_id or None, _now()))
        except sqlite3.IntegrityError as exc:
            raise GalleryError(f"employee id {employee_id} is already enrolled") from exc
        return int(cursor.lastrowid or 0)

    def person(self, person_id: int) -> Person:
        row = self._conn.execute(_PEOPLE_SQL + " WHERE p.id = ?", (person_id,)).fetchone()
        if row is None:
            raise GalleryError(f"no person with id {person_id}")
        return _person(row)

    def find(self, name: str) -> list[Person]:
        """People whose name or employee id equals `name` (case-insensitive)."""
        rows = self._conn.execute(
            _PEOPLE_SQL + " WHERE lower(p.name) = lower(?) OR p.employee_id = ? ORDER BY p.id",
            (name.strip(), name.strip())).fetchall()
        return [_person(r) for r in rows]

    def people(self) -> list[Person]:
        return [_person(r) for r in self._conn.execute(_PEOPLE_SQL + " ORDER BY p.name, p.id")]

    def set_active(self, person_id: int, active: bool) -> None:
        self.person(person_id)
        with self._transaction() as conn:
            conn.execute("UPDATE people SET active = ? WHERE id = ?", (int(active), person_id))

    def remove_person(self, person_id: int) -> None:
        """Erase the person with every template and thumbnail (foreign key cascade)."""
        self.person(person_id)
        with self._transaction() as conn:
            conn.execute("DELETE FROM templates WHERE person_id = ?", (person_id,))
            conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
        self._index.remove_person(person_id)
        self._names.pop(person_id, None)
        self._seen_version = self._data_version()

    # Templates ------------------------------------------------------------------------
    def add_template(self, person_id: int, embedding: Embedding, source: str = "",
                     quality: float | None = None, thumbnail: bytes | None = None) -> int:
        template = NewTemplate(embedding, source, quality, thumbnail)
        return self.add_templates(person_id, [template])[0]

    def add_templates(self, person_id: int, templates: Sequence[NewTemplate]) -> list[int]:
        """Store several templates in one transaction: all of them or none."""
        vectors = [self._check_vector(t.embedding) for t in templates]
        person = self.person(person_id)
        self._sync()
        with self._transaction() as conn:
            ids = [self._insert_template(conn, person_id, v, t)
                   for v, t in zip(vectors, templates, strict=True)]
        self._append_rows(person_id, person.name, vectors)
        return ids

    def enroll(self, name: str, employee_id: str | None,
               templates: Sequence[NewTemplate], *, new: bool = False,
               consent_at: str | None = None) -> Person:
        """Create a person (or add to the one with that exact name, unless `new`) with
        templates and consent stamp, atomically: a crash leaves all of it or none."""
        vectors = [self._check_vector(t.embedding) for t in templates]
        if not vectors:
            raise GalleryError("nothing to enrol: no usable face")
        self._sync()
        existing = [] if new else [p for p in self.find(name) if p.name == name.strip()]
        with self._transaction() as conn:
            person_id = (existing[0].id if existing
                         else self._insert_person(conn, name, employee_id))
            if consent_at is not None:
                conn.execute("UPDATE people SET consent_at = ? WHERE id = ?",
                             (consent_at, person_id))
            for vector, template in zip(vectors, templates, strict=True):
                self._insert_template(conn, person_id, vector, template)
        person = self.person(person_id)
        self._append_rows(person_id, person.name, vectors)
        return person

    def _insert_template(self, conn: sqlite3.Connection, person_id: int, vector: np.ndarray,
                         template: NewTemplate) -> int:
        cursor = conn.execute(
            "INSERT INTO templates (person_id, model, dimension, embedding, source, quality,"
            " thumbnail, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (person_id, self.model, self.dimension, vector.tobytes(), template.source,
             template.quality, template.thumbnail, _now()))
        return int(cursor.lastrowid or 0)

    def _append_rows(self, person_id: int, name: str, vectors: list[np.ndarray]) -> None:
        """Grow the matrix in place of a reload (enrolment must not rebuild 1e5 rows)."""
        for vector in vectors:
            self._index.append(person_id, vector)
        self._names[person_id] = name
        self._seen_version = self._data_version()

    def templates(self, person_id: int) -> list[Template]:
        rows = self._conn.execute(
            "SELECT id, person_id, source, quality, created FROM templates WHERE person_id = ?"
            " ORDER BY id", (person_id,))
        return [Template(int(i), int(p), str(s), q, datetime.fromisoformat(c))
                for i, p, s, q, c in rows]

    def thumbnail(self, person_id: int) -> bytes | None:
        row = self._conn.execute(
            "SELECT thumbnail FROM templates WHERE person_id = ? AND thumbnail IS NOT NULL"
            " ORDER BY quality DESC, id LIMIT 1", (person_id,)).fetchone()
        return bytes(row[0]) if row else None

    def remove_template(self, template_id: int) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM templates WHERE id = ?", (template_id,))
        self.reload()

    def _check_vector(self, embedding: Embedding) -> np.ndarray:
        vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dimension:
            raise GalleryError(f"embedding has {vector.shape[0]} values; this gallery's model "
                               f"{self.model} makes {self.dimension}")
        if not np.all(np.isfinite(vector)):
            raise GalleryError("embedding contains NaN or infinite values")
        return vector

    # Matching -------------------------------------------------------------------------
    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _sync(self) -> None:
        """Reload when another connection changed the file since the matrix was built."""
        if self._seen_version != self._data_version():
            self.reload()

    def reload(self) -> None:
        foreign = self._conn.execute(
            "SELECT DISTINCT model, dimension FROM templates WHERE model != ? OR dimension != ?",
            (self.model, self.dimension)).fetchall()
        if foreign:
            found = ", ".join(f"{m} ({d}-d)" for m, d in foreign)
            raise GalleryError(
                f"the gallery holds templates of another embedder model: {found}; this one is "
                f"{self.model} ({self.dimension}-d). Re-enrol with that model or use its --model")
        rows = self._conn.execute(
            "SELECT t.person_id, t.embedding, p.name FROM templates t JOIN people p"
            " ON p.id = t.person_id ORDER BY t.id").fetchall()
        self._index.replace(
            np.array([r[0] for r in rows], dtype=np.int64),
            np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
            .reshape(len(rows), self.dimension))
        self._names = {int(r[0]): str(r[2]) for r in rows}
        self._seen_version = self._data_version()

    @property
    def size(self) -> int:
        """Number of templates in the matrix."""
        self._sync()
        return self._index.size

    def match(self, embedding: Embedding) -> Match:
        """Best person, their similarity and the best similarity of any other person."""
        self._sync()
        query = self._check_vector(embedding)
        found = self._index.search(query)
        if found is None:
            return Match(None, None, -1.0, -1.0)
        best_pid, best, runner = found
        return Match(best_pid, self._names.get(best_pid), best, runner)
