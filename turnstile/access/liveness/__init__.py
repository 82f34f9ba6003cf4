"""Liveness (presentation-attack detection): a printed photo or a screen must not open the door."""

from turnstile.access.liveness.verdict import MOVE_PROMPT, LivenessCheck, LivenessResult, Verdict

__all__ = ["MOVE_PROMPT", "LivenessCheck", "LivenessResult", "Verdict"]
