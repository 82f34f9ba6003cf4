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


def forget_person(conn: sqlite3.Connection, person_id: int) -> None:
    """Erasure: queued events lose the person's name and link (inside the caller's
    transaction, the erasure's). Audit entries name people by number only: kept as they are."""
    conn.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.person_id', NULL, '$.name', NULL)"
        " WHERE kind = 'event' AND json_extract(payload, '$.person_id') = ?", (person_id,))
