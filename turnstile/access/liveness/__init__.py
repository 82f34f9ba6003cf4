"""Liveness (presentation-attack detection): a printed photo or a screen must not open the door."""

from turnstile.access.liveness.verdict import AssumeLive, LivenessCheck
from turnstile.types import LivenessResult, Verdict

__all__ = ["AssumeLive", "LivenessCheck", "LivenessResult", "Verdict"]
