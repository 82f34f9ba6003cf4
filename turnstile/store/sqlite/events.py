"""The event log in the SQLite file: every final access decision with its scores (EventStore)."""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timedelta

from turnstile.config import EventsConfig
from turnstile.redact import redact_text
from turnstile.store import database
from turnstile.store.records import Event
from turnstile.types import Credential, Decision, DenyReason, DoorResult, Outcome

log = logging.getLogger(__name__)

#: Retention is applied at most this often while recording (and on every prune() call).
PRUNE_EVERY = timedelta(hours=1)
#: The door column of a grant recorded before the door is driven (record, then open).
AWAITING_DOOR = "awaiting the door"


_COLUMNS = ("id, at, outcome, person_id, name, similarity, runner_up, reason, detail, door,"
            " scores, source, thumbnail IS NOT NULL, pass_id")


def _event(row: tuple[object, ...]) -> Event:
    (eid, at, outcome, pid, name, sim, runner, reason, detail, door, scores, source,
     thumb, pass_id) = row
    return Event(int(str(eid)), datetime.fromisoformat(str(at)), Outcome(outcome),
                 int(str(pid)) if pid is not None else None,
                 str(name) if name is not None else None,
                 float(str(sim)) if sim is not None else None,
                 float(str(runner)) if runner is not None else None,
                 DenyReason(reason) if reason else None, str(detail), str(door),
                 {str(k): float(v) for k, v in json.loads(str(scores)).items()}, str(source),
                 bool(thumb), int(str(pass_id)) if pass_id is not None else None)


class EventLog:
    """Writes and reads the `events` table on one connection (one per thread)."""

    def __init__(self, conn: sqlite3.Connection, config: EventsConfig) -> None:
        self._conn = conn
        self._config = config
        self._pruned: datetime | None = None

    def record(self, decision: Decision, door: DoorResult | None = None,
               thumbnail: bytes | None = None, source: str = "", *,
               awaiting_door: bool = False) -> int:
        """Store a decision; the thumbnail is kept only when events.store_thumbnails is on.

        A grant is recorded with `awaiting_door` before the door is driven; answer_door()
        then adds what the door said to the same row.
        """
        match = decision.match
        named = match is not None and match.person_id is not None and \
            decision.outcome is not Outcome.UNKNOWN
        visitor = decision.visitor
        # A visitor event names the visitor the pass names (no person row behind it).
        name = match.name if named and match else visitor.name if visitor else None
        # A PIN typed alone has no face to score: no similarity rather than a made-up one.
        scored = match if decision.credential is not Credential.PIN else None
        cursor = self._conn.execute(
            "INSERT INTO events (at, outcome, person_id, name, similarity, runner_up, reason,"
            " detail, door, scores, source, thumbnail, pass_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (decision.at.isoformat(timespec="milliseconds"), decision.outcome.value,
             match.person_id if named and match else None, name,
             scored.similarity if scored else None, scored.runner_up if scored else None,
             decision.reason.value if decision.reason else None, decision.detail,
             redact_text(door.detail) if door else AWAITING_DOOR if awaiting_door else "",
             # Callers pass a camera label; a URL that slips through loses its secrets.
             json.dumps(decision.scores.as_dict(), sort_keys=True), redact_text(source),
             thumbnail if self._config.store_thumbnails else None,
             visitor.pass_id if visitor else None))
        event_id = int(cursor.lastrowid or 0)
        if self._pruned is None or decision.at - self._pruned >= PRUNE_EVERY:
            try:
                self.prune(decision.at)
            except sqlite3.Error as exc:  # the event is committed; pruning waits for next time
                log.warning("pruning the event log failed: %s", exc)
        return event_id

    def answer_door(self, event_id: int, door: DoorResult) -> None:
        """Add the door's answer to a grant recorded before it; a door that did not open
        turns the grant into a refusal (DOOR_FAILED, or the access panel's refusal)."""
        detail = redact_text(door.detail)
        if door.opened:
            self._conn.execute("UPDATE events SET door = ? WHERE id = ?", (detail, event_id))
            return
        self._conn.execute(
            "UPDATE events SET outcome = ?, reason = ?, detail = ?, door = ? WHERE id = ?",
            (Outcome.DENIED.value, door.refusal.value, detail, detail, event_id))

    def recent(self, limit: int = 100, offset: int = 0, *, outcome: Outcome | None = None,
               person_id: int | None = None, since: datetime | None = None,
               until: datetime | None = None) -> list[Event]:
        """Newest first, filtered by outcome, person and time range [since, until)."""
        where, params = self._where(outcome, person_id, since, until)
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM events{where} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset)).fetchall()
        return [_event(row) for row in rows]

    def page(self, limit: int, after: tuple[datetime, int] | None = None, *,
             outcome: Outcome | None = None, person_id: int | None = None,
             since: datetime | None = None, until: datetime | None = None) -> list[Event]:
        """Oldest first, the `limit` events following the key (time, id) `after`.

        Keyset paging: each page costs the same however deep into the log it is (OFFSET
        re-reads every skipped row) and rows added meanwhile neither repeat nor shift pages.
        """
        where, params = self._where(outcome, person_id, since, until)
        if after is not None:
            where += (" AND " if where else " WHERE ") + "(at, id) > (?, ?)"
            params = (*params, after[0].isoformat(timespec="milliseconds"), after[1])
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM events{where} ORDER BY at, id LIMIT ?",
            (*params, limit)).fetchall()
        return [_event(row) for row in rows]

    def count(self, *, outcome: Outcome | None = None, person_id: int | None = None,
              since: datetime | None = None, until: datetime | None = None) -> int:
        where, params = self._where(outcome, person_id, since, until)
        return int(self._conn.execute(f"SELECT COUNT(*) FROM events{where}", params)
                   .fetchone()[0])

    @staticmethod
    def _where(outcome: Outcome | None, person_id: int | None, since: datetime | None,
               until: datetime | None) -> tuple[str, tuple[object, ...]]:
        clauses: list[str] = []
        params: list[object] = []
        for clause, value in (("outcome = ?", outcome.value if outcome else None),
                              ("person_id = ?", person_id),
                              ("at >= ?", since.isoformat(timespec="milliseconds")
                               if since else None),
                              ("at < ?", until.isoformat(timespec="milliseconds")
                               if until else None)):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)

    def thumbnail(self, event_id: int) -> bytes | None:
        row = self._conn.execute("SELECT thumbnail FROM events WHERE id = ?",
                                 (event_id,)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def last_seen(self) -> dict[int, datetime]:
        rows = self._conn.execute("SELECT person_id, MAX(at) FROM events"
                                  " WHERE person_id IS NOT NULL GROUP BY person_id")
        return {int(pid): datetime.fromisoformat(str(at)) for pid, at in rows if at}

    def prune(self, now: datetime) -> int:
        """Delete events older than events.retention_days (0 keeps all); returns how many."""
        self._pruned = now
        if self._config.retention_days == 0:
            return 0
        cutoff = now - timedelta(days=self._config.retention_days)
        cursor = self._conn.execute("DELETE FROM events WHERE at < ?",
                                    (cutoff.isoformat(timespec="milliseconds"),))
        return int(cursor.rowcount)


def scratch_log() -> EventLog:
    """An event log in memory (a replay's decisions stay out of the site's log)."""
    conn = database.connect(":memory:")
    # The scratch file holds no people rows for person_id to point at.
    conn.execute("PRAGMA foreign_keys = OFF")
    return EventLog(conn, EventsConfig(retention_days=0))
