"""Writes to the central roster: each change one transaction with a change number and a NOTIFY."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import psycopg

from turnstile.store.records import EditConflictError, NewTemplate, StoreError
from turnstile.types import Person

__all__ = ["CHANNEL", "CentralPerson", "CentralRoster", "EditConflictError", "RosterModelError",
           "bump", "label"]

#: The channel replicas LISTEN on; the payload is the new change number.
CHANNEL = "turnstile_changes"

#: Rows as psycopg returns them by default.
Row = tuple[Any, ...]
Conn = psycopg.Connection[Row]
Cursor = psycopg.Cursor[Row]


class RosterModelError(StoreError):
    """Templates of another embedder model than the roster's: never mixed."""


@dataclass(frozen=True)
class CentralPerson:
    """A person as the central roster holds them, with the version an edit must name."""

    person: Person
    version: int
    groups: tuple[str, ...] = ()


_PEOPLE_SQL = """
SELECT p.id, p.name, p.employee_id, p.active, p.created, p.valid_from, p.valid_until,
       (SELECT count(*) FROM templates t WHERE t.person_id = p.id), p.version,
       p.credential,
       coalesce((SELECT array_agg(g.name ORDER BY lower(g.name)) FROM person_groups pg
                 JOIN access_groups g ON g.id = pg.group_id WHERE pg.person_id = p.id), '{}')
FROM people p
"""


def _central_person(row: Row) -> CentralPerson:
    (pid, name, employee, active, created, valid_from, valid_until, count, version, credential,
     groups) = row
    assert isinstance(created, datetime)
    person = Person(int(str(pid)), str(name), str(employee) if employee else None,
                    bool(active), created,
                    valid_from if isinstance(valid_from, datetime) else None,
                    valid_until if isinstance(valid_until, datetime) else None,
                    int(str(count)), int(str(credential)) if credential is not None else None)
    return CentralPerson(person, int(str(version)), tuple(str(g) for g in groups or ()))


def label(person_id: int) -> str:
    """Audit targets name people by number, so an erasure can scrub every trace of them."""
    return f"person #{person_id}"


class CentralRoster:
    """People, templates, groups and schedules in the central database, for one actor."""

    def __init__(self, conn: Conn, actor: str, kiosk_id: str) -> None:
        self._conn = conn
        self.actor = actor
        self.kiosk_id = kiosk_id

    @property
    def connection(self) -> Conn:
        return self._conn

    # Reading --------------------------------------------------------------------------
    def people(self) -> list[CentralPerson]:
        rows = self._conn.execute(_PEOPLE_SQL + " ORDER BY p.name, p.id").fetchall()
        self._conn.commit()
        return [_central_person(r) for r in rows]

    def person(self, person_id: int) -> CentralPerson:
        row = self._conn.execute(_PEOPLE_SQL + " WHERE p.id = %s", (person_id,)).fetchone()
        self._conn.commit()
        if row is None:
            raise StoreError(f"no person with id {person_id}")
        return _central_person(row)

    def find(self, name: str) -> list[CentralPerson]:
        """People whose name (any case) or employee id equals `name`."""
        rows = self._conn.execute(
            _PEOPLE_SQL + " WHERE lower(p.name) = lower(%s) OR p.employee_id = %s ORDER BY p.id",
            (name.strip(), name.strip())).fetchall()
        self._conn.commit()
        return [_central_person(r) for r in rows]

    def model(self) -> tuple[str, int] | None:
        """The embedder model (name, dimension) every template of the roster was made with."""
        rows: dict[str, str] = dict(self._conn.execute(
            "SELECT key, value FROM central_meta WHERE key IN ('model', 'dimension')").fetchall())
        self._conn.commit()
        if "model" not in rows:
            return None
        return str(rows["model"]), int(str(rows["dimension"]))

    # Writing --------------------------------------------------------------------------
    @contextmanager
    def _change(self, person_id: int | None = None) -> Iterator[Cursor]:
        """One transaction; the caller's person gets the next change number at its end."""
        with self._conn.transaction(), self._conn.cursor() as cur:
            yield cur
            if person_id is not None:
                bump(cur, person_id)

    def enrol(self, name: str, employee_id: str | None, templates: Sequence[NewTemplate],
              model: str, dimension: int, consent: bool = False) -> CentralPerson:
        """A new person with their templates, in one transaction."""
        if not name.strip():
            raise StoreError("a person needs a name")
        if not templates:
            raise StoreError("nothing to enrol: no usable face")
        vectors = [_vector(t, dimension) for t in templates]
        employee_id = (employee_id or "").strip() or None
        now = datetime.now().replace(microsecond=0)
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                _claim_model(cur, model, dimension)
                row = cur.execute(
                    "INSERT INTO people (name, employee_id, created, consent_at)"
                    " VALUES (%s, %s, %s, %s) RETURNING id",
                    (name.strip(), employee_id, now, now if consent else None)).fetchone()
                assert row is not None
                person_id = int(str(row[0]))
                _insert_templates(cur, person_id, model, dimension, vectors, templates)
                # Audit entries name people by number only (nothing to scrub on erasure).
                self._audit(cur, "enrol", person_id,
                            {"templates": len(templates), "consent": consent})
                bump(cur, person_id)
        except psycopg.errors.UniqueViolation as exc:
            raise StoreError(f"employee id {employee_id} is already enrolled") from exc
        return self.person(person_id)

    def add_templates(self, person_id: int, templates: Sequence[NewTemplate], model: str,
                      dimension: int) -> None:
        vectors = [_vector(t, dimension) for t in templates]
        with self._change(person_id) as cur:
            _lock_person(cur, person_id)
            _claim_model(cur, model, dimension)
            _insert_templates(cur, person_id, model, dimension, vectors, templates)
            self._audit(cur, "templates_added", person_id, {"templates": len(templates)})

    def remove_template(self, template_id: int) -> int:
        """Delete one template (replicas keep the central ids); returns its person's id."""
        with self._conn.transaction(), self._conn.cursor() as cur:
            row = cur.execute("DELETE FROM templates WHERE id = %s RETURNING person_id",
                              (template_id,)).fetchone()
            if row is None:
                raise StoreError(f"no template with id {template_id}")
            person_id = int(str(row[0]))
            self._audit(cur, "template_deleted", person_id, {"template": template_id})
            bump(cur, person_id)
        return person_id

    def edit(self, person_id: int, version: int, **values: object) -> CentralPerson:
        """Change name / employee_id / active / valid_from / valid_until / consent_at /
        credential (the card number for an access panel).

        `version` is the one read with the person: when another administrator saved in the
        meantime the edit is refused with EditConflictError and nothing is written (the first
        save wins; the second sees the new state and decides again).
        """
        return self.save(person_id, version, values)

    def save(self, person_id: int, version: int, values: Mapping[str, object],
             groups: Sequence[str] | None = None,
             windows: Sequence[tuple[int, str, str]] | None = None) -> CentralPerson:
        """One editor's save: fields, groups and weekly windows (None: unchanged) in one
        transaction, only over `version` (EditConflictError otherwise; nothing written)."""
        unknown = set(values) - _EDITABLE
        if unknown:
            raise ValueError(f"cannot edit {', '.join(sorted(unknown))}")
        if "name" in values and not str(values["name"]).strip():
            raise StoreError("a person needs a name")
        assignments = "".join(f", {column} = %s" for column in values)
        try:
            with self._change(person_id) as cur:
                cursor = cur.execute(
                    f"UPDATE people SET version = version + 1{assignments}"
                    " WHERE id = %s AND version = %s",
                    (*values.values(), person_id, version))
                if cursor.rowcount != 1:
                    _lock_person(cur, person_id)  # raises for a person erased meanwhile
                    raise EditConflictError(
                        f"{label(person_id)} was changed by someone else meanwhile; "
                        "nothing was saved: reload and edit again")
                # Names, employee ids and card numbers stay out of the audit log: only
                # that they changed.
                hidden = ("name", "employee_id", "credential")
                detail = {k: _plain(v) for k, v in values.items() if k not in hidden}
                detail |= {k: True for k in hidden if k in values}
                if groups is not None:
                    _write_groups(cur, person_id, groups)
                    detail["groups"] = ", ".join(groups) or "none"
                if windows is not None:
                    _write_schedule(cur, person_id, windows)
                    detail["schedule"] = len(windows)
                self._audit(cur, "edit", person_id, detail)
        except psycopg.errors.UniqueViolation as exc:
            if "credential" in str(exc):
                raise StoreError(f"card number {values.get('credential')} already belongs to "
                                 "someone else") from exc
            raise StoreError(f"employee id {values.get('employee_id')} is already enrolled") \
                from exc
        return self.person(person_id)

    def set_groups(self, person_id: int, names: Sequence[str]) -> None:
        with self._change(person_id) as cur:
            _touch(cur, person_id)
            _write_groups(cur, person_id, names)
            self._audit(cur, "edit", person_id, {"groups": ", ".join(names) or "none"})

    def set_schedule(self, person_id: int, windows: Sequence[tuple[int, str, str]]) -> None:
        """Replace the weekly windows (weekday, "HH:MM", "HH:MM"); empty: any time."""
        with self._change(person_id) as cur:
            _touch(cur, person_id)
            _write_schedule(cur, person_id, windows)
            self._audit(cur, "edit", person_id, {"schedule": len(windows)})

    def erase(self, person_id: int) -> None:
        """GDPR erasure at the centre: the person, templates and thumbnails go; every kiosk's
        events of them lose the link and name. Each replica erases them on its next sync."""
        with self._change(person_id) as cur:
            row = cur.execute("SELECT count(*) FROM templates WHERE person_id = %s",
                              (person_id,)).fetchone()
            if cur.execute("DELETE FROM people WHERE id = %s", (person_id,)).rowcount != 1:
                raise StoreError(f"no person with id {person_id}")
            cur.execute("INSERT INTO erased (person_id) VALUES (%s) ON CONFLICT DO NOTHING",
                        (person_id,))
            cur.execute("UPDATE events SET person_id = NULL, name = NULL WHERE person_id = %s",
                        (person_id,))
            self._audit(cur, "delete", person_id, {"templates": int(str(row[0])) if row else 0})

    def bulk_enrol(self, people: Sequence[tuple[str, Sequence[np.ndarray]]], model: str,
                   dimension: int) -> int:
        """Many people at once (a migration, a large import): copied in one transaction, each
        with their own change number as `enrol` gives it; returns how many."""
        now = datetime.now().replace(microsecond=0)
        with self._conn.transaction(), self._conn.cursor() as cur:
            _claim_model(cur, model, dimension)
            cur.execute("LOCK TABLE people IN SHARE ROW EXCLUSIVE MODE")
            row = cur.execute("SELECT coalesce(max(id), 0) FROM people").fetchone()
            start = next_id = int(str(row[0])) if row else 0
            # One COPY at a time per connection: people first, then their templates.
            with cur.copy("COPY people (id, name, created) FROM STDIN") as copy:
                for name, _ in people:
                    next_id += 1
                    copy.write_row((next_id, name, now))
            with cur.copy("COPY templates (person_id, model, dimension, embedding, created)"
                          " FROM STDIN") as copy:
                for number, (_, vectors) in enumerate(people, start + 1):
                    for vector in vectors:
                        copy.write_row((number, model, dimension,
                                        _checked(vector, dimension).tobytes(), now))
            count = next_id - start
            row = cur.execute("UPDATE change_counter SET value = value + %s RETURNING value",
                              (count,)).fetchone()
            base = (int(str(row[0])) if row else 0) - count
            cur.execute("INSERT INTO changes (person_id, seq) SELECT id, id - %s + %s FROM people"
                        " WHERE id > %s", (start, base, start))
            cur.execute("SELECT setval(pg_get_serial_sequence('people', 'id'), %s)",
                        (max(next_id, 1),))
            cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(base + count)))
            self._audit(cur, "import", None, {"people": count})
        return count

    def _audit(self, cur: Cursor, action: str, person_id: int | None,
               detail: Mapping[str, object]) -> None:
        cur.execute("INSERT INTO audit_log (uid, kiosk_id, at, actor, action, target, detail)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    (uuid.uuid4().hex, self.kiosk_id, datetime.now().replace(microsecond=0),
                     self.actor, action, label(person_id) if person_id else "roster",
                     json.dumps(dict(detail), ensure_ascii=False, sort_keys=True)))


def bump(cur: Cursor, person_id: int) -> int:
    """Give the person's change the next change number and tell the listening replicas.

    The counter row stays locked until this transaction ends, so numbers commit in order.
    """
    row = cur.execute("UPDATE change_counter SET value = value + 1 RETURNING value").fetchone()
    assert row is not None
    seq = int(str(row[0]))
    cur.execute("INSERT INTO changes (person_id, seq) VALUES (%s, %s) ON CONFLICT (person_id)"
                " DO UPDATE SET seq = EXCLUDED.seq, at = now()", (person_id, seq))
    cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(seq)))
    return seq


#: The person columns an edit may change.
_EDITABLE = frozenset({"name", "employee_id", "active", "valid_from", "valid_until",
                       "consent_at", "credential"})


def _touch(cur: Cursor, person_id: int) -> None:
    """Lock the person's row and bump their version: an editor's older copy is now stale."""
    if cur.execute("UPDATE people SET version = version + 1 WHERE id = %s",
                   (person_id,)).rowcount != 1:
        raise StoreError(f"no person with id {person_id}")


def _write_groups(cur: Cursor, person_id: int, names: Sequence[str]) -> None:
    cur.execute("DELETE FROM person_groups WHERE person_id = %s", (person_id,))
    for name in names:
        cur.execute("INSERT INTO access_groups (name) VALUES (%s)"
                    " ON CONFLICT (lower(name)) DO NOTHING", (name,))
        cur.execute("INSERT INTO person_groups (person_id, group_id) SELECT %s, id"
                    " FROM access_groups WHERE lower(name) = lower(%s)", (person_id, name))


def _write_schedule(cur: Cursor, person_id: int,
                    windows: Sequence[tuple[int, str, str]]) -> None:
    cur.execute("DELETE FROM schedules WHERE person_id = %s", (person_id,))
    cur.executemany("INSERT INTO schedules (person_id, weekday, start_time, end_time)"
                    " VALUES (%s, %s, %s, %s)", [(person_id, d, s, e) for d, s, e in windows])


def _lock_person(cur: Cursor, person_id: int) -> None:
    if cur.execute("SELECT 1 FROM people WHERE id = %s FOR UPDATE",
                   (person_id,)).fetchone() is None:
        raise StoreError(f"no person with id {person_id}")


def _claim_model(cur: Cursor, model: str, dimension: int) -> None:
    """The first template fixes the roster's model; any other model is refused."""
    cur.execute("INSERT INTO central_meta VALUES ('model', %s), ('dimension', %s)"
                " ON CONFLICT (key) DO NOTHING", (model, str(dimension)))
    rows: dict[str, str] = dict(cur.execute("SELECT key, value FROM central_meta"
                            " WHERE key IN ('model', 'dimension')").fetchall())
    if (rows["model"], int(str(rows["dimension"]))) != (model, dimension):
        raise RosterModelError(
            f"the central roster was made with model {rows['model']} ({rows['dimension']}-d); "
            f"these templates come from {model} ({dimension}-d): use the roster's model")


def _vector(template: NewTemplate, dimension: int) -> np.ndarray:
    return _checked(template.embedding, dimension)


def _checked(embedding: np.ndarray, dimension: int) -> np.ndarray:
    vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
    if vector.shape[0] != dimension or not np.all(np.isfinite(vector)):
        raise StoreError(f"embedding must be {dimension} finite values")
    return vector


def _insert_templates(cur: Cursor, person_id: int, model: str, dimension: int,
                      vectors: Sequence[np.ndarray], templates: Sequence[NewTemplate]) -> None:
    now = datetime.now().replace(microsecond=0)
    cur.executemany(
        "INSERT INTO templates (person_id, model, dimension, embedding, source, quality,"
        " thumbnail, created) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [(person_id, model, dimension, v.tobytes(), t.source, t.quality, t.thumbnail, now)
         for v, t in zip(vectors, templates, strict=True)])


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value
