"""Watching the door: held-open and forced-open alarms, exit-button requests, from DoorInputs.

`DoorMonitor` is the pure rule (states and times in, notices out); `DoorWatch` polls the
inputs on its own thread and queues the notices for the kiosk loop, which logs them (and, for
an exit request, records then opens the door) on its own database connection.
"""

from __future__ import annotations

import enum
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from turnstile.access.doorinputs import DoorInputs, InputState
from turnstile.config import DoorConfig

log = logging.getLogger(__name__)

#: After a grant or exit the door may open within the pulse plus this (a slow push, a late
#: contact read); an opening later than that is forced.
OPEN_GRACE_S = 5.0
#: Reads in a row that fail before the watch reports the inputs lost (once).
LOST_AFTER = 5


class DoorSignal(enum.Enum):
    """What the watch tells the kiosk loop."""

    #: Opened without a grant or an exit request.
    FORCED_OPEN = "forced_open"
    #: Still open door.held_open_s after it opened.
    HELD_OPEN = "held_open"
    #: The exit button was pressed: open the door from inside.
    EXIT_REQUEST = "exit_request"
    #: The board stopped answering: alarms cannot be raised until it does again.
    INPUTS_LOST = "inputs_lost"


@dataclass(frozen=True)
class DoorNotice:
    signal: DoorSignal
    at: datetime
    detail: str


class DoorMonitor:
    """The door contact and exit button over time; thread-safe."""

    def __init__(self, held_open_s: float, pulse_s: float) -> None:
        self.held_open = timedelta(seconds=held_open_s)
        self.open_window = timedelta(seconds=max(pulse_s, 1.0) + OPEN_GRACE_S)
        self._lock = threading.Lock()
        self._allowed_until: datetime | None = None
        self._opened_at: datetime | None = None
        self._held_reported = False
        self._pressed = False

    def authorise(self, at: datetime) -> None:
        """The door was opened on purpose at `at` (a grant, a visitor, an exit)."""
        with self._lock:
            self._allowed_until = at + self.open_window

    def update(self, state: InputState, at: datetime) -> list[DoorNotice]:
        with self._lock:
            notices = self._exit(state, at)
            if state.door_open is not None:
                notices += self._contact(state.door_open, at)
            return notices

    def _exit(self, state: InputState, at: datetime) -> list[DoorNotice]:
        pressed = bool(state.exit_pressed)
        rising = pressed and not self._pressed
        self._pressed = pressed
        if not rising:
            return []
        # Authorised at once: someone pushing the door right after pressing is no intruder.
        self._allowed_until = at + self.open_window
        return [DoorNotice(DoorSignal.EXIT_REQUEST, at, "exit button pressed")]

    def _contact(self, door_open: bool, at: datetime) -> list[DoorNotice]:
        if not door_open:
            self._opened_at, self._held_reported = None, False
            return []
        if self._opened_at is None:
            self._opened_at = at
            if self._allowed_until is None or at > self._allowed_until:
                return [DoorNotice(DoorSignal.FORCED_OPEN, at,
                                   "door forced open (opened without a grant or exit request)")]
            self._allowed_until = None  # one opening per grant
            return []
        if not self._held_reported and at - self._opened_at >= self.held_open:
            self._held_reported = True
            seconds = (at - self._opened_at).total_seconds()
            return [DoorNotice(DoorSignal.HELD_OPEN, at,
                               f"door held open for {seconds:.0f} s (limit "
                               f"{self.held_open.total_seconds():g} s)")]
        return []


class DoorWatch:
    """Polls DoorInputs on a thread; the kiosk loop takes the notices with `take()`."""

    def __init__(self, inputs: DoorInputs, monitor: DoorMonitor, poll_s: float,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.inputs = inputs
        self.monitor = monitor
        self.poll_s = poll_s
        self._clock = clock
        self._notices: queue.SimpleQueue[DoorNotice] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0

    def poll(self) -> None:
        """One read of the inputs (the thread's step; tests call it directly)."""
        now = self._clock()
        try:
            state = self.inputs.read()
        except OSError as exc:
            self._failures += 1
            if self._failures == LOST_AFTER:
                log.error("door inputs are not answering: %s", exc)
                self._notices.put(DoorNotice(DoorSignal.INPUTS_LOST, now,
                                             f"door inputs are not answering: {exc}"))
            return
        if self._failures >= LOST_AFTER:
            log.warning("door inputs answer again")
        self._failures = 0
        for notice in self.monitor.update(state, now):
            self._notices.put(notice)

    def authorise(self) -> None:
        self.monitor.authorise(self._clock())

    def take(self) -> list[DoorNotice]:
        """Every notice queued since the last call, oldest first."""
        taken: list[DoorNotice] = []
        while True:
            try:
                taken.append(self._notices.get_nowait())
            except queue.Empty:
                return taken

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="door inputs")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.poll()
            except Exception:  # a driver bug must not end the watch silently
                log.exception("reading the door inputs failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(2.0, self.poll_s * 2))
        self.inputs.close()


def build_watch(config: DoorConfig, inputs: DoorInputs | None) -> DoorWatch | None:
    if inputs is None:
        return None
    return DoorWatch(inputs, DoorMonitor(config.held_open_s, config.pulse_s),
                     config.input_poll_s)
