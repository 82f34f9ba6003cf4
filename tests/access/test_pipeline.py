"""The kiosk loop on scripted fakes: exact decision sequences, door failure, camera loss."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

import numpy as np
import pytest

from turnstile.access.camera import CameraLostError, Frame
from turnstile.access.door import DoorResult, SimulatedDoor
from turnstile.access.liveness.verdict import AssumeLive, LivenessCheck
from turnstile.access.pipeline import Backoff, CameraState, CameraStatus, FrameResult, Pipeline, run
from turnstile.config import CameraConfig, Config, PolicyConfig
from turnstile.store.gallery import Gallery
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.store.sqlite.events import EventLog
from turnstile.types import (
    Admitted,
    Box,
    DenyReason,
    Embedding,
    Face,
    Image,
    LivenessResult,
    MotionCues,
    Outcome,
    PanelAnswer,
    PendingReason,
    Verdict,
)
from turnstile.vision.engine import Engine

EPOCH = datetime(2026, 3, 2, 9, 0, 0)
#: What a frame shows, written into its first pixel: 0 nobody, 1 Alice, 2 Bob, 3 a stranger.
VECTORS = {1: [1.0, 0.0, 0.0, 0.0], 2: [0.0, 1.0, 0.0, 0.0], 3: [0.0, 0.0, 0.0, 1.0]}
LANDMARKS = ((80.0, 90.0), (120.0, 90.0), (100.0, 110.0), (85.0, 130.0), (115.0, 130.0))


class ScriptDetector:
    def detect(self, image: Image) -> list[Face]:
        if image[0, 0, 0] == 0:
            return []
        return [Face(Box(50, 50, 100, 100), LANDMARKS, 0.99)]


class ScriptEmbedder:
    name = "script"
    dimension = 4
    input_size = 112

    def __init__(self) -> None:
        self.flips: list[bool | None] = []

    def embed(self, crops: Sequence[Image], flip: bool | None = None) -> Embedding:
        self.flips.append(flip)
        # The aligned crop keeps the frame's flat colour, so the script survives alignment.
        return np.array([VECTORS[int(c[56, 56, 0])] for c in crops], np.float32)


def frames(script: Sequence[int], fps: float = 10.0) -> list[Frame]:
    return [Frame(np.full((200, 200, 3), who, np.uint8), i, i / fps,
                  EPOCH + timedelta(seconds=i / fps)) for i, who in enumerate(script)]


class Script:
    """A CameraSource over scripted frames; `lose_after` frames raise CameraLostError once."""

    name = "script"

    def __init__(self, script: Sequence[int], lose_after: int | None = None) -> None:
        self.frames_ = frames(script)
        self.lose_after = lose_after
        self.opened = 0

    def frames(self) -> Iterator[Frame]:
        self.opened += 1
        for frame in self.frames_:
            if self.lose_after is not None and frame.index == self.lose_after:
                self.lose_after = None
                raise CameraLostError("unplugged")
            yield frame


class BrokenDoor:
    def __init__(self) -> None:
        self.calls = 0

    def open(self, person: Admitted | None = None) -> DoorResult:
        self.calls += 1
        return DoorResult(False, "relay did not answer")

    def close(self) -> None:
        pass


def build(conn: sqlite3.Connection, door: object = None, k: int = 3,
          liveness: LivenessCheck | None = None) -> Pipeline:
    store = SQLiteStore(conn)
    gallery = Gallery(store, "script", 4)
    for pid, name in ((1, "Alice"), (2, "Bob")):
        person = store.people.add(name)
        assert person.id == pid
        store.templates.add(person.id, "script", 4,
                            [NewTemplate(np.array(VECTORS[pid], np.float32))])
    config = Config(policy=PolicyConfig(agreement_frames=k, cooldown_s=2.0))
    engine = Engine(ScriptDetector(), ScriptEmbedder())
    # Flat scripted frames cannot show a live head: these tests are about the loop, so the
    # liveness check is filled explicitly (the configured checks are tested below and in
    # the liveness tests).
    return Pipeline.build(config, engine, gallery, door or SimulatedDoor(),  # type: ignore[arg-type]
                          liveness or AssumeLive())


def outcomes(results: Sequence[FrameResult]) -> list[tuple[int, str, str | None]]:
    # An UNKNOWN's match still names the nearest person; what counts is that no one is named.
    return [(r.frame.index, r.decision.outcome.value,
             r.decision.match.name if r.decision.match and r.decision.outcome
             is not Outcome.UNKNOWN else None) for r in results]


def run_script(pipeline: Pipeline, source: Script, **kwargs: object) -> list[FrameResult]:
    seen: list[FrameResult] = []
    run(source, pipeline, seen.append, camera=CameraConfig(reconnect_s=0.01),
        **kwargs)  # type: ignore[arg-type]
    return seen


def test_exact_decision_sequence(conn: sqlite3.Connection) -> None:
    pipeline = build(conn)
    # Alice walks up and stays, leaves, a stranger comes, then Bob.
    script = [0, 1, 1, 1, 1, 1, 0] + [0] * 25 + [3, 3, 3, 3, 0] + [0] * 25 + [2, 2, 2]
    seen = run_script(pipeline, Script(script))
    finals = [r for r in seen if r.final]
    assert outcomes(finals) == [(3, "granted", "Alice"), (34, "unknown", None),
                                (64, "granted", "Bob")]
    assert isinstance(pipeline.door, SimulatedDoor) and pipeline.door.pulses == 2
    assert [r.decision.outcome for r in seen[:3]] == [Outcome.NO_FACE, Outcome.PENDING,
                                                      Outcome.PENDING]
    events = EventLog(conn, Config().events).recent()
    assert [(e.outcome, e.name) for e in reversed(events)] == [
        (Outcome.GRANTED, "Alice"), (Outcome.UNKNOWN, None), (Outcome.GRANTED, "Bob")]
    assert all(r.event_id is not None for r in finals)


def test_alice_returning_after_the_cooldown_is_granted_again(conn: sqlite3.Connection) -> None:
    pipeline = build(conn, k=2)
    script = [1, 1, 1, 1] + [0] * 10 + [1, 1] + [0] * 21 + [1, 1]
    finals = [r for r in run_script(pipeline, Script(script)) if r.final]
    # Back after 1 s (inside the 2 s cooldown): nothing; after 2.1 s: a second grant.
    assert outcomes(finals) == [(1, "granted", "Alice"), (38, "granted", "Alice")]


def test_failed_door_is_a_logged_refusal_never_retried(conn: sqlite3.Connection) -> None:
    door = BrokenDoor()
    pipeline = build(conn, door=door)
    finals = [r for r in run_script(pipeline, Script([1] * 20)) if r.final]
    assert len(finals) == 1 and door.calls == 1
    decision = finals[0].decision
    assert decision.outcome is Outcome.DENIED and decision.reason is DenyReason.DOOR_FAILED
    [event] = EventLog(conn, Config().events).recent()
    assert event.reason is DenyReason.DOOR_FAILED and event.door == "relay did not answer"
    assert event.name == "Alice"


class RefusingPanel:
    """An access panel's reader that refuses every card read, keeping who it was asked for."""

    def __init__(self) -> None:
        self.asked: list[Admitted | None] = []

    def open(self, person: Admitted | None = None) -> DoorResult:
        self.asked.append(person)
        return DoorResult(False, "H10301 (26-bit) card read; access panel denied (red LED)",
                          PanelAnswer.DENIED)

    def close(self) -> None:
        pass


def test_the_panel_hears_the_card_number_and_its_refusal_is_logged(
        conn: sqlite3.Connection) -> None:
    door = RefusingPanel()
    pipeline = build(conn, door=door)
    SQLiteStore(conn).people.set_credential(1, 4242)
    finals = [r for r in run_script(pipeline, Script([1] * 20)) if r.final]
    assert door.asked == [Admitted(1, "Alice", 4242)]
    decision = finals[0].decision
    assert decision.outcome is Outcome.DENIED and decision.reason is DenyReason.PANEL_DENIED
    [event] = EventLog(conn, Config().events).recent()
    assert event.reason is DenyReason.PANEL_DENIED and "red LED" in event.door
    assert event.outcome is Outcome.DENIED and event.name == "Alice"


def test_lost_camera_is_reopened_and_the_run_goes_on(conn: sqlite3.Connection) -> None:
    pipeline = build(conn)
    source = Script([1, 1, 0, 0, 0, 2, 2, 2], lose_after=4)
    statuses: list[CameraStatus] = []
    seen = run_script(pipeline, source, on_status=statuses.append)
    assert source.opened == 2
    assert [s.state for s in statuses] == [CameraState.RUNNING, CameraState.LOST,
                                           CameraState.RUNNING, CameraState.ENDED]
    assert "unplugged" in statuses[1].message
    assert ("granted", "Bob") in [(o, n) for _, o, n in outcomes([r for r in seen if r.final])]


def test_replay_mode_does_not_hide_a_lost_source(conn: sqlite3.Connection) -> None:
    with pytest.raises(CameraLostError):
        run_script(build(conn), Script([1, 1, 1], lose_after=1), reconnect=False)


def test_stop_ends_a_camera_that_never_comes_back(conn: sqlite3.Connection) -> None:
    class Gone:
        name = "gone"

        def frames(self) -> Iterator[Frame]:
            raise CameraLostError("no camera")

    stop = threading.Event()
    statuses: list[CameraStatus] = []

    def status(s: CameraStatus) -> None:
        statuses.append(s)
        if len(statuses) == 4:
            stop.set()

    summary = run(Gone(), build(conn), lambda r: None, on_status=status, stop=stop,
                  camera=CameraConfig(reconnect_s=0.01, reconnect_max_s=0.03))
    assert summary.lost == 4 and summary.frames == 0
    assert [round(s.retry_in_s, 2) for s in statuses] == [0.01, 0.02, 0.03, 0.03]


def test_backoff_doubles_to_its_limit_and_resets() -> None:
    backoff = Backoff(0.5, 3.0)
    assert [backoff.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next() == 0.5


class AlwaysSpoof:
    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        return LivenessResult(Verdict.SPOOF, 0.004, "the face moves like a flat picture",
                              (MotionCues(0.08, 5, 0, planarity=0.001, parallax=0.004),))

    def reset(self) -> None:
        """Nothing to forget."""


def test_a_failed_liveness_check_is_a_logged_spoof_and_no_door(conn: sqlite3.Connection) -> None:
    pipeline = build(conn, liveness=AlwaysSpoof())
    finals = [r for r in run_script(pipeline, Script([1] * 8)) if r.final]
    assert outcomes(finals) == [(2, "spoof", "Alice")]
    assert isinstance(pipeline.door, SimulatedDoor) and pipeline.door.pulses == 0
    assert finals[0].decision.scores.liveness == pytest.approx(0.004)
    [event] = EventLog(conn, Config().events).recent()
    assert event.outcome is Outcome.SPOOF and event.name == "Alice"
    assert event.scores["liveness"] == pytest.approx(0.004)
    assert event.scores["motion.parallax"] == pytest.approx(0.004)  # every cue is logged
    assert event.scores["motion.pairs"] == 5.0
    assert event.detail == "the face moves like a flat picture"


class SpoofFrom:
    """Unsure until a frame `at_s` into the streak, then SPOOF."""

    def __init__(self, at_s: float) -> None:
        self.at_s = at_s

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        if at < self.at_s:
            return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, 0.0, "",
                                  pending=PendingReason.MOVE_HEAD)
        return LivenessResult(Verdict.SPOOF, 0.004, "the face moves like a flat picture")

    def reset(self) -> None:
        """Nothing to forget."""


def test_a_spoof_on_a_followed_frame_is_logged_with_its_picture(
        conn: sqlite3.Connection) -> None:
    pipeline = build(conn, liveness=SpoofFrom(0.3))
    finals = [r for r in run_script(pipeline, Script([1] * 6)) if r.final]
    assert outcomes(finals) == [(3, "spoof", "Alice")]
    # Frames 0-2 agree; frame 3 (0.1 s after the last recognition) is followed, not embedded.
    embedder = pipeline.engine.embedder
    assert isinstance(embedder, ScriptEmbedder) and len(embedder.flips) == 3
    [(thumbnail,)] = conn.execute("SELECT thumbnail FROM events").fetchall()
    assert thumbnail is not None and bytes(thumbnail)[:2] == b"\xff\xd8"


def test_the_configured_liveness_never_grants_a_still_picture(conn: sqlite3.Connection) -> None:
    store = SQLiteStore(conn)
    gallery = Gallery(store, "script", 4)
    store.templates.add(store.people.add("Alice").id, "script", 4,
                        [NewTemplate(np.array(VECTORS[1], np.float32))])
    engine = Engine(ScriptDetector(), ScriptEmbedder())
    pipeline = Pipeline.build(Config(), engine, gallery, SimulatedDoor())
    seen = run_script(pipeline, Script([1] * 40))
    assert not [r for r in seen if r.final]
    assert isinstance(pipeline.door, SimulatedDoor) and pipeline.door.pulses == 0
    assert seen[-1].decision.outcome is Outcome.PENDING
    assert seen[-1].decision.pending is PendingReason.MOVE_HEAD
    assert seen[-1].decision.match is not None and seen[-1].decision.match.name == "Alice"


@pytest.mark.parametrize("flip_probe", [False, True])
def test_frames_are_embedded_as_recognition_flip_probe_says(conn: sqlite3.Connection,
                                                            flip_probe: bool) -> None:
    pipeline = build(conn)
    pipeline.flip_probe = flip_probe
    run_script(pipeline, Script([1, 1, 1]))
    embedder = pipeline.engine.embedder
    assert isinstance(embedder, ScriptEmbedder)
    assert embedder.flips == [flip_probe] * 3
