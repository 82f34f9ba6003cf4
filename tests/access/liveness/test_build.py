"""The combination of checks and the configured set of checks, through the one protocol."""

from __future__ import annotations

import numpy as np
import pytest

from turnstile.access.liveness.build import build_check, configured
from turnstile.access.liveness.combine import AllOf
from turnstile.access.liveness.motion import MotionLiveness
from turnstile.access.liveness.verdict import NOT_CHECKED, AssumeLive
from turnstile.config import Config, LivenessConfig
from turnstile.types import (
    Box,
    Face,
    Image,
    LivenessResult,
    PassiveCues,
    PendingReason,
    Verdict,
)

FACE = Face(Box(10, 10, 50, 50), ((20, 25), (40, 25), (30, 35), (22, 45), (38, 45)), 0.9)
IMAGE = np.zeros((80, 80, 3), np.uint8)


class Recorder:
    """A check that records what it saw and answers from a script of verdicts."""

    def __init__(self, verdicts: list[Verdict]) -> None:
        self.verdicts = verdicts
        self.seen: list[float] = []
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        self.seen.append(at)
        verdict = self.verdicts[min(len(self.seen), len(self.verdicts)) - 1]
        pending = PendingReason.MOVE_HEAD if verdict is Verdict.INSUFFICIENT_EVIDENCE else None
        return LivenessResult(verdict, float(len(self.seen)), verdict.value,
                              (PassiveCues(float(len(self.seen)), 1),), pending)


def test_all_of_needs_every_check_live_and_any_spoof_refuses() -> None:
    live, unsure, spoof = Verdict.LIVE, Verdict.INSUFFICIENT_EVIDENCE, Verdict.SPOOF
    first_check, second_check = Recorder([live]), Recorder([unsure, live])
    both = AllOf([first_check, second_check])
    first = both.observe(IMAGE, FACE, 0.0)
    assert first.verdict is unsure and first.pending is PendingReason.MOVE_HEAD
    assert first.cues == (PassiveCues(1.0, 1), PassiveCues(1.0, 1))  # every check's cues
    assert both.observe(IMAGE, FACE, 0.1).verdict is live
    both.reset()
    assert first_check.resets == second_check.resets == 1
    refused = AllOf([Recorder([live]), Recorder([spoof])]).observe(IMAGE, FACE, 0.0)
    assert refused.verdict is spoof and refused.detail == "spoof"
    with pytest.raises(ValueError, match="at least one"):
        AllOf([])


def test_the_configured_checks() -> None:
    assert isinstance(build_check(Config()), MotionLiveness)
    assert build_check(Config(liveness=LivenessConfig(motion=False))) is None
    with pytest.raises(ValueError, match="needs the recognition engine"):
        build_check(Config(liveness=LivenessConfig(challenge=True)))
    assert build_check(Config(liveness=LivenessConfig(challenge=True)), challenge=False) \
        is not None


def test_everything_off_assumes_live_and_says_so() -> None:
    off = Config(liveness=LivenessConfig(motion=False))
    check = configured(off, engine=None)  # type: ignore[arg-type]
    assert isinstance(check, AssumeLive)
    result = check.observe(IMAGE, FACE, 0.0)
    assert result.verdict is Verdict.LIVE and result.detail == NOT_CHECKED
