"""Real-time presentations: a paced clip through the kiosk's newest-frame source."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.access.liveness.realtime import (
    ClipFrom,
    Recogniser,
    present_realtime,
    start_offsets,
)
from turnstile.config import Config, PolicyConfig
from turnstile.types import Box, Face, Image, LivenessResult, Verdict
from turnstile.vision.engine import build_detector


class SlowCheck:
    """Takes `delay` seconds a frame (a busy machine) and says LIVE at its `decide_on`th."""

    def __init__(self, delay: float, decide_on: int = 10_000) -> None:
        self.delay = delay
        self.decide_on = decide_on
        self.seen: list[float] = []

    def reset(self) -> None:
        self.seen.clear()

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        time.sleep(self.delay)
        self.seen.append(at)
        verdict = Verdict.LIVE if len(self.seen) >= self.decide_on else \
            Verdict.INSUFFICIENT_EVIDENCE
        return LivenessResult(verdict, 1.0)


def _clip(tmp_path: Path) -> Path:
    capture = cv2.VideoCapture(str(dataset("videos", "1zlab_face.mp4")))
    frames = [capture.read()[1] for _ in range(45)]
    capture.release()
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (854, 480))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def test_a_slow_consumer_sees_only_the_newest_frames_in_wall_clock_seconds(
        tmp_path: Path) -> None:
    path = _clip(tmp_path)
    check = SlowCheck(0.12)
    detector = build_detector(Config())
    run = present_realtime(path, True, 0.0, 1.2, detector,
                           Recogniser(lambda image, face: None, PolicyConfig()), check)
    assert run.presentation.verdict is Verdict.INSUFFICIENT_EVIDENCE
    assert run.presentation.decided_after_s is None
    assert 2 <= run.frames_taken < run.frames_shown <= 36  # frames were dropped
    gaps = np.diff(check.seen)
    # Clip seconds between the frames actually processed: newer each time, and mostly more
    # than one frame apart (the clip's last frame can follow its predecessor closely).
    assert (gaps > 0).all()
    assert np.median(gaps) >= 0.05


def test_a_decision_stops_the_presentation_and_says_when(tmp_path: Path) -> None:
    path = _clip(tmp_path)
    seen: list[Face] = []
    recogniser = Recogniser(lambda image, face: seen.append(face), PolicyConfig())
    run = present_realtime(path, True, 0.2, 1.2, build_detector(Config()), recogniser,
                           SlowCheck(0.0, decide_on=8))
    assert run.presentation.accepted and run.presentation.start_s == 0.2
    assert run.presentation.decided_after_s is not None
    assert 0.0 < run.presentation.decided_after_s < 1.2
    # As the kiosk: the first frames agree, some are followed, the LIVE frame is recognised.
    assert run.frames_taken == 8
    assert 3 < run.frames_recognised == len(seen) < 8


def _face(x: float) -> Face:
    return Face(Box(x, 100.0, 150.0, 150.0), ((0.0, 0.0),) * 5, 0.99)


def test_the_recogniser_follows_faces_as_the_kiosk_policy_does() -> None:
    calls: list[float] = []
    recogniser = Recogniser(lambda image, face: calls.append(face.box.x),
                            PolicyConfig(agreement_frames=2, liveness_recheck_s=0.25))
    image = np.zeros((4, 4, 3), np.uint8)
    t0 = datetime(2026, 3, 2, 9, 0, 0)
    at = [t0 + timedelta(seconds=0.05 * i) for i in range(8)]
    seen = [recogniser.see(image, _face(200.0), at[i]) for i in range(4)]
    assert seen == [True, True, False, False]  # two to agree, then followed
    assert recogniser.see(image, _face(400.0), at[4])  # elsewhere: recognised
    assert not recogniser.see(image, _face(400.0), at[5])
    recogniser.lost()  # the face left: a new streak agrees again
    assert recogniser.see(image, _face(400.0), at[6]) and recogniser.see(image, _face(400.0),
                                                                         at[7])
    assert recogniser.count == len(calls) == 5
    every = Recogniser(lambda image, face: None, PolicyConfig(liveness_recheck_s=0.0))
    assert all(every.see(image, _face(200.0), t) for t in at)


def test_clip_from_starts_at_its_offset_and_stops_after_its_seconds(tmp_path: Path) -> None:
    frames = list(ClipFrom(_clip(tmp_path), 1.0, 0.2).frames())
    assert [f.index for f in frames] == list(range(30, 36))
    with pytest.raises(Exception, match="cannot open"):
        list(ClipFrom(tmp_path / "missing.avi", 0.0, 1.0).frames())


def test_start_offsets_spread_over_the_clip() -> None:
    assert start_offsets(10.0, 2.0, 5) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert start_offsets(1.0, 2.0, 3) == [0.0, 0.0, 0.0]
    assert start_offsets(10.0, 2.0, 1) == [0.0]
