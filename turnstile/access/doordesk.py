"""The door inputs serviced on a thread of their own: alarms logged, exits opened, camera or not.

The recognition loop may be waiting for a camera that is gone or busy with a face; neither
may delay someone leaving or an alarm. `DoorDesk` polls the DoorWatch, writes its events on
its own SQLite connection (one per thread) and drives the door through the `LockedDoor` it
shares with the recognition loop, so the two never drive the door at once.

Egress: an exit press is recorded first, then opens the door. If the event log cannot be
written the door opens all the same and the event is kept and written once the log is back:
the person is already inside, refusing them protects nothing and could trap them (life-safety
codes want free egress). Entry stays record-then-open, failing shut.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from turnstile.access.door import DoorOutput, DoorResult
from turnstile.access.doorwatch import DoorNotice, DoorSignal, DoorWatch
from turnstile.access.eventqueue import Backlog
from turnstile.access.health import FaultClock
from turnstile.config import EventsConfig
from turnstile.store import upkeep
from turnstile.store.interfaces import EventStore
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Admitted, Decision, Outcome

log = logging.getLogger(__name__)

#: Signals shown on the kiosk but not written as events (they end an alarm shown before).
SHOWN_ONLY = frozenset({DoorSignal.INPUTS_BACK, DoorSignal.SECURED})
#: How long the door thread's connection waits for another writer.
BUSY_TIMEOUT_MS = 2000


class LockedDoor:
    """One DoorOutput shared by the recognition and door-input threads: one drive at a time."""

    def __init__(self, door: DoorOutput) -> None:
        self.door = door
        self._lock = threading.Lock()

    def open(self, person: Admitted | None = None) -> DoorResult:
        with self._lock:
            return self.door.open(person)

    def close(self) -> None:
        with self._lock:
            self.door.close()


@dataclass(frozen=True)
class DoorReport:
    """What the door thread did with one notice (for the kiosk screen)."""

    notice: DoorNotice
    #: The event as logged (None for a signal that is only shown).
    decision: Decision | None = None
    door: DoorResult | None = None
    #: Whether the event is in the log now (False: kept until the log is writable).
    recorded: bool = False


EventsOpener = Callable[[], AbstractContextManager[EventStore]]


@contextmanager
def sqlite_events(path: Path, config: EventsConfig) -> Iterator[EventStore]:
    """The event log on a connection of the calling thread's own."""
    store = SQLiteStore.open(path, config)
    try:
        upkeep.limit_lock_wait(store.connection, BUSY_TIMEOUT_MS)
        yield store.events
    finally:
        store.close()


class DoorDesk:
    """Polls the door inputs on its own thread, logs what they say and opens for the exit
    button; start() and stop() from the thread that owns the kiosk loop."""

    def __init__(self, watch: DoorWatch, door: DoorOutput, open_events: EventsOpener,
                 source_name: str = "door inputs",
                 on_report: Callable[[DoorReport], None] | None = None) -> None:
        self.watch = watch
        self.door = door
        self._open_events = open_events
        self.source_name = source_name
        self._on_report = on_report or (lambda _report: None)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._backlog: Backlog | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="door inputs")
        self._thread.start()

    def stop(self) -> None:
        """End the thread (waits for it: a door drive under way finishes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(10.0, self.watch.poll_s * 2))
            if self._thread.is_alive():
                log.error("the door inputs thread did not end")
        self.watch.close()

    def _run(self) -> None:
        try:
            with self._open_events() as events:
                self._backlog = Backlog(events, FaultClock(float("inf")))
                while not self._stop.wait(self.watch.poll_s):
                    try:
                        self.step()
                    except Exception:  # a driver bug must not end the watch silently
                        log.exception("servicing the door inputs failed")
        except Exception:
            log.exception("the door inputs thread could not open the event log")

    def step(self) -> None:
        """One poll of the inputs and everything it brought (the thread's step)."""
        if self._backlog is None:
            raise RuntimeError("DoorDesk.step() runs on the desk's thread")
        self._backlog.flush()
        self.watch.poll()
        for notice in self.watch.take():
            self._on_report(self._handle(self._backlog, notice))

    def _handle(self, backlog: Backlog, notice: DoorNotice) -> DoorReport:
        if notice.signal in SHOWN_ONLY:
            return DoorReport(notice)
        exit_request = notice.signal is DoorSignal.EXIT_REQUEST
        decision = Decision(Outcome.EXIT if exit_request else Outcome.ALARM, notice.at,
                            detail=notice.detail)
        event_id = backlog.record(decision, None, self.source_name, awaiting_door=exit_request)
        if not exit_request:
            log.warning("%s: %s", notice.signal.value, notice.detail)
            if event_id is None:
                backlog.keep(decision, None, self.source_name)
            return DoorReport(notice, decision, None, event_id is not None)
        door = self._drive()
        log.info("exit request: %s", door.detail)
        if event_id is not None:
            backlog.answer(event_id, door)
        else:
            # Free egress: opened although not yet logged; logged once the store is back.
            decision = replace(decision, detail=f"{decision.detail} (door: {door.detail}; "
                                                "written late, the event log was unavailable)")
        if not door.opened:
            decision = replace(decision, outcome=Outcome.DENIED, reason=door.refusal,
                               detail=door.detail)
        if event_id is None:
            backlog.keep(decision, None, self.source_name)
        return DoorReport(notice, decision, door, event_id is not None)

    def _drive(self) -> DoorResult:
        try:
            return self.door.open(None)
        except Exception as exc:  # a driver bug must neither crash the thread nor open
            log.exception("the door driver failed")
            return DoorResult(False, f"door driver error: {type(exc).__name__}")
