"""Delivering one sink's share of the outbox: in order, each row once the receiver confirms.

A failure stops the sink at that row and it is tried again after a back-off, so nothing
overtakes it. Audit entries are acknowledged without being sent: they go only to the central
database, where their hash chain is kept (README "Events to other systems").
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from turnstile.access.health import Backoff
from turnstile.links.event import Shaper
from turnstile.links.sink import EventSink
from turnstile.store.outbox import EventNow, Outbox, OutboxItem, OutboxKind, event_now
from turnstile.store.sqlite.events import AWAITING_DOOR

log = logging.getLogger(__name__)

#: A grant is held back this long for the door's answer (recorded first, door driven after),
#: then sent as it stands.
DOOR_HOLD_S = 30.0
#: Seconds between looks at the queue while all is delivered (a look is one indexed query;
#: this is most of the delay between a decision and its arrival).
POLL_S = 0.1
#: Rows read per look.
BATCH = 100


@dataclass(frozen=True)
class RoundReport:
    """One pass over the queue: events sent, audit entries passed over, rows left, and why
    the pass stopped early ("" when everything was delivered)."""

    sink: str
    delivered: int = 0
    skipped: int = 0
    left: int = 0
    problem: str = ""
    #: Stopped only to wait for a door's answer (not a failure).
    held: bool = False

    def __add__(self, other: RoundReport) -> RoundReport:
        return RoundReport(self.sink, self.delivered + other.delivered,
                           self.skipped + other.skipped, other.left, other.problem,
                           other.held)


def _awaiting(item: OutboxItem, now: EventNow | None) -> bool:
    if now is None or now.door != AWAITING_DOOR:
        return False
    age = datetime.now() - datetime.fromisoformat(str(item.payload["at"]))
    return age.total_seconds() < DOOR_HOLD_S


class Courier:
    """Moves one sink's queue to it over one SQLite connection (that is, on one thread)."""

    def __init__(self, conn: sqlite3.Connection, sink: EventSink, shaper: Shaper) -> None:
        self._conn = conn
        self.sink = sink
        self.shaper = shaper
        self.outbox = Outbox(conn, sink.name)
        self.last = RoundReport(sink.name)

    def round(self) -> RoundReport:
        """Deliver until the queue is empty or the receiver fails."""
        delivered = skipped = 0
        while items := self.outbox.pending(BATCH):
            for item in items:
                if item.kind is not OutboxKind.EVENT:
                    self.outbox.acknowledge(item.seq)
                    skipped += 1
                    continue
                now = event_now(self._conn, item)
                if _awaiting(item, now):
                    return self._report(delivered, skipped, "waiting for the door's answer",
                                        held=True)
                result = self.sink.deliver(item.uid, self.shaper.body(item, now))
                if not result.confirmed:
                    return self._report(delivered, skipped, result.detail)
                self.outbox.acknowledge(item.seq)
                delivered += 1
        return self._report(delivered, skipped, "")

    def _report(self, delivered: int, skipped: int, problem: str,
                held: bool = False) -> RoundReport:
        self.last = RoundReport(self.sink.name, delivered, skipped, self.outbox.size(),
                                problem, held)
        return self.last

    def once(self, patience_s: float) -> RoundReport:
        """Deliver everything queued, retrying with back-off for up to `patience_s`."""
        deadline = time.monotonic() + patience_s
        backoff = Backoff(0.25, self.sink.retry_max_s)
        total = self.round()
        while total.problem:
            delay = 0.1 if total.held else backoff.next()
            if time.monotonic() + delay > deadline:
                break
            time.sleep(delay)
            total = total + self.round()
        return total

    def run(self, stop: threading.Event) -> None:
        """Follow the queue until `stop`; a failing receiver is retried with back-off (from
        1 s, doubling up to the sink's retry_max_s), the reason logged once per outage."""
        backoff = Backoff(1.0, self.sink.retry_max_s)
        failing = ""
        while not stop.is_set():
            report = self.round()
            if report.problem and not report.held:
                if not failing:
                    log.warning("%s: events wait (%d queued): %s", self.sink.name,
                                report.left, report.problem)
                failing = report.problem
                stop.wait(backoff.next())
                continue
            if failing:
                log.info("%s: delivering again", self.sink.name)
                failing = ""
            backoff.reset()
            stop.wait(POLL_S)
