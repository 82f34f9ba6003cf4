"""The optional active challenge: turn your head to a randomly chosen side, in time."""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import replace

from turnstile.config import LivenessConfig
from turnstile.types import (
    ChallengeCues,
    Embedding,
    Face,
    Image,
    LivenessResult,
    PendingReason,
    Verdict,
)
from turnstile.vision.quality import estimate_pose

#: Computes the identity embedding of a face in a frame (the engine's aligner + embedder).
Identify = Callable[[Image, Face], Embedding]


class Side(enum.Enum):
    """The side the person is asked to turn to, as the person sees it.

    In a camera image that is not mirrored, turning to one's own left moves the nose toward
    the image's right, which `estimate_pose` reports as a growing yaw.
    """

    LEFT = "left"
    RIGHT = "right"

    @property
    def sign(self) -> float:
        return 1.0 if self is Side.LEFT else -1.0

    @property
    def pending(self) -> PendingReason:
        return PendingReason.TURN_LEFT if self is Side.LEFT else PendingReason.TURN_RIGHT


class HeadTurnChallenge:
    """Asks for a head turn to a random side and checks the yaw change and the identity.

    The yaw comes from the five landmarks; the identity is compared between the first frame
    and the frame where the turn is reached, so a swapped photo or a second person fails.
    A turn to the wrong side or running out of time is a failed challenge (SPOOF): a replay
    of someone turning at random must not pass half of the time.
    """

    def __init__(self, config: LivenessConfig, identify: Identify,
                 rng: random.Random | None = None) -> None:
        self._config = config
        self._identify = identify
        self._rng = rng or random.SystemRandom()
        self.side: Side | None = None
        self._start_at = 0.0
        self._start_yaw = 0.0
        self._start_embedding: Embedding | None = None
        self._final: LivenessResult | None = None

    def reset(self) -> None:
        self.side = None
        self._start_embedding = None
        self._final = None

    def prompt(self) -> str:
        return self.side.pending.prompt if self.side else ""

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        if self._final is not None:
            return self._final
        yaw, _ = estimate_pose(face)
        if self.side is None or self._start_embedding is None:
            self.side = self._rng.choice([Side.LEFT, Side.RIGHT])
            self._start_at, self._start_yaw = at, yaw
            self._start_embedding = self._identify(frame, face)
        turned = (yaw - self._start_yaw) * self.side.sign
        cues = ChallengeCues(yaw, turned, at - self._start_at)
        result = self._judge(frame, face, at, turned, cues)
        if result.decided:
            self._final = result
        return result

    def _judge(self, frame: Image, face: Face, at: float, turned: float,
               cues: ChallengeCues) -> LivenessResult:
        cfg = self._config
        score = turned / cfg.challenge_yaw_deg
        if turned <= -cfg.challenge_yaw_deg:
            return LivenessResult(Verdict.SPOOF, score, "turned to the wrong side", (cues,))
        if turned >= cfg.challenge_yaw_deg:
            assert self._start_embedding is not None
            now = self._identify(frame, face)
            similarity = float(now.reshape(-1) @ self._start_embedding.reshape(-1))
            cues = replace(cues, similarity=similarity)
            if similarity < cfg.challenge_min_similarity:
                return LivenessResult(Verdict.SPOOF, score,
                                      "the face changed during the challenge", (cues,))
            return LivenessResult(Verdict.LIVE, score, "", (cues,))
        if at - self._start_at > cfg.challenge_timeout_s:
            return LivenessResult(Verdict.SPOOF, score, "the challenge timed out", (cues,))
        assert self.side is not None
        return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, score, cues=(cues,),
                              pending=self.side.pending)
