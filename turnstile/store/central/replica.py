"""A kiosk's SQLite file as a replica of the central roster: fetch changes, apply them whole.

The central database keeps, per person, the number of their latest change. A replica
remembers the highest number it applied; catching up is "every person changed after n",
read in one snapshot and written into SQLite in one transaction together with the new
number, so a kiosk killed at any moment has either the old or the new roster, never a mix.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field

from turnstile.store.central.roster import Conn, RosterModelError, Row
from turnstile.store.database import transaction
from turnstile.store.erasure import erase_person
from turnstile.store.outbox import forget_person

#: People fetched per snapshot: bounds the memory of a new kiosk's first sync.
BATCH_PEOPLE = 2000


class ReplicaError(RuntimeError):
    """This SQLite file cannot serve as this kiosk's replica (other model or database)."""


@dataclass(frozen=True)
class ModelId:
    """The embedder a kiosk runs: templates of any other model are useless to it."""

    name: str
    dimension: int

    def __str__(self) -> str:
        return f"{self.name} ({self.dimension}-d)"


@dataclass
class ChangeBatch:
    """Everyone changed after `since` up to `upto`, as of one snapshot of the centre."""

    central_id: str
    since: int
    upto: int
    people: list[Row] = field(default_factory=list)
    templates: list[Row] = field(default_factory=list)
    groups: list[Row] = field(default_factory=list)
    schedules: list[Row] = field(default_factory=list)
    erased: list[int] = field(default_factory=list)
    #: More changes wait beyond this batch.
    more: bool = False


def fetch(conn: Conn, since: int, model: ModelId, limit: int | None = None) -> ChangeBatch:
    """The next batch of changes after `since`, read in one consistent snapshot."""
    limit = limit or BATCH_PEOPLE
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        meta: dict[str, str] = dict(conn.execute("SELECT key, value FROM central_meta").fetchall())
        roster = (meta.get("model"), meta.get("dimension"))
        if roster[0] is not None and (roster[0], int(str(roster[1]))) != (model.name,
                                                                            model.dimension):
            raise RosterModelError(
                f"the central roster was made with model {roster[0]} ({roster[1]}-d) and "
                f"this kiosk runs {model}: it refuses the roster (install the roster's model)")
        rows = conn.execute("SELECT person_id, seq FROM changes WHERE seq > %s"
                            " ORDER BY seq LIMIT %s", (since, limit + 1)).fetchall()
        batch = ChangeBatch(str(meta["central_id"]), since, since, more=len(rows) > limit)
        rows = rows[:limit]
        if not rows:
            return batch
        ids = [int(str(pid)) for pid, _ in rows]
        batch.upto = int(str(rows[-1][1]))
        batch.people = conn.execute(
            "SELECT id, name, employee_id, active, created, valid_from, valid_until, consent_at,"
            " credential, version FROM people WHERE id = ANY(%s)", (ids,)).fetchall()
        batch.templates = conn.execute(
            "SELECT id, person_id, model, dimension, embedding, source, quality, thumbnail,"
            " created FROM templates WHERE person_id = ANY(%s) ORDER BY id", (ids,)).fetchall()
        batch.groups = conn.execute(
            "SELECT pg.person_id, g.name FROM person_groups pg JOIN access_groups g"
            " ON g.id = pg.group_id WHERE pg.person_id = ANY(%s)", (ids,)).fetchall()
        batch.schedules = conn.execute(
            "SELECT person_id, weekday, start_time, end_time FROM schedules"
            " WHERE person_id = ANY(%s) ORDER BY id", (ids,)).fetchall()
    present = {int(str(row[0])) for row in batch.people}
    batch.erased = [pid for pid in ids if pid not in present]
    for row in batch.templates:
        if (row[2], row[3]) != (model.name, model.dimension):
            raise RosterModelError(f"template {row[0]} was made with model {row[2]}; this "
                                   f"kiosk runs {model}: it refuses the roster")
    return batch


def _iso(value: object) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else None


class Replica:
    """The replica side of one kiosk's SQLite file (its own connection, one thread)."""

    def __init__(self, conn: sqlite3.Connection, model: ModelId) -> None:
        self._conn = conn
        self.model = model
        # Erased rows are overwritten, not just unlinked: the byte-level erasure guarantee.
        conn.execute("PRAGMA secure_delete = ON")
        recorded = self._state().get("model")
        if recorded is not None and recorded != str(model):
            raise ReplicaError(
                f"this replica was made with model {recorded} and this kiosk runs {model}: "
                "it is refused (start a new replica file with --db)")

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    def _state(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in
                self._conn.execute("SELECT key, value FROM replica_state")}

    @property
    def change_number(self) -> int:
        return int(self._state().get("change_number", 0))

    @property
    def central_id(self) -> str | None:
        return self._state().get("central_id")

    def apply(self, batch: ChangeBatch) -> int:
        """Write one batch and its change number atomically; returns people erased."""
        with transaction(self._conn):
            state = self._state()
            known = state.get("central_id")
            if known is None:
                self._check_fresh()
            elif known != batch.central_id:
                raise ReplicaError("this replica was filled from another central database; "
                                   "start a new replica file with --db")
            if int(state.get("change_number", 0)) != batch.since:
                raise ReplicaError("the replica moved on while this batch was fetched")
            self._write_people(batch)
            for person_id in batch.erased:
                erase_local(self._conn, person_id)
            self._conn.executemany(
                "INSERT INTO replica_state (key, value) VALUES (?, ?) ON CONFLICT (key)"
                " DO UPDATE SET value = excluded.value",
                [("central_id", batch.central_id), ("change_number", str(batch.upto)),
                 ("model", str(self.model))])
        if batch.erased:
            purge(self._conn)
        return len(batch.erased)

    def _check_fresh(self) -> None:
        row = self._conn.execute("SELECT count(*) FROM people").fetchone()
        if int(row[0]):
            raise ReplicaError(
                f"this database holds {row[0]} people enrolled locally; a kiosk joining a "
                "central database needs a new replica file (--db), or enrol them centrally")

    def _write_people(self, batch: ChangeBatch) -> None:
        conn = self._conn
        ids = [(int(str(row[0])),) for row in batch.people]
        # Clear employee ids and card numbers first: two people may swap them within one
        # batch.
        conn.executemany("UPDATE people SET employee_id = NULL, credential = NULL WHERE id = ?",
                         ids)
        for table in ("templates", "schedules", "person_groups"):
            conn.executemany(f"DELETE FROM {table} WHERE person_id = ?", ids)
        conn.executemany(
            "INSERT INTO people (id, name, employee_id, active, created, valid_from,"
            " valid_until, consent_at, credential, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE"
            " SET name = excluded.name, employee_id = excluded.employee_id,"
            " active = excluded.active, created = excluded.created,"
            " valid_from = excluded.valid_from, valid_until = excluded.valid_until,"
            " consent_at = excluded.consent_at, credential = excluded.credential,"
            " version = excluded.version",
            # The central version: the panel names it when saving, the centre checks it.
            [(pid, name, emp, int(bool(act)), _iso(cr), _iso(vf), _iso(vu), _iso(ca), cred,
              int(ver)) for pid, name, emp, act, cr, vf, vu, ca, cred, ver in batch.people])
        conn.executemany(
            "INSERT INTO templates (id, person_id, model, dimension, embedding, source, quality,"
            " thumbnail, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(tid, pid, m, d, bytes(e), s, q, bytes(th) if th is not None else None, _iso(c))
             for tid, pid, m, d, e, s, q, th, c in batch.templates])
        for pid, name in batch.groups:
            conn.execute("INSERT OR IGNORE INTO access_groups (name) VALUES (?)", (name,))
            conn.execute("INSERT INTO person_groups (person_id, group_id)"
                         " SELECT ?, id FROM access_groups WHERE name = ?", (pid, name))
        conn.executemany("INSERT INTO schedules (person_id, weekday, start_time, end_time)"
                         " VALUES (?, ?, ?, ?)", batch.schedules)


def erase_local(conn: sqlite3.Connection, person_id: int) -> None:
    """The local GDPR erasure inside the caller's transaction: person, templates, the links
    and names in events and in their queued copies go."""
    erase_person(conn, person_id)  # the same rows as a local erasure
    # Audit entries name people by number only: they keep the record of what was done.
    forget_person(conn, person_id)


def purge(conn: sqlite3.Connection, patience_s: float = 5.0) -> bool:
    """Push the overwritten pages out of the WAL and truncate it: no old copy stays.

    A reader in the middle of a query holds the WAL for a moment: retried until `patience_s`.
    Returns whether the WAL was emptied.
    """
    deadline = time.monotonic() + patience_s
    while True:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if not busy or time.monotonic() > deadline:
            return not busy
        time.sleep(0.05)
