"""People and their face templates in the SQLite file (PeopleStore, TemplateStore)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt
import sqlite_utils

from turnstile.store import erasure
from turnstile.store.records import (
    EditConflictError,
    NewTemplate,
    PersonErased,
    RosterChanged,
    ScheduleError,
    StoreError,
    Template,
    TemplateRows,
    TemplatesAdded,
    check_credential,
    check_vector,
)
from turnstile.store.sqlite.session import Session
from turnstile.types import Person

#: Rows written per executemany in bulk loads (bounds temporary memory at 1e6 people).
_CHUNK = 65_536

_PEOPLE_SQL = """
SELECT p.id, p.name, p.employee_id, p.active, p.created, p.valid_from, p.valid_until,
       (SELECT COUNT(*) FROM templates t WHERE t.person_id = p.id), p.credential,
       p.version
FROM people p
"""


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _person(row: tuple[object, ...]) -> Person:
    (pid, name, employee, active, created, valid_from, valid_until, templates, credential,
     version) = row
    return Person(int(str(pid)), str(name), str(employee) if employee else None, bool(active),
                  datetime.fromisoformat(str(created)), _time(valid_from), _time(valid_until),
                  int(str(templates)), int(str(credential)) if credential is not None else None,
                  int(str(version)))


def _taken(employee_id: str | None) -> StoreError:
    return StoreError(f"employee id {employee_id} is already enrolled")


class SQLitePeople:
    """The `people` table."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._conn = session.conn

    def add(self, name: str, employee_id: str | None = None) -> Person:
        if not name.strip():
            raise StoreError("a person needs a name")
        employee_id = (employee_id or "").strip() or None
        try:
            with self._session.transaction():
                row = self._session.db.table("people").insert(
                    {"name": name.strip(), "employee_id": employee_id, "active": 1,
                     "created": _now()})
        except sqlite3.IntegrityError as exc:
            raise _taken(employee_id) from exc
        return self.get(int(row.last_pk or 0))

    def get(self, person_id: int) -> Person:
        row = self._conn.execute(_PEOPLE_SQL + " WHERE p.id = ?", (person_id,)).fetchone()
        if row is None:
            raise StoreError(f"no person with id {person_id}")
        return _person(row)

    def find(self, name: str) -> list[Person]:
        rows = self._conn.execute(
            _PEOPLE_SQL + " WHERE lower(p.name) = lower(?) OR p.employee_id = ? ORDER BY p.id",
            (name.strip(), name.strip())).fetchall()
        return [_person(r) for r in rows]

    def all(self) -> list[Person]:
        return [_person(r) for r in self._conn.execute(_PEOPLE_SQL + " ORDER BY p.name, p.id")]

    def rename(self, person_id: int, name: str, employee_id: str | None) -> Person:
        name, employee_id = name.strip(), (employee_id or "").strip() or None
        if not name:
            raise StoreError("a person needs a name")
        try:
            self._update(person_id, name=name, employee_id=employee_id)
        except sqlite3.IntegrityError as exc:
            raise _taken(employee_id) from exc
        return self.get(person_id)

    def set_active(self, person_id: int, active: bool) -> Person:
        self._update(person_id, active=int(active))
        return self.get(person_id)

    def set_validity(self, person_id: int, valid_from: datetime | None,
                     valid_until: datetime | None) -> Person:
        if valid_from and valid_until and valid_until <= valid_from:
            raise ScheduleError("the validity must end after it starts")
        self._update(person_id, valid_from=_iso(valid_from), valid_until=_iso(valid_until))
        return self.get(person_id)

    def set_credential(self, person_id: int, credential: int | None) -> Person:
        check_credential(credential)
        try:
            self._update(person_id, credential=credential)
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"card number {credential} already belongs to someone "
                             "else") from exc
        return self.get(person_id)

    def consent(self, person_id: int) -> datetime | None:
        self.get(person_id)
        return _time(self._conn.execute("SELECT consent_at FROM people WHERE id = ?",
                                        (person_id,)).fetchone()[0])

    def consents(self) -> dict[int, datetime]:
        rows = self._conn.execute("SELECT id, consent_at FROM people WHERE consent_at IS NOT NULL")
        return {int(pid): datetime.fromisoformat(str(at)) for pid, at in rows}

    def set_consent(self, person_id: int, at: datetime | None) -> None:
        self._update(person_id, consent_at=_iso(at))

    def touch(self, person_id: int, expected: int | None = None) -> int:
        """Bump the person's version (a change is being saved); returns the new one.

        With `expected`, only when the stored version is still that one: otherwise someone
        else saved meanwhile and EditConflictError is raised (compare-and-swap, one UPDATE).
        """
        with self._session.transaction():
            row = self._conn.execute(
                "UPDATE people SET version = version + 1 WHERE id = ? AND (? IS NULL OR"
                " version = ?) RETURNING version", (person_id, expected, expected)).fetchone()
        if row is None:
            current = self.get(person_id)  # StoreError for an unknown person
            raise EditConflictError(
                f"{current.name} was changed by someone else meanwhile (version "
                f"{current.version}, this copy has {expected}); nothing was saved")
        return int(row[0])

    def erase(self, person_id: int) -> Person:
        person = self.get(person_id)
        with self._session.transaction():
            erasure.erase_person(self._conn, person_id)
            self._session.changed(PersonErased(person_id))
            self._session.after_commit(self._purge)
        return person

    def _purge(self) -> None:
        """After the erasure committed: no old page of it in the WAL or in a backup."""
        erasure.checkpoint(self._conn)
        if self._session.path is not None:
            present = {int(r[0]) for r in self._conn.execute("SELECT id FROM people")}
            erasure.scrub_backups(self._session.path, present)

    def _update(self, person_id: int, **values: object) -> None:
        try:
            with self._session.transaction():
                self._session.db.table("people").update(person_id, values)
                if "name" in values:
                    self._session.changed(RosterChanged(person_id))
        except sqlite_utils.db.NotFoundError as exc:
            raise StoreError(f"no person with id {person_id}") from exc


class SQLiteTemplates:
    """The `templates` table: embeddings, the model that made them, thumbnails."""

    def __init__(self, session: Session, people: SQLitePeople) -> None:
        self._session = session
        self._conn = session.conn
        self._people = people

    def add(self, person_id: int, model: str, dimension: int,
            templates: Sequence[NewTemplate]) -> list[int]:
        vectors = [check_vector(t.embedding, model, dimension) for t in templates]
        with self._session.transaction():
            person = self._people.get(person_id)
            table = self._session.db.table("templates")
            ids = [int(table.insert(
                {"person_id": person_id, "model": model, "dimension": dimension,
                 "embedding": vector.tobytes(), "source": template.source,
                 "quality": template.quality, "thumbnail": template.thumbnail,
                 "created": _now()}).last_pk or 0)
                for vector, template in zip(vectors, templates, strict=True)]
            self._session.changed(TemplatesAdded(person_id, person.name, model, vectors))
        return ids

    def add_people(self, prefix: str, model: str, dimension: int,
                   vectors: npt.NDArray[np.float32]) -> None:
        """One new person named "`prefix` ID" per row with that row as their only template,
        in one transaction of bulk inserts (synthetic galleries for benchmarks)."""
        now = _now()
        with self._session.transaction():
            first = int(self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM people")
                        .fetchone()[0]) + 1
            for start in range(0, vectors.shape[0], _CHUNK):
                block = vectors[start : start + _CHUNK]
                ids = range(first + start, first + start + block.shape[0])
                self._conn.executemany(
                    "INSERT INTO people (id, name, active, created) VALUES (?, ?, 1, ?)",
                    ((i, f"{prefix} {i}", now) for i in ids))
                self._conn.executemany(
                    "INSERT INTO templates (person_id, model, dimension, embedding, created)"
                    " VALUES (?, ?, ?, ?, ?)",
                    ((i, model, dimension, row.tobytes(), now)
                     for i, row in zip(ids, block, strict=True)))
            self._session.changed(RosterChanged(first))

    def of(self, person_id: int) -> list[Template]:
        return [template for template, _ in self._rows(person_id, pictures=False)]

    def owner(self, template_id: int) -> int:
        row = self._conn.execute("SELECT person_id FROM templates WHERE id = ?",
                                 (template_id,)).fetchone()
        if row is None:
            raise StoreError(f"no template with id {template_id}")
        return int(row[0])

    def remove(self, template_id: int) -> None:
        person_id = self.owner(template_id)
        with self._session.transaction():
            self._conn.execute("DELETE FROM templates WHERE id = ?", (template_id,))
            self._session.changed(RosterChanged(person_id))

    def thumbnail(self, person_id: int) -> bytes | None:
        row = self._conn.execute(
            "SELECT thumbnail FROM templates WHERE person_id = ? AND thumbnail IS NOT NULL"
            " ORDER BY quality DESC, id LIMIT 1", (person_id,)).fetchone()
        return bytes(row[0]) if row else None

    def thumbnails(self, person_id: int) -> list[tuple[Template, bytes | None]]:
        return self._rows(person_id, pictures=True)

    def _rows(self, person_id: int, pictures: bool) -> list[tuple[Template, bytes | None]]:
        picture = "thumbnail" if pictures else "NULL"
        rows = self._conn.execute(
            f"SELECT id, person_id, source, quality, created, {picture} FROM templates"
            " WHERE person_id = ? ORDER BY id", (person_id,))
        return [(Template(int(i), int(p), str(s), q, datetime.fromisoformat(c)),
                 bytes(t) if t is not None else None) for i, p, s, q, c, t in rows]

    def load(self, model: str, dimension: int) -> TemplateRows:
        foreign = self._conn.execute(
            "SELECT DISTINCT model, dimension FROM templates WHERE model != ? OR dimension != ?",
            (model, dimension)).fetchall()
        if foreign:
            found = ", ".join(f"{m} ({d}-d)" for m, d in foreign)
            raise StoreError(
                f"the gallery holds templates of another embedder model: {found}; this one is "
                f"{model} ({dimension}-d). Re-enrol with that model or use its --model")
        rows = self._conn.execute(
            "SELECT t.person_id, t.embedding, p.name FROM templates t JOIN people p"
            " ON p.id = t.person_id ORDER BY t.id").fetchall()
        return TemplateRows(
            np.array([r[0] for r in rows], dtype=np.int64),
            np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
            .reshape(len(rows), dimension),
            {int(r[0]): str(r[2]) for r in rows})
