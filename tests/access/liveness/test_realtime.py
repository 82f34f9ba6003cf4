"""Real-time presentations: a paced clip through the kiosk's newest-frame source."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.access.liveness.realtime import (
    ClipFrom,
    RealtimeRun,
    Recognition,
    present_realtime,
    presentation_policy,
    start_offsets,
)
from turnstile.config import Config, PolicyConfig, RecognitionConfig
from turnstile.types import Face, Image, LivenessResult, Verdict
from turnstile.vision.engine import build_detector


class SlowCheck:
    """Takes `delay` seconds a frame (a busy machine) and says `says` at its `decide_on`th."""

    def __init__(self, delay: float, decide_on: int = 10_000,
                 says: Verdict = Verdict.LIVE) -> None:
        self.delay = delay
        self.decide_on = decide_on
        self.says = says
        self.seen: list[float] = []

    def reset(self) -> None:
        self.seen.clear()

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        time.sleep(self.delay)
        self.seen.append(at)
        verdict = self.says if len(self.seen) >= self.decide_on else \
            Verdict.INSUFFICIENT_EVIDENCE
        return LivenessResult(verdict, 1.0)


def _present(path: Path, start_s: float, check: SlowCheck, seen: list[Face] | None = None,
             policy: PolicyConfig | None = None) -> RealtimeRun:
    """One presentation through a fresh kiosk policy; `seen` collects the faces embedded."""
    recognition = Recognition(lambda image, face: (seen if seen is not None else []).append(face))
    kiosk = presentation_policy(policy or PolicyConfig(), RecognitionConfig(), check)
    return present_realtime(path, True, start_s, 1.2, build_detector(Config()), kiosk,
                            recognition)


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
    run = _present(path, 0.0, check)
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
    run = _present(path, 0.2, SlowCheck(0.0, decide_on=8), seen)
    assert run.presentation.accepted and run.presentation.start_s == 0.2
    assert run.presentation.decided_after_s is not None
    assert 0.0 < run.presentation.decided_after_s < 1.2
    # As the kiosk: the first frames agree, some are followed, the LIVE frame is recognised.
    assert run.frames_taken == 8
    assert 3 < run.frames_recognised == len(seen) < 8


def test_the_kiosk_policy_decides_which_frames_are_recognised(tmp_path: Path) -> None:
    path = _clip(tmp_path)
    seen: list[Face] = []
    every = _present(path, 0.2, SlowCheck(0.0, decide_on=8), seen,
                     PolicyConfig(liveness_recheck_s=0.0))
    assert every.presentation.accepted
    assert every.frames_recognised == every.frames_taken == len(seen) == 8


def test_a_spoof_verdict_refuses_the_presentation(tmp_path: Path) -> None:
    run = _present(_clip(tmp_path), 0.0, SlowCheck(0.0, decide_on=5, says=Verdict.SPOOF))
    assert run.presentation.verdict is Verdict.SPOOF
    assert not run.presentation.accepted
    assert run.presentation.decided_after_s is not None


def test_clip_from_starts_at_its_offset_and_stops_after_its_seconds(tmp_path: Path) -> None:
    frames = list(ClipFrom(_clip(tmp_path), 1.0, 0.2).frames())
    assert [f.index for f in frames] == list(range(30, 36))
    with pytest.raises(Exception, match="cannot open"):
        list(ClipFrom(tmp_path / "missing.avi", 0.0, 1.0).frames())


def test_start_offsets_spread_over_the_clip() -> None:
    assert start_offsets(10.0, 2.0, 5) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert start_offsets(1.0, 2.0, 3) == [0.0, 0.0, 0.0]
    assert start_offsets(10.0, 2.0, 1) == [0.0]
