"""Record, then open: event writes that never lose an outcome while the store is down.

A decision that cannot be written is kept in a bounded in-memory backlog (no door is driven
for it) and written, in order, as soon as the store answers again; so is a door's answer
that could not be added to its event.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from turnstile.access.door import DoorResult
from turnstile.access.health import Backoff, FaultClock
from turnstile.store.interfaces import EventStore
from turnstile.types import Decision

log = logging.getLogger(__name__)

#: Outcomes kept while the store is down; beyond it the oldest are dropped (and counted).
BACKLOG_LIMIT = 1000
#: Seconds between attempts to write the backlog, doubling while the store stays down.
RETRY_S = 0.5
RETRY_MAX_S = 10.0


@dataclass(frozen=True)
class _Unrecorded:
    decision: Decision
    thumbnail: bytes | None
    source: str


@dataclass(frozen=True)
class _DoorAnswer:
    event_id: int
    door: DoorResult


class Backlog:
    """Writes events through an EventStore; failures are kept and retried, never raised."""

    def __init__(self, events: EventStore, health: FaultClock, limit: int = BACKLOG_LIMIT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.events = events
        self._health = health
        self._pending: deque[_Unrecorded | _DoorAnswer] = deque()
        self._limit = limit
        self._clock = clock
        self._retry = Backoff(RETRY_S, RETRY_MAX_S)
        self._next_try = 0.0
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._pending)

    def record(self, decision: Decision, thumbnail: bytes | None, source: str = "", *,
               awaiting_door: bool = False) -> int | None:
        """The new event's id, or None when it could not be written (nothing kept: the
        caller decides what to keep, since a grant that was not recorded is a refusal)."""
        if self._pending and not self.flush(force=True):
            return None  # keep the log in order: older outcomes go first
        try:
            event_id = self.events.record(decision, None, thumbnail, source,
                                          awaiting_door=awaiting_door)
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        self._health.ok("event log")
        return event_id

    def keep(self, decision: Decision, thumbnail: bytes | None, source: str = "") -> None:
        """Keep an outcome that could not be written, for flush() to write later."""
        self._push(_Unrecorded(decision, thumbnail, source))

    def answer(self, event_id: int, door: DoorResult) -> None:
        """Add the door's answer to its event, now or once the store is back."""
        answer = _DoorAnswer(event_id, door)
        if self._pending or not self._write(answer):
            self._push(answer)

    def flush(self, force: bool = False) -> bool:
        """Write what is kept, oldest first; True when nothing is left. Between failures it
        waits (backoff) unless `force`d."""
        if not self._pending:
            return True
        if not force and self._clock() < self._next_try:
            return False
        written = 0
        while self._pending:
            if not self._write(self._pending[0]):
                return False
            self._pending.popleft()
            written += 1
        log.warning("the event log is writable again; %d kept item(s) written (%d dropped)",
                    written, self.dropped)
        self._retry.reset()
        return True

    def _write(self, item: _Unrecorded | _DoorAnswer) -> bool:
        try:
            if isinstance(item, _DoorAnswer):
                self.events.answer_door(item.event_id, item.door)
            else:
                self.events.record(item.decision, None, item.thumbnail, item.source)
        except sqlite3.Error as exc:
            self._failed(exc)
            return False
        self._health.ok("event log")
        return True

    def _failed(self, exc: sqlite3.Error) -> None:
        self._health.fault("event log", str(exc))
        self._next_try = self._clock() + self._retry.next()
        log.error("the event log cannot be written (%s); %d outcome(s) kept", exc,
                  len(self._pending))

    def _push(self, item: _Unrecorded | _DoorAnswer) -> None:
        if len(self._pending) >= self._limit:
            self._pending.popleft()
            self.dropped += 1
        self._pending.append(item)
