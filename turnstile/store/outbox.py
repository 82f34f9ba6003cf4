"""The outbox: events and audit entries queued in the kiosk's SQLite file for other systems.

Rows are written by triggers in the same transaction as the event or audit entry (see the
database migrations), so nothing recorded can miss the queue. Each destination ("sink": the
central database, an MQTT broker, a webhook) keeps its own cursor and reads in order; a row
goes once every sink has it. Each row has a unique id that receivers use to drop a resend.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from enum import Enum

from turnstile.store.database import transaction


class OutboxKind(Enum):
    EVENT = "event"
    AUDIT = "audit"


@dataclass(frozen=True)
class OutboxItem:
    """One queued record: its place in the queue, unique id, kind and JSON fields."""

    seq: int
    uid: str
    kind: OutboxKind
    payload: dict[str, object]


class Outbox:
    """Reads and acknowledges the queue for one sink on one connection (one per thread)."""

    def __init__(self, conn: sqlite3.Connection, sink: str) -> None:
        self._conn = conn
        self.sink = sink

    def register(self) -> None:
        """Start queueing for this sink: from now on every event and audit entry is kept."""
        self._conn.execute("INSERT OR IGNORE INTO outbox_sinks (name, delivered)"
                           " VALUES (?, coalesce((SELECT max(seq) FROM outbox), 0))",
                           (self.sink,))

    def unregister(self) -> None:
        """Stop queueing for this sink (no longer configured): its cursor stops holding rows,
        and rows no remaining sink needs are dropped (all of them when none remains)."""
        with transaction(self._conn):
            self._conn.execute("DELETE FROM outbox_sinks WHERE name = ?", (self.sink,))
            self._conn.execute("DELETE FROM outbox WHERE seq <= coalesce("
                               "(SELECT min(delivered) FROM outbox_sinks),"
                               " (SELECT max(seq) FROM outbox))")

    def registered(self) -> bool:
        return self._conn.execute("SELECT 1 FROM outbox_sinks WHERE name = ?",
                                  (self.sink,)).fetchone() is not None

    def pending(self, limit: int = 500) -> list[OutboxItem]:
        """The oldest rows this sink has not acknowledged, in order."""
        rows = self._conn.execute(
            "SELECT seq, uid, kind, payload FROM outbox WHERE seq >"
            " (SELECT delivered FROM outbox_sinks WHERE name = ?) ORDER BY seq LIMIT ?",
            (self.sink, limit)).fetchall()
        return [OutboxItem(int(seq), str(uid), OutboxKind(kind), json.loads(payload))
                for seq, uid, kind, payload in rows]

    def size(self) -> int:
        """Rows this sink still has to deliver."""
        row = self._conn.execute(
            "SELECT count(*) FROM outbox WHERE seq >"
            " (SELECT delivered FROM outbox_sinks WHERE name = ?)", (self.sink,)).fetchone()
        return int(row[0])

    def acknowledge(self, seq: int) -> None:
        """Everything up to `seq` reached this sink; rows every sink has are dropped."""
        with transaction(self._conn):
            self._conn.execute("UPDATE outbox_sinks SET delivered = max(delivered, ?)"
                               " WHERE name = ?", (seq, self.sink))
            self._conn.execute("DELETE FROM outbox WHERE seq <="
                               " (SELECT min(delivered) FROM outbox_sinks)")


@dataclass(frozen=True)
class EventNow:
    """What a queued event's row in the event log says now: the door's answer and a door
    failure come after the outbox row was written; an erasure removes the face picture."""

    outcome: str
    reason: str | None
    detail: str
    door: str
    thumbnail: bytes | None


def event_now(conn: sqlite3.Connection, item: OutboxItem) -> EventNow | None:
    """The event log's row of a queued event, or None when it was pruned meanwhile (the time
    is compared too: a pruned row's id can be taken again by a later event)."""
    row = conn.execute("SELECT outcome, reason, detail, door, thumbnail FROM events"
                       " WHERE id = ? AND at = ?",
                       (item.payload.get("local_id"), item.payload.get("at"))).fetchone()
    if row is None:
        return None
    outcome, reason, detail, door, thumbnail = row
    return EventNow(str(outcome), str(reason) if reason else None, str(detail), str(door),
                    bytes(thumbnail) if thumbnail is not None else None)


def forget_person(conn: sqlite3.Connection, person_id: int) -> None:
    """Erasure: queued events lose the person's name and link (inside the caller's
    transaction, the erasure's). Audit entries name people by number only: kept as they are."""
    conn.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.person_id', NULL, '$.name', NULL)"
        " WHERE kind = 'event' AND json_extract(payload, '$.person_id') = ?", (person_id,))
