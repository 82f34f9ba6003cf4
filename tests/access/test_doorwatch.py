"""Held-open and forced-open alarms and the exit button, with the simulated inputs."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from tests.access.test_pipeline import Script, build, run_script
from turnstile.access.door import SimulatedDoor
from turnstile.access.doorinputs import InputState, SimulatedInputs
from turnstile.access.doorwatch import LOST_AFTER, DoorMonitor, DoorSignal, DoorWatch
from turnstile.access.pipeline import Pipeline
from turnstile.types import Outcome

T0 = datetime(2026, 3, 2, 9, 0)
CLOSED, OPEN = InputState(False, False), InputState(True, False)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _signals(monitor: DoorMonitor, steps: list[tuple[float, InputState]]) -> list[
        tuple[float, DoorSignal]]:
    seen = []
    for seconds, state in steps:
        notices = monitor.update(state, _at(seconds))
        seen += [((n.at - T0).total_seconds(), n.signal) for n in notices]
    return seen


def test_opening_without_a_grant_is_forced() -> None:
    monitor = DoorMonitor(held_open_s=30, pulse_s=1)
    assert _signals(monitor, [(0, CLOSED), (1, OPEN), (2, OPEN), (3, CLOSED), (4, CLOSED)]) == [
        (1, DoorSignal.FORCED_OPEN), (3, DoorSignal.SECURED)]


def test_opening_after_a_grant_is_fine_but_only_once_and_only_soon() -> None:
    monitor = DoorMonitor(held_open_s=30, pulse_s=1)
    monitor.authorise(_at(0))
    # Through and closed; a second opening on the same grant is forced.
    assert _signals(monitor, [(2, OPEN), (4, CLOSED), (5, OPEN)]) == [(5, DoorSignal.FORCED_OPEN)]
    monitor.authorise(_at(10))
    assert _signals(monitor, [(10, CLOSED), (20, OPEN)]) == [
        (10, DoorSignal.SECURED), (20, DoorSignal.FORCED_OPEN)]


def test_held_open_past_the_limit_alarms_once_per_opening() -> None:
    monitor = DoorMonitor(held_open_s=30, pulse_s=1)
    monitor.authorise(_at(0))
    steps = [(1, OPEN), (20, OPEN), (30.5, OPEN), (31, OPEN), (60, OPEN), (61, CLOSED)]
    assert _signals(monitor, steps) == [(31, DoorSignal.HELD_OPEN), (61, DoorSignal.SECURED)]
    monitor.authorise(_at(70))
    assert _signals(monitor, [(71, OPEN), (102, OPEN)]) == [(102, DoorSignal.HELD_OPEN)]


def test_the_exit_button_requests_once_per_press_and_authorises_the_opening() -> None:
    monitor = DoorMonitor(held_open_s=30, pulse_s=1)
    pressed = InputState(False, True)
    steps = [(0, pressed), (0.2, pressed), (0.4, InputState(True, True)), (1, OPEN),
             (3, CLOSED), (4, pressed)]
    assert _signals(monitor, steps) == [(0, DoorSignal.EXIT_REQUEST), (4, DoorSignal.EXIT_REQUEST)]


def test_unwired_inputs_raise_nothing() -> None:
    monitor = DoorMonitor(held_open_s=1, pulse_s=1)
    assert _signals(monitor, [(0, InputState(None, None)), (100, InputState(None, None))]) == []


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_the_watch_reports_inputs_lost_once_and_recovers() -> None:
    inputs, clock = SimulatedInputs(), Clock()
    watch = DoorWatch(inputs, DoorMonitor(30, 1), 0.1, clock)
    inputs.failure = OSError("no answer")
    for _ in range(LOST_AFTER * 3):
        watch.poll()
    assert [n.signal for n in watch.take()] == [DoorSignal.INPUTS_LOST]
    inputs.failure = None
    inputs.door_open = True
    watch.poll()
    assert [n.signal for n in watch.take()] == [DoorSignal.INPUTS_BACK, DoorSignal.FORCED_OPEN]
    assert watch.take() == []


def _pipeline(conn: sqlite3.Connection) -> tuple[Pipeline, SimulatedInputs, DoorWatch,
                                                 SimulatedDoor]:
    door = SimulatedDoor()
    pipeline = build(conn, door)
    inputs, clock = SimulatedInputs(), Clock()
    watch = DoorWatch(inputs, DoorMonitor(30, 1), 0.1, clock)
    pipeline.door_watch = watch
    return pipeline, inputs, watch, door


def test_a_grant_authorises_the_door_opening_after_it(conn: sqlite3.Connection) -> None:
    pipeline, inputs, watch, door = _pipeline(conn)
    # Alice is granted (as in test_pipeline's scripts); then the door opens.
    seen = run_script(pipeline, Script([0, 1, 1, 1, 1]))
    assert any(r.decision.outcome is Outcome.GRANTED for r in seen) and door.pulses == 1
    inputs.door_open = True
    watch.poll()
    assert watch.take() == []
