"""Watching the door: held-open and forced-open alarms, exit-button requests, from DoorInputs.

`DoorMonitor` is the pure rule (states and times in, notices out); `DoorWatch` reads the
inputs and queues the notices; access/doordesk.py polls it on a thread of its own, logs the
alarms and opens the door for the exit button, whatever the camera is doing.
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
    #: The board answers again after INPUTS_LOST (shown, not logged as an event).
    INPUTS_BACK = "inputs_back"
    #: The door closed after a forced-open or held-open alarm (shown, not logged).
    SECURED = "secured"


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
        #: A forced-open or held-open alarm is standing until the door closes.
        self._alarmed = False

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
            if not self._alarmed:
                return []
            self._alarmed = False
            return [DoorNotice(DoorSignal.SECURED, at, "door closed again")]
        if self._opened_at is None:
            self._opened_at = at
            if self._allowed_until is None or at > self._allowed_until:
                self._alarmed = True
                return [DoorNotice(DoorSignal.FORCED_OPEN, at,
                                   "door forced open (opened without a grant or exit request)")]
            self._allowed_until = None  # one opening per grant
            return []
        if not self._held_reported and at - self._opened_at >= self.held_open:
            self._held_reported = self._alarmed = True
            seconds = (at - self._opened_at).total_seconds()
            return [DoorNotice(DoorSignal.HELD_OPEN, at,
                               f"door held open for {seconds:.0f} s (limit "
                               f"{self.held_open.total_seconds():g} s)")]
        return []


class DoorWatch:
    """Reads DoorInputs and queues what they mean; `poll()` is one read, `take()` the
    notices (access/doordesk.py calls both on its thread; tests call them directly)."""

    def __init__(self, inputs: DoorInputs, monitor: DoorMonitor, poll_s: float,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.inputs = inputs
        self.monitor = monitor
        self.poll_s = poll_s
        self._clock = clock
        self._notices: queue.SimpleQueue[DoorNotice] = queue.SimpleQueue()
        self._failures = 0

    def poll(self) -> None:
        """One read of the inputs."""
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
            self._notices.put(DoorNotice(DoorSignal.INPUTS_BACK, now, "door inputs answer again"))
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

    def close(self) -> None:
        self.inputs.close()


def build_watch(config: DoorConfig, inputs: DoorInputs | None) -> DoorWatch | None:
    if inputs is None:
        return None
    return DoorWatch(inputs, DoorMonitor(config.held_open_s, config.pulse_s),
                     config.input_poll_s)
