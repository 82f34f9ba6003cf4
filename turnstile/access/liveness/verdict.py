"""The one liveness protocol: a check watches one face frame by frame and says LIVE or SPOOF.

The access policy feeds each frame of an agreeing streak to a `LivenessCheck` and starts it
over (`reset`) for every new streak; every check (motion, passive model, challenge, several
of them as one) implements it, and its typed cues reach the decision's scores.
"""

from __future__ import annotations

from typing import Protocol

from turnstile.types import Face, Image, LivenessResult, Verdict


class LivenessCheck(Protocol):
    """Watches one face over consecutive frames and says whether it is a live person.

    `observe` gets every frame with the face the policy acts on and the frame's time in
    seconds from the start of the presentation; `reset` starts over (a new person, or the
    face was lost).
    """

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult: ...

    def reset(self) -> None: ...


#: The detail of a decision whose face was not checked for liveness at all.
NOT_CHECKED = "liveness not checked"


class AssumeLive:
    """No presentation-attack detection: every face is taken as live, and says so."""

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        return LivenessResult(Verdict.LIVE, 1.0, NOT_CHECKED)

    def reset(self) -> None:
        """Nothing to forget."""
