"""The access policy's liveness seam, served by the checks of this package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from turnstile.access import policy
from turnstile.access.liveness.build import build_check, passive_model
from turnstile.access.liveness.verdict import LivenessCheck, Verdict
from turnstile.config import Config
from turnstile.vision.engine import Engine

_VERDICTS = {
    Verdict.LIVE: policy.LivenessVerdict.LIVE,
    Verdict.SPOOF: policy.LivenessVerdict.SPOOF,
    Verdict.INSUFFICIENT_EVIDENCE: policy.LivenessVerdict.UNSURE,
}


class StreakLiveness:
    """Feeds each new frame of the policy's agreeing streak to a frame-by-frame check once.

    The policy hands over the whole streak on every call; a streak that no longer holds the
    last frame seen is a new presentation, and the check starts over.
    """

    def __init__(self, check: LivenessCheck) -> None:
        self._check = check
        self._origin: datetime | None = None
        self._last: datetime | None = None
        self._result = policy.LivenessResult(policy.LivenessVerdict.UNSURE, 0.0, "")

    def check(self, evidence: Sequence[policy.Evidence]) -> policy.LivenessResult:
        if not evidence:
            return policy.LivenessResult(policy.LivenessVerdict.UNSURE, 0.0, "")
        if self._last is None or all(item.at != self._last for item in evidence):
            self._check.reset()
            self._origin, self._last = evidence[0].at, None
        assert self._origin is not None
        for item in evidence:
            if self._last is not None and item.at <= self._last:
                continue
            seconds = (item.at - self._origin).total_seconds()
            result = self._check.observe(item.image, item.face, seconds)
            self._last = item.at
            self._result = policy.LivenessResult(_VERDICTS[result.verdict], result.score,
                                                 result.detail)
        return self._result


def configured(config: Config, engine: Engine) -> policy.LivenessCheck:
    """The checks the config enables, or the policy's AssumeLive when all are off."""
    check = build_check(config, engine, passive_model(config))
    return policy.AssumeLive() if check is None else StreakLiveness(check)
