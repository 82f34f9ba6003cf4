"""Faults inside the kiosk loop: contained per frame, recorded before the door, bounded memory."""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from tests.access.test_pipeline import Script, build, run_script
from turnstile.access.camera import Frame
from turnstile.access.door import DoorResult, SimulatedDoor
from turnstile.access.eventqueue import RETRY_S
from turnstile.access.health import ServiceFaultError
from turnstile.access.pipeline import run
from turnstile.config import CameraConfig, Config
from turnstile.store import database as storage
from turnstile.store.sqlite.events import EventLog
from turnstile.types import Admitted, DenyReason, Embedding, Match, Outcome

ALICE = [1] * 4 + [0] * 25  # one grant (agreement 3), then she leaves past the cooldown


def events(conn: sqlite3.Connection) -> list[tuple[str, str | None, str]]:
    """(outcome, reason, door) of every event, oldest first."""
    return [(e.outcome.value, e.reason.value if e.reason else None, e.door)
            for e in reversed(EventLog(conn, Config().events).recent(10_000))
            if not e.detail.startswith("f")]  # the rows that filled the disk


@pytest.fixture
def site(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A real database file (the lock and full-disk faults need one)."""
    conn = storage.connect(tmp_path / "site.db")
    conn.execute("PRAGMA busy_timeout = 50")
    yield conn
    conn.close()


def test_a_grant_is_recorded_before_the_door_and_gets_its_answer(site: sqlite3.Connection
                                                                  ) -> None:
    opened_with: list[list[tuple[str, str | None, str]]] = []

    class WatchingDoor(SimulatedDoor):
        def open(self, person: Admitted | None = None) -> DoorResult:
            opened_with.append(events(site))  # what the log held when the door was driven
            return super().open(person)

    run_script(build(site, door=WatchingDoor()), Script(ALICE))
    assert opened_with == [[("granted", None, "awaiting the door")]]
    assert events(site) == [("granted", None, "simulated pulse 1 s")]


def test_a_writer_holding_the_lock_keeps_the_door_shut_and_the_outcome_is_logged_later(
        site: sqlite3.Connection, tmp_path: Path) -> None:
    door = SimulatedDoor()
    pipeline = build(site, door=door)
    holder = sqlite3.connect(tmp_path / "site.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    seen = run_script(pipeline, Script(ALICE))
    finals = [r.decision for r in seen if r.final]
    assert [(d.outcome, d.reason) for d in finals] == [(Outcome.DENIED, DenyReason.NOT_RECORDED)]
    assert door.pulses == 0 and events(site) == []
    holder.execute("ROLLBACK")
    holder.close()
    # The store is back: a frame after the retry pause writes the refusal it showed.
    time.sleep(RETRY_S + 0.1)
    run_script(pipeline, Script([0, 0]))
    assert events(site) == [("denied", "not_recorded", "")]


def test_a_full_disk_keeps_the_door_shut_and_the_loop_running(site: sqlite3.Connection) -> None:
    door = SimulatedDoor()
    pipeline = build(site, door=door)
    fill_disk(site)
    seen = run_script(pipeline, Script(ALICE * 2))
    finals = [r.decision for r in seen if r.final]
    assert [d.reason for d in finals] == [DenyReason.NOT_RECORDED] * 2
    assert door.pulses == 0 and len(seen) == len(ALICE) * 2
    site.execute("PRAGMA max_page_count = 1073741823")
    time.sleep(3 * RETRY_S + 0.1)  # past the retry pause (doubled by the second failure)
    run_script(pipeline, Script([0]))
    assert [e[1] for e in events(site)] == ["not_recorded", "not_recorded"]


class Endless:
    """Alice in view for ever (frames made as they are read: nothing kept)."""

    name = "endless"

    def frames(self) -> Iterator[Frame]:
        start = Script([1]).frames_[0]
        for index in range(10**9):
            yield Frame(start.image, index, index / 10.0,
                        start.at + timedelta(seconds=index / 10.0))


def fill_disk(conn: sqlite3.Connection) -> None:
    """SQLite's own disk-full simulation: cap the pages, then use up the last ones."""
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.execute(f"PRAGMA max_page_count = {pages + 4}")
    for size in (2000, 200, 1):  # fill every page of the events table and its indexes
        with pytest.raises(sqlite3.OperationalError, match="full"):
            for _ in range(10_000):
                conn.execute("INSERT INTO events (at, outcome, detail) VALUES "
                             "('2000-01-01', 'unknown', ?)", ("f" * size,))


class FlakyMatch:
    """Raises `error` on the first `failures` lookups, then answers."""

    def __init__(self, inner: Callable[[Embedding], Match], failures: int,
                 error: Exception) -> None:
        self.inner, self.failures, self.error = inner, failures, error

    def __call__(self, vector: Embedding) -> Match:
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        return self.inner(vector)


def test_a_transient_database_error_costs_frames_not_the_loop(site: sqlite3.Connection) -> None:
    pipeline = build(site)
    pipeline.gallery.match = FlakyMatch(  # type: ignore[method-assign,assignment]
        pipeline.gallery.match, 3, sqlite3.OperationalError("database is locked"))
    script = [1] * 3 + ALICE
    summary = run(Script(script), pipeline, lambda r: None, camera=CameraConfig())
    assert summary.faults == 3 and summary.frames == len(script) - 3
    assert summary.outcomes == {Outcome.GRANTED: 1}
    assert events(site) == [("granted", None, "simulated pulse 1 s")]


def test_a_persistent_fault_ends_the_run_for_a_restart(site: sqlite3.Connection) -> None:
    pipeline = build(site)
    pipeline.health.limit_s = 0.3
    pipeline.gallery.match = FlakyMatch(  # type: ignore[method-assign,assignment]
        pipeline.gallery.match, 10**9, sqlite3.DatabaseError("database disk image is malformed"))
    started = time.monotonic()
    with pytest.raises(ServiceFaultError, match="malformed"):
        run(Endless(), pipeline, lambda r: None, camera=CameraConfig())
    # Gives up after the limit plus at most one retry pause (generous for a busy machine).
    assert time.monotonic() - started < 0.3 + 2.0 + 3.0
    assert events(site) == []


def test_a_door_driver_that_raises_is_a_logged_refusal(site: sqlite3.Connection) -> None:
    class Overflowing(SimulatedDoor):
        def open(self, person: Admitted | None = None) -> DoorResult:
            raise OverflowError("timeout value is too large")

    seen = run_script(build(site, door=Overflowing()), Script([*ALICE, 0]))
    assert [r.decision.reason for r in seen if r.final] == [DenyReason.DOOR_FAILED]
    assert events(site) == [("denied", "door_failed", "door driver error: OverflowError")]
    assert len(seen) == len(ALICE) + 1


def test_a_run_keeps_no_frames_only_counters(conn: sqlite3.Connection) -> None:
    """Memory stays flat however many decisions a run makes (it used to keep every frame)."""
    pipeline = build(conn)
    script = Script(([1, 1, 1, 1] + [0] * 25) * 25)

    class Big:
        """640x480 frames, as a kiosk camera gives them, made as they are read."""

        name = "big"

        def frames(self) -> Iterator[Frame]:
            for frame in script.frames_:
                yield Frame(np.full((480, 640, 3), frame.image[0, 0, 0], np.uint8),
                            frame.index, frame.time_s, frame.at)

    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        summary = run(Big(), pipeline, lambda r: None, camera=CameraConfig())
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert summary.outcomes[Outcome.GRANTED] >= 20
    # Each kept decision held its 0.9 MiB frame; counters are a few hundred bytes.
    assert grown < 2 * 1024 * 1024


def test_stop_is_heard_during_a_fault_pause(site: sqlite3.Connection) -> None:
    pipeline = build(site)
    pipeline.gallery.match = FlakyMatch(  # type: ignore[method-assign,assignment]
        pipeline.gallery.match, 10**9, sqlite3.OperationalError("database is locked"))
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    summary = run(Endless(), pipeline, lambda r: None, camera=CameraConfig(),
                  stop=stop)
    assert summary.faults >= 2 and summary.frames == 0
