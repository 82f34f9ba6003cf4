"""The head-turn challenge: the asked side, in time, by the same person."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from turnstile.access.liveness.challenge import HeadTurnChallenge, Side
from turnstile.config import LivenessConfig
from turnstile.types import Box, ChallengeCues, Face, PendingReason, Verdict
from turnstile.vision.quality import estimate_pose

FRAME = np.zeros((240, 320, 3), np.uint8)
SAME = np.array([1.0, 0.0], np.float32)
OTHER = np.array([0.0, 1.0], np.float32)


def face_with_yaw(yaw_deg: float) -> Face:
    """Five landmarks whose nose sits where estimate_pose reads `yaw_deg`."""
    eye_distance = 60.0
    nose_x = 160.0 + math.sin(math.radians(yaw_deg)) / 2.0 * eye_distance
    points = ((130.0, 100.0), (190.0, 100.0), (nose_x, 130.0), (135.0, 160.0), (185.0, 160.0))
    return Face(Box(100, 60, 120, 140), points, 0.9)


class Identities:
    """Stands in for the engine's embedder: whoever is `current` is in front of the camera."""

    def __init__(self, current: np.ndarray) -> None:
        self.current = current

    def __call__(self, image: np.ndarray, face: Face) -> np.ndarray:
        return self.current


def challenge(side: Side, identities: Identities) -> HeadTurnChallenge:
    config = LivenessConfig(challenge=True, challenge_yaw_deg=15.0, challenge_timeout_s=4.0)
    rng = random.Random(0)
    check = HeadTurnChallenge(config, identities, rng)
    # Draw until the seeded choice gives the side under test (choice is the only draw).
    while True:
        check.reset()
        check.observe(FRAME, face_with_yaw(0.0), 0.0)
        if check.side is side:
            return check


def test_synthetic_faces_read_back_their_yaw() -> None:
    assert estimate_pose(face_with_yaw(20.0))[0] == pytest.approx(20.0, abs=0.01)


@pytest.mark.parametrize(("side", "yaw"), [(Side.LEFT, 20.0), (Side.RIGHT, -20.0)])
def test_turning_to_the_asked_side_passes(side: Side, yaw: float) -> None:
    identities = Identities(SAME)
    check = challenge(side, identities)
    pending = check.observe(FRAME, face_with_yaw(yaw / 4), 0.5)
    assert pending.verdict is Verdict.INSUFFICIENT_EVIDENCE
    assert pending.pending is (PendingReason.TURN_LEFT if side is Side.LEFT
                               else PendingReason.TURN_RIGHT)
    assert pending.pending.prompt == f"turn your head to your {side.value}"
    result = check.observe(FRAME, face_with_yaw(yaw), 1.0)
    assert result.verdict is Verdict.LIVE
    [cue] = result.cues
    assert isinstance(cue, ChallengeCues) and cue.similarity == pytest.approx(1.0)
    assert check.observe(FRAME, face_with_yaw(0.0), 1.1).verdict is Verdict.LIVE


def test_turning_to_the_wrong_side_fails() -> None:
    check = challenge(Side.LEFT, Identities(SAME))
    result = check.observe(FRAME, face_with_yaw(-20.0), 1.0)
    assert result.verdict is Verdict.SPOOF
    assert "wrong side" in result.detail


def test_running_out_of_time_fails() -> None:
    check = challenge(Side.RIGHT, Identities(SAME))
    assert check.observe(FRAME, face_with_yaw(-5.0), 3.9).verdict is Verdict.INSUFFICIENT_EVIDENCE
    result = check.observe(FRAME, face_with_yaw(-5.0), 4.5)
    assert result.verdict is Verdict.SPOOF
    assert "timed out" in result.detail


def test_a_different_face_at_the_turn_fails() -> None:
    identities = Identities(SAME)
    check = challenge(Side.LEFT, identities)
    identities.current = OTHER
    result = check.observe(FRAME, face_with_yaw(25.0), 1.0)
    assert result.verdict is Verdict.SPOOF
    assert "face changed" in result.detail
    [cue] = result.cues
    assert isinstance(cue, ChallengeCues) and cue.similarity == pytest.approx(0.0)


def test_both_sides_are_asked() -> None:
    config = LivenessConfig(challenge=True)
    sides = set()
    check = HeadTurnChallenge(config, Identities(SAME), random.Random(1))
    for _ in range(20):
        check.reset()
        check.observe(FRAME, face_with_yaw(0.0), 0.0)
        sides.add(check.side)
    assert sides == {Side.LEFT, Side.RIGHT}
