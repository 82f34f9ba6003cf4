"""The kiosk's pass check: the gate on scripted codes, and passes through the real loop."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from tests.access.test_pipeline import BrokenDoor, Script, build, run_script
from turnstile.access.door import SimulatedDoor
from turnstile.access.passcode import PassClaims, PassStatus, encode
from turnstile.access.passes import PassGate
from turnstile.store.passes import PassBook
from turnstile.types import DenyReason, Image, Outcome, PendingReason

KEY = bytes(range(32))
EPOCH = datetime(2026, 3, 2, 9, 0)  # the scripted frames' clock (tests.access.test_pipeline)


class ScriptReader:
    """Reads the code whose number the frame's second pixel holds (0: no code)."""

    def __init__(self, codes: dict[int, str]) -> None:
        self.codes = codes
        self.reads = 0

    def read(self, image: Image) -> str | None:
        self.reads += 1
        return self.codes.get(int(image[0, 1, 0]))


def _pass(book: PassBook, hours: float = 8, start: datetime = EPOCH - timedelta(hours=1),
          name: str = "Zoë") -> str:
    record = book.issue(name, "", "", start, start + timedelta(hours=hours), "test", start)
    return encode(PassClaims(record.id, record.visitor, record.valid_from, record.valid_until),
                  KEY)


def _frame(code: int, who: int = 0) -> Image:
    image = np.full((200, 200, 3), who, np.uint8)
    image[0, 1] = code
    return image


def _gate(conn: sqlite3.Connection, codes: dict[int, str], **kwargs: object) -> PassGate:
    return PassGate(KEY, PassBook(conn), ScriptReader(codes), **kwargs)  # type: ignore[arg-type]


def test_a_valid_pass_is_a_visitor_decision(conn: sqlite3.Connection) -> None:
    code = _pass(PassBook(conn))
    decision = _gate(conn, {1: code}).look(_frame(1), EPOCH, 0)
    assert decision is not None and decision.outcome is Outcome.VISITOR
    assert decision.visitor is not None and decision.visitor.name == "Zoë"
    assert decision.detail == f"visitor pass {decision.visitor.pass_id}"


def test_no_code_leaves_the_frame_to_the_faces(conn: sqlite3.Connection) -> None:
    assert _gate(conn, {}).look(_frame(0), EPOCH, 0) is None


def test_other_qr_codes_are_ignored(conn: sqlite3.Connection) -> None:
    assert _gate(conn, {1: "https://example.org"}).look(_frame(1), EPOCH, 0) is None


def test_only_every_nth_frame_is_scanned(conn: sqlite3.Connection) -> None:
    gate = _gate(conn, {}, scan_every=3)
    for index in range(9):
        gate.look(_frame(0), EPOCH, index)
    assert isinstance(gate._reader, ScriptReader) and gate._reader.reads == 3


def test_a_pass_held_up_is_decided_once(conn: sqlite3.Connection) -> None:
    gate = _gate(conn, {1: _pass(PassBook(conn))}, hold_s=2.0, scan_every=1)
    first = gate.look(_frame(1), EPOCH, 0)
    later = [gate.look(_frame(1), EPOCH + timedelta(seconds=s), i)
             for i, s in enumerate((0.5, 1.5, 3.0, 4.5), start=1)]
    assert first is not None and first.outcome is Outcome.VISITOR
    assert all(d is not None and d.outcome is Outcome.PENDING
               and d.pending is PendingReason.RECENTLY_DECIDED for d in later)
    # Lowered for longer than hold_s, it is decided afresh.
    again = gate.look(_frame(1), EPOCH + timedelta(seconds=7), 9)
    assert again is not None and again.outcome is Outcome.VISITOR


def test_revoked_expired_and_early_passes_are_refused_with_their_reason(
        conn: sqlite3.Connection) -> None:
    book = PassBook(conn)
    revoked = _pass(book)
    book.revoke(book.all()[0].id, "test", EPOCH)
    expired = _pass(book, hours=1, start=EPOCH - timedelta(hours=2))
    early = _pass(book, start=EPOCH + timedelta(hours=1))
    gate = _gate(conn, {}, scan_every=1)
    reasons = {text: gate.decide(text, EPOCH) for text in (revoked, expired, early)}
    assert [(d.outcome, d.reason) for d in reasons.values()] == [
        (Outcome.DENIED, DenyReason.PASS_REVOKED), (Outcome.DENIED, DenyReason.PASS_EXPIRED),
        (Outcome.DENIED, DenyReason.PASS_NOT_YET_VALID)]
    assert all(d.visitor is not None and d.visitor.name == "Zoë" for d in reasons.values())


def test_a_forged_pass_names_nobody(conn: sqlite3.Connection) -> None:
    book = PassBook(conn)
    record = book.issue("Zoë", "", "", EPOCH, EPOCH + timedelta(hours=1), "t", EPOCH)
    forged = encode(PassClaims(record.id, "Mallory", record.valid_from, record.valid_until),
                    bytes(32))
    decision = _gate(conn, {}).decide(forged, EPOCH)
    assert decision.reason is DenyReason.PASS_FORGED and decision.visitor is None


def test_uses_are_limited_by_max_uses(conn: sqlite3.Connection) -> None:
    code = _pass(PassBook(conn))
    assert _gate(conn, {}, max_uses=2).verify(code, EPOCH).status is PassStatus.VALID


def _codes(results: Sequence[object]) -> list[tuple[str, str | None]]:
    return [(r.decision.outcome.value, r.decision.reason.value  # type: ignore[attr-defined]
             if r.decision.reason else None) for r in results if r.final]  # type: ignore[attr-defined]


class CodeScript(Script):
    """Scripted frames (who, code): the code's number goes into the second pixel."""

    def __init__(self, script: Sequence[tuple[int, int]]) -> None:
        super().__init__([who for who, _ in script])
        for frame, (_, code) in zip(self.frames_, script, strict=True):
            frame.image[0, 1] = code


def test_through_the_loop_a_pass_is_recorded_then_opens_once(conn: sqlite3.Connection) -> None:
    door = SimulatedDoor()
    pipeline = build(conn, door)
    code = _pass(PassBook(conn))
    pipeline.passes = _gate(conn, {1: code}, scan_every=1, hold_s=2.0, max_uses=1)
    # Shown for a second, lowered, then shown again after 5 s: single use, so refused.
    script = [(0, 1)] * 10 + [(0, 0)] * 50 + [(0, 1)] * 5
    seen = run_script(pipeline, CodeScript(script))
    assert _codes(seen) == [("visitor", None), ("denied", "pass_used_up")]
    assert door.pulses == 1
    events = pipeline.events.recent(10)
    assert [(e.outcome, e.pass_id, e.name) for e in events] == [
        (Outcome.DENIED, 1, "Zoë"), (Outcome.VISITOR, 1, "Zoë")]
    assert events[1].door.startswith("simulated pulse")


def test_a_pass_in_view_keeps_the_face_of_its_visitor_from_being_refused(
        conn: sqlite3.Connection) -> None:
    pipeline = build(conn)
    pipeline.passes = _gate(conn, {1: _pass(PassBook(conn))}, scan_every=2, hold_s=2.0)
    # A stranger (3) holds the pass up: the pass decides, the face is not called unknown.
    seen = run_script(pipeline, CodeScript([(3, 1)] * 12))
    assert _codes(seen) == [("visitor", None)]


def test_a_visitor_grant_whose_door_fails_is_a_refusal(conn: sqlite3.Connection) -> None:
    door = BrokenDoor()
    pipeline = build(conn, door)
    pipeline.passes = _gate(conn, {1: _pass(PassBook(conn))}, scan_every=1)
    seen = run_script(pipeline, CodeScript([(0, 1)] * 3))
    assert _codes(seen) == [("denied", "door_failed")] and door.calls == 1
    event = pipeline.events.recent(1)[0]
    assert event.reason is DenyReason.DOOR_FAILED and event.pass_id == 1
    # A door that did not open is not a use of the pass.
    assert PassBook(conn).uses(1) == 0
