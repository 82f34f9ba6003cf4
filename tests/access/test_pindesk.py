"""The PIN desk in the kiosk loop: PIN alone, face and PIN, record-then-open, no Qt."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import pytest

from tests.access.test_pin import CHEAP, T0
from tests.access.test_pipeline import VECTORS, ScriptDetector, ScriptEmbedder, frames
from turnstile.access.camera import Frame
from turnstile.access.door import DoorResult, SimulatedDoor
from turnstile.access.liveness.verdict import AssumeLive
from turnstile.access.pindesk import PinDesk, PinEntry, PinInbox, PinSetup
from turnstile.access.pipeline import FrameResult, Pipeline
from turnstile.access.schedule import Directory
from turnstile.config import Config, PolicyConfig
from turnstile.configlinks import PinConfig
from turnstile.store.gallery import Gallery
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Admitted, Credential, Decision, DenyReason, Outcome
from turnstile.vision.engine import Engine

ALICE_PIN = "482915"


class WatchedDoor(SimulatedDoor):
    """Records how many events the log held when it was opened (record, then open)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self.conn = conn
        self.events_at_open: list[int] = []
        self.admitted: list[Admitted | None] = []

    def open(self, person: Admitted | None = None) -> DoorResult:
        self.events_at_open.append(self.conn.execute("SELECT count(*) FROM events")
                                   .fetchone()[0])
        self.admitted.append(person)
        return super().open(person)


def setup(conn: sqlite3.Connection, pin: PinConfig) -> tuple[Pipeline, PinInbox, WatchedDoor]:
    store = SQLiteStore(conn)
    gallery = Gallery(store, "script", 4)
    for name, number in (("Alice", "1001"), ("Bob", "1002")):
        person = store.people.add(name, number)
        store.templates.add(person.id, "script", 4,
                            [NewTemplate(np.array(VECTORS[person.id], np.float32))])
    store.pins.set(1, CHEAP.hash(ALICE_PIN), T0)
    config = Config(policy=PolicyConfig(agreement_frames=2, cooldown_s=2.0), pin=pin)
    inbox = PinInbox()
    door = WatchedDoor(conn)
    pipeline = Pipeline.build(config, _engine(), gallery, door, AssumeLive(),
                              pins=PinSetup(store.pins, CHEAP, inbox))
    return pipeline, inbox, door


def _engine() -> Engine:
    return Engine(ScriptDetector(), ScriptEmbedder())


def play(pipeline: Pipeline, script: Sequence[int], start: int = 0) -> list[FrameResult]:
    shots = frames([0] * start + list(script))[start:]
    return [pipeline.process(f) for f in shots]


def final(results: Sequence[FrameResult]) -> list[FrameResult]:
    return [r for r in results if r.final]


def later(seconds: float) -> Frame:
    return Frame(np.zeros((200, 200, 3), np.uint8), 0, seconds, T0 + timedelta(seconds=seconds))


def test_pin_alone_grants_after_recording_and_opens(conn: sqlite3.Connection) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(enabled=True))
    inbox.submit(PinEntry(ALICE_PIN, "1001"))
    result = pipeline.process(later(1))
    decision = result.decision
    assert decision.outcome is Outcome.GRANTED and decision.credential is Credential.PIN
    assert decision.match is not None and decision.match.name == "Alice"
    assert door.pulses == 1 and door.events_at_open == [1]
    admitted = door.admitted[0]
    assert admitted is not None and (admitted.person_id, admitted.name) == (1, "Alice")
    event = pipeline.events.recent(1)[0]
    assert (event.outcome, event.person_id, event.similarity) == (Outcome.GRANTED, 1, None)
    assert ALICE_PIN not in event.detail and "employee number 1001" in event.detail
    assert event.door.startswith("simulated pulse")


def test_wrong_pins_are_logged_then_lock_out(conn: sqlite3.Connection) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(enabled=True, max_tries=2))
    outcomes = []
    for i, pin in enumerate(("000001", "000002", ALICE_PIN)):
        inbox.submit(PinEntry(pin, "1001"))
        outcomes.append(pipeline.process(later(i)).decision.reason)
    assert outcomes == [DenyReason.WRONG_PIN, DenyReason.PIN_LOCKED, DenyReason.PIN_LOCKED]
    assert door.pulses == 0
    events = pipeline.events.recent(10)[::-1]
    assert [e.reason for e in events] == outcomes
    assert all(e.person_id == 1 for e in events)
    assert "2 wrong PIN(s) in a row" in events[1].detail


def test_an_unknown_number_is_logged_without_a_person(conn: sqlite3.Connection) -> None:
    pipeline, inbox, _ = setup(conn, PinConfig(enabled=True))
    inbox.submit(PinEntry(ALICE_PIN, "1002"))  # Bob has no PIN
    decision = pipeline.process(later(1)).decision
    assert decision.reason is DenyReason.WRONG_PIN and decision.match is None
    assert pipeline.events.recent(1)[0].detail.endswith("no PIN is set for employee number 1002")


def test_pin_alone_is_refused_when_off(conn: sqlite3.Connection) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(enabled=False))
    inbox.submit(PinEntry(ALICE_PIN, "1001"))
    assert pipeline.process(later(1)).decision.reason is DenyReason.PIN_ALONE
    assert door.pulses == 0


def test_face_and_pin_door_the_face_alone_does_not_open(conn: sqlite3.Connection) -> None:
    pipeline, _, door = setup(conn, PinConfig(face_and_pin=True))
    decided = final(play(pipeline, [1, 1, 1]))
    assert [r.decision.outcome for r in decided] == [Outcome.PIN_REQUIRED]
    assert door.pulses == 0
    assert pipeline.events.recent(1)[0].outcome is Outcome.PIN_REQUIRED


def _asked(pipeline: Pipeline) -> Decision:
    asked = final(play(pipeline, [1, 1]))[0].decision
    assert asked.outcome is Outcome.PIN_REQUIRED
    return asked


def test_face_then_right_pin_opens(conn: sqlite3.Connection) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(face_and_pin=True))
    asked = _asked(pipeline)
    inbox.submit(PinEntry(ALICE_PIN, answers=asked))
    decision = pipeline.process(later(3)).decision
    assert decision.outcome is Outcome.GRANTED
    assert decision.credential is Credential.FACE_AND_PIN
    assert decision.scores == asked.scores  # the face's numbers stay with the grant
    assert door.pulses == 1 and door.events_at_open == [2]


def test_face_then_wrong_pin_denies_counts_and_ends_the_question(conn: sqlite3.Connection
                                                                  ) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(face_and_pin=True))
    asked = _asked(pipeline)
    inbox.submit(PinEntry("000001", answers=asked))
    assert pipeline.process(later(3)).decision.reason is DenyReason.WRONG_PIN
    state = SQLiteStore(conn).pins.state(1)
    assert state is not None and state.failures == 1
    inbox.submit(PinEntry(ALICE_PIN, answers=asked))  # the same question again: spent
    assert pipeline.process(later(4)).decision.reason is DenyReason.PIN_EXPIRED
    assert door.pulses == 0


def test_a_late_pin_is_refused(conn: sqlite3.Connection) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(face_and_pin=True, entry_timeout_s=5.0))
    asked = _asked(pipeline)
    inbox.submit(PinEntry(ALICE_PIN, answers=asked))
    assert pipeline.process(later(30)).decision.reason is DenyReason.PIN_EXPIRED
    assert door.pulses == 0


def test_someone_elses_decision_withdraws_the_question(conn: sqlite3.Connection) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(face_and_pin=True))
    asked = _asked(pipeline)
    assert [r.decision.outcome for r in final(play(pipeline, [2, 2], start=10))] == \
        [Outcome.DENIED]  # Bob needs a PIN too and has none
    inbox.submit(PinEntry(ALICE_PIN, answers=asked))
    assert pipeline.process(later(2)).decision.reason is DenyReason.PIN_EXPIRED
    assert door.pulses == 0


def test_someone_without_a_pin_is_refused_at_a_face_and_pin_door(conn: sqlite3.Connection
                                                                 ) -> None:
    pipeline, _, door = setup(conn, PinConfig(face_and_pin=True))
    decided = final(play(pipeline, [2, 2]))
    assert [r.decision.reason for r in decided] == [DenyReason.NO_PIN]
    assert door.pulses == 0


def test_a_face_and_pin_group_member_may_not_use_the_pin_alone(conn: sqlite3.Connection
                                                               ) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(enabled=True))
    store = SQLiteStore(conn)
    store.groups.set(1, ["Lab"])
    store.pins.set_group("lab", True)
    inbox.submit(PinEntry(ALICE_PIN, "1001"))
    assert pipeline.process(later(1)).decision.reason is DenyReason.PIN_ALONE
    # ... and their face alone asks for the PIN on this ordinary door.
    assert [r.decision.outcome for r in final(play(pipeline, [1, 1], start=30))] == \
        [Outcome.PIN_REQUIRED]
    assert door.pulses == 0


def test_access_rules_still_apply_to_a_right_pin(conn: sqlite3.Connection) -> None:
    pipeline, inbox, door = setup(conn, PinConfig(enabled=True))
    SQLiteStore(conn).people.set_active(1, False)
    inbox.submit(PinEntry(ALICE_PIN, "1001"))
    assert pipeline.process(later(1)).decision.reason is DenyReason.INACTIVE
    assert door.pulses == 0


def test_without_a_pin_store_face_and_pin_fails_shut(conn: sqlite3.Connection) -> None:
    store = SQLiteStore(conn)
    gallery = Gallery(store, "script", 4)
    person = store.people.add("Alice", "1001")
    store.templates.add(person.id, "script", 4, [NewTemplate(np.array(VECTORS[1], np.float32))])
    config = Config(policy=PolicyConfig(agreement_frames=2), pin=PinConfig(face_and_pin=True))
    door = SimulatedDoor()
    pipeline = Pipeline.build(config, _engine(), gallery, door, AssumeLive())
    assert [r.decision.reason for r in final(play(pipeline, [1, 1]))] == [DenyReason.NO_PIN]
    assert door.pulses == 0


def test_the_pin_never_shows_in_an_entry_repr() -> None:
    assert ALICE_PIN not in repr(PinEntry(ALICE_PIN, "1001"))


@pytest.mark.parametrize("number", ["", "E1001", "1" * 20])
def test_numbers_the_keypad_cannot_type_are_refused(conn: sqlite3.Connection,
                                                    number: str) -> None:
    store = SQLiteStore(conn)
    desk = PinDesk(PinConfig(enabled=True), PinSetup(store.pins, CHEAP, PinInbox()),
                   Directory(store))
    decision = desk.decide(PinEntry(ALICE_PIN, number), T0)
    assert decision.outcome is Outcome.DENIED and decision.reason is DenyReason.WRONG_PIN
