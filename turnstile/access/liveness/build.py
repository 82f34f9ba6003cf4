"""Building the configured liveness checks (motion, passive model, challenge) as one."""

from __future__ import annotations

import random
from pathlib import Path

from turnstile.access.liveness.challenge import HeadTurnChallenge, Identify
from turnstile.access.liveness.combine import AllOf
from turnstile.access.liveness.minifasnet import MiniFasNet
from turnstile.access.liveness.motion import MotionLiveness
from turnstile.access.liveness.passive import FaceScorer, PassiveLiveness, PassiveModel
from turnstile.access.liveness.verdict import AssumeLive, LivenessCheck
from turnstile.config import Config
from turnstile.types import Embedding, Face, Image
from turnstile.vision.engine import Engine

#: `liveness.passive_model` naming the vendored MiniFASNet models instead of a file.
MINIFASNET = "minifasnet"


def passive_model(config: Config, override: Path | None = None) -> FaceScorer | None:
    """The configured passive model (or `override`), loaded once; None when there is none."""
    name = str(override) if override else config.liveness.passive_model
    device = "cpu" if config.models.device == "cpu" else "auto"
    if not name:
        return None
    if name == MINIFASNET:
        return MiniFasNet(device=device)
    return PassiveModel(Path(name).expanduser(), device)


def build_check(config: Config, engine: Engine | None = None,
                passive: FaceScorer | None = None, challenge: bool | None = None,
                rng: random.Random | None = None) -> LivenessCheck | None:
    """Every enabled check combined; None when liveness is switched off entirely.

    `challenge` overrides the config (a recording cannot answer a challenge, so evaluation
    turns it off); the challenge needs the engine to compare identities.
    """
    live = config.liveness
    checks: list[LivenessCheck] = []
    if live.motion:
        checks.append(MotionLiveness(live))
    if passive is not None:
        checks.append(PassiveLiveness(passive, live.passive_threshold))
    if live.challenge if challenge is None else challenge:
        if engine is None:
            raise ValueError("the head-turn challenge needs the recognition engine")
        checks.append(HeadTurnChallenge(live, _identify(engine), rng))
    if not checks:
        return None
    return checks[0] if len(checks) == 1 else AllOf(checks)


def _identify(engine: Engine) -> Identify:
    def identify(image: Image, face: Face) -> Embedding:
        return engine.analyze(image, faces=[face])[0].embedding

    return identify



def configured(config: Config, engine: Engine) -> LivenessCheck:
    """The checks the config enables, or AssumeLive (which says so) when all are off."""
    check = build_check(config, engine, passive_model(config))
    return AssumeLive() if check is None else check
