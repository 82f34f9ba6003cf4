"""The door inputs on their own thread: exits and alarms while the camera is gone or stuck."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from tests.access.test_pipeline import build
from turnstile.access.camera import CameraLostError, Frame
from turnstile.access.door import DoorResult, SimulatedDoor
from turnstile.access.doordesk import DoorDesk, DoorReport, LockedDoor, sqlite_events
from turnstile.access.doorinputs import SimulatedInputs
from turnstile.access.doorwatch import DoorMonitor, DoorSignal, DoorWatch
from turnstile.access.pipeline import run
from turnstile.config import CameraConfig, EventsConfig
from turnstile.store import database as storage
from turnstile.store.interfaces import EventStore
from turnstile.store.records import Event
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Admitted, Decision, Outcome

#: Generous: a loaded two-core machine; the waits end as soon as the condition holds.
WAIT_S = 30.0


class LostCamera:
    """A camera that is unplugged: every open fails."""

    name = "lost"

    def frames(self) -> Iterator[Frame]:
        raise CameraLostError("no camera")


class StuckCamera:
    """A camera whose driver hangs: frames() never yields until released."""

    name = "stuck"

    def __init__(self) -> None:
        self.release = threading.Event()

    def frames(self) -> Iterator[Frame]:
        self.release.wait()
        return iter(())


class Reports:
    """The desk's reports, with a wait for the one a test expects."""

    def __init__(self) -> None:
        self.seen: list[DoorReport] = []
        self._cond = threading.Condition()

    def __call__(self, report: DoorReport) -> None:
        with self._cond:
            self.seen.append(report)
            self._cond.notify_all()

    def wait_for(self, signal: DoorSignal) -> DoorReport:
        with self._cond:
            assert self._cond.wait_for(lambda: any(r.notice.signal is signal
                                                   for r in self.seen), WAIT_S), self.seen
            return next(r for r in self.seen if r.notice.signal is signal)


def _events(db: Path) -> list[Event]:
    store = SQLiteStore.open(db)
    try:
        return list(reversed(store.events.recent(10)))
    finally:
        store.close()


def _wait_for_events(db: Path) -> list[Event]:
    """The event log once it has something in it (within WAIT_S)."""
    pause = threading.Event()
    for _ in range(int(WAIT_S / 0.05)):
        events = _events(db)
        if events:
            return events
        pause.wait(0.05)
    raise AssertionError("nothing was written")


@contextmanager
def _kiosk_loop(db: Path, door: LockedDoor, camera: LostCamera | StuckCamera) -> Iterator[None]:
    """The recognition loop on its thread (and connection), over a camera that never gives
    a frame."""
    stop, started = threading.Event(), threading.Event()

    def loop() -> None:
        conn = storage.connect(db)
        try:
            pipeline = build(conn, door)
            started.set()
            run(camera, pipeline, lambda _r: None, camera=CameraConfig(reconnect_s=0.05),
                stop=stop)
        finally:
            conn.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    assert started.wait(WAIT_S)
    try:
        yield
    finally:
        stop.set()
        if isinstance(camera, StuckCamera):
            camera.release.set()
        thread.join(WAIT_S)
    assert not thread.is_alive()


def _desk(db: Path, door: LockedDoor, reports: Reports,
          opener: Callable[[], AbstractContextManager[EventStore]] | None = None,
          ) -> tuple[DoorDesk, SimulatedInputs]:
    inputs = SimulatedInputs()
    watch = DoorWatch(inputs, DoorMonitor(held_open_s=30, pulse_s=1), poll_s=0.02)
    desk = DoorDesk(watch, door, opener or (lambda: sqlite_events(db, EventsConfig())),
                    on_report=reports)
    return desk, inputs


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.db"
    storage.connect(path).close()
    return path


@pytest.mark.parametrize("camera", [LostCamera, StuckCamera])
def test_an_exit_press_is_logged_and_opens_while_the_camera_gives_nothing(
        db: Path, camera: type[LostCamera] | type[StuckCamera]) -> None:
    relay = SimulatedDoor()
    door, reports = LockedDoor(relay), Reports()
    desk, inputs = _desk(db, door, reports)
    with _kiosk_loop(db, door, camera()):
        desk.start()
        try:
            inputs.exit_pressed = True
            report = reports.wait_for(DoorSignal.EXIT_REQUEST)
        finally:
            desk.stop()
    assert relay.pulses == 1 and report.recorded
    assert report.door is not None and report.door.opened
    exits = [e for e in _events(db) if e.outcome is Outcome.EXIT]
    assert [(e.detail, e.door) for e in exits] == [("exit button pressed", "simulated pulse 1 s")]


def test_a_forced_door_is_logged_while_the_camera_is_lost(db: Path) -> None:
    relay = SimulatedDoor()
    door, reports = LockedDoor(relay), Reports()
    desk, inputs = _desk(db, door, reports)
    with _kiosk_loop(db, door, LostCamera()):
        desk.start()
        try:
            inputs.door_open = True
            reports.wait_for(DoorSignal.FORCED_OPEN)
            inputs.door_open = False
            reports.wait_for(DoorSignal.SECURED)
        finally:
            desk.stop()
    assert relay.pulses == 0
    assert [(e.outcome, e.detail.split(" (")[0]) for e in _events(db)] == [
        (Outcome.ALARM, "door forced open")]


def test_a_board_that_stops_answering_is_logged_and_its_return_shown(db: Path) -> None:
    reports = Reports()
    desk, inputs = _desk(db, LockedDoor(SimulatedDoor()), reports)
    inputs.failure = OSError("no answer")
    desk.start()
    try:
        lost = reports.wait_for(DoorSignal.INPUTS_LOST)
        inputs.failure = None
        back = reports.wait_for(DoorSignal.INPUTS_BACK)
    finally:
        desk.stop()
    assert lost.recorded and back.decision is None
    assert [(e.outcome, e.detail) for e in _events(db)] == [
        (Outcome.ALARM, "door inputs are not answering: no answer")]


class FlakyEvents:
    """The real event log, failing to record while `broken` (a full disk, a locked file)."""

    def __init__(self, events: EventStore) -> None:
        self.events = events
        self.broken = True

    def record(self, decision: Decision, door: DoorResult | None = None,
               thumbnail: bytes | None = None, source: str = "", *,
               awaiting_door: bool = False) -> int:
        if self.broken:
            raise sqlite3.OperationalError("disk I/O error")
        return self.events.record(decision, door, thumbnail, source,
                                  awaiting_door=awaiting_door)

    def answer_door(self, event_id: int, door: DoorResult) -> None:
        self.events.answer_door(event_id, door)


def test_egress_opens_when_the_log_cannot_be_written_and_is_logged_later(db: Path) -> None:
    relay, reports = SimulatedDoor(), Reports()
    flaky: list[FlakyEvents] = []

    @contextmanager
    def opener() -> Iterator[EventStore]:
        with sqlite_events(db, EventsConfig()) as events:
            flaky.append(FlakyEvents(events))
            yield flaky[0]  # type: ignore[misc]  # record and answer_door are all it needs

    desk, inputs = _desk(db, LockedDoor(relay), reports, opener)
    desk.start()
    try:
        inputs.exit_pressed = True
        report = reports.wait_for(DoorSignal.EXIT_REQUEST)
        assert relay.pulses == 1 and not report.recorded
        flaky[0].broken = False
        # The desk writes what it kept as soon as the log takes it again.
        events = _wait_for_events(db)
    finally:
        desk.stop()
    assert [e.outcome for e in events] == [Outcome.EXIT]
    assert "written late, the event log was unavailable" in events[0].detail


class GateDoor:
    """A door whose open() waits for the test, counting how many drive it at once."""

    def __init__(self) -> None:
        self.inside = self.most = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        self._count = threading.Lock()

    def open(self, person: Admitted | None = None) -> DoorResult:
        with self._count:
            self.inside += 1
            self.most = max(self.most, self.inside)
        self.entered.set()
        self.release.wait(WAIT_S)
        with self._count:
            self.inside -= 1
        return DoorResult(True, "gate")

    def close(self) -> None:
        pass


def test_the_shared_door_is_driven_by_one_thread_at_a_time() -> None:
    gate = GateDoor()
    door = LockedDoor(gate)
    first = threading.Thread(target=door.open)
    second = threading.Thread(target=door.open)
    first.start()
    assert gate.entered.wait(WAIT_S)
    second.start()
    second.join(0.5)  # not a timing check: gives an unlocked second drive time to get in
    assert second.is_alive()
    gate.release.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert gate.most == 1
