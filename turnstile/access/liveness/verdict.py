"""Liveness results and the LivenessCheck protocol that the kiosk pipeline calls."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

from turnstile.types import Face, Image

#: What the kiosk tells a person whose face has not yet shown enough motion to judge.
MOVE_PROMPT = "move your head a little"


class Verdict(enum.Enum):
    """A liveness check's answer so far for the face in front of the camera."""

    LIVE = "live"
    SPOOF = "spoof"
    #: Not enough evidence either way yet (a person standing perfectly still).
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"


@dataclass(frozen=True)
class LivenessResult:
    """A verdict with the score it rests on (higher is more live) and every cue measured."""

    verdict: Verdict
    score: float
    detail: str = ""
    cues: dict[str, float] = field(default_factory=dict)

    @property
    def decided(self) -> bool:
        return self.verdict is not Verdict.INSUFFICIENT_EVIDENCE


class LivenessCheck(Protocol):
    """Watches one face over consecutive frames and says whether it is a live person.

    `observe` gets every frame with the face the pipeline acts on and the frame's time in
    seconds; `reset` starts over (a new person, or the face was lost).
    """

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult: ...

    def reset(self) -> None: ...
