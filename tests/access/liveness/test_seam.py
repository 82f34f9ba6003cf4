"""The policy's liveness seam, the combination of checks and the configured set of checks."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from turnstile.access import policy
from turnstile.access.liveness.build import build_check
from turnstile.access.liveness.combine import AllOf
from turnstile.access.liveness.motion import MotionLiveness
from turnstile.access.liveness.seam import StreakLiveness, configured
from turnstile.access.liveness.verdict import LivenessResult, Verdict
from turnstile.config import Config, LivenessConfig
from turnstile.types import Box, Face, Image

FACE = Face(Box(10, 10, 50, 50), ((20, 25), (40, 25), (30, 35), (22, 45), (38, 45)), 0.9)
IMAGE = np.zeros((80, 80, 3), np.uint8)
T0 = datetime(2026, 3, 2, 9, 0, 0)


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
        return LivenessResult(verdict, float(len(self.seen)), verdict.value, {"n": 1.0})


def streak(*seconds: float) -> list[policy.Evidence]:
    return [policy.Evidence(IMAGE, FACE, T0 + timedelta(seconds=s)) for s in seconds]


def test_each_frame_of_a_streak_is_fed_once_in_seconds_from_its_start() -> None:
    inner = Recorder([Verdict.INSUFFICIENT_EVIDENCE] * 3 + [Verdict.LIVE])
    seam = StreakLiveness(inner)
    first = seam.check(streak(0.0, 0.1, 0.2))
    assert first.verdict is policy.LivenessVerdict.UNSURE
    assert first.detail == "insufficient_evidence"
    second = seam.check(streak(0.0, 0.1, 0.2, 0.3))
    assert second.verdict is policy.LivenessVerdict.LIVE and second.score == 4.0
    assert inner.seen == pytest.approx([0.0, 0.1, 0.2, 0.3])


def test_a_new_streak_starts_the_check_over() -> None:
    inner = Recorder([Verdict.SPOOF])
    seam = StreakLiveness(inner)
    assert seam.check(streak(0.0, 0.1)).verdict is policy.LivenessVerdict.SPOOF
    resets = inner.resets
    seam.check(streak(5.0, 5.1, 5.2))
    assert inner.resets == resets + 1
    assert inner.seen[-3:] == pytest.approx([0.0, 0.1, 0.2])
    assert seam.check([]).verdict is policy.LivenessVerdict.UNSURE


def test_all_of_needs_every_check_live_and_any_spoof_refuses() -> None:
    live, unsure, spoof = Verdict.LIVE, Verdict.INSUFFICIENT_EVIDENCE, Verdict.SPOOF
    both = AllOf([Recorder([live]), Recorder([unsure, live])])
    first = both.observe(IMAGE, FACE, 0.0)
    assert first.verdict is unsure and first.cues == {"0.n": 1.0, "1.n": 1.0}
    assert both.observe(IMAGE, FACE, 0.1).verdict is live
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
    result = configured(off, engine=None).check(streak(0.0))  # type: ignore[arg-type]
    assert result.verdict is policy.LivenessVerdict.LIVE
    assert result.detail == "liveness not checked"
