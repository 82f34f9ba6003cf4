"""Several liveness checks as one: every check must say LIVE, any SPOOF refuses."""

from __future__ import annotations

from collections.abc import Sequence

from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.types import Face, Image, LivenessResult, Verdict


class AllOf:
    """Runs each check on every frame; the lowest score is the combined score.

    Every check's typed cues are kept, in order, so the event log keeps every number.
    """

    def __init__(self, checks: Sequence[LivenessCheck]) -> None:
        if not checks:
            raise ValueError("AllOf needs at least one liveness check")
        self._checks = list(checks)

    def reset(self) -> None:
        for check in self._checks:
            check.reset()

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        results = [check.observe(frame, face, at) for check in self._checks]
        cues = tuple(cue for result in results for cue in result.cues)
        score = min(result.score for result in results)
        for result in results:
            if result.verdict is Verdict.SPOOF:
                return LivenessResult(Verdict.SPOOF, score, result.detail, cues)
        for result in results:
            if result.verdict is Verdict.INSUFFICIENT_EVIDENCE:
                return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, score, result.detail, cues,
                                      result.pending)
        return LivenessResult(Verdict.LIVE, score, "", cues)
