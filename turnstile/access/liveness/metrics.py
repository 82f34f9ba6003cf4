"""ISO/IEC 30107-3 error rates: APCER, BPCER, ACER, and the threshold that balances them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from turnstile.errors import UsageError


@dataclass(frozen=True)
class ErrorRates:
    """Rates at one threshold; a presentation is accepted as bona fide when score >= threshold.

    APCER: share of attack presentations accepted. BPCER: share of bona fide presentations
    refused. ACER: their mean. Counts are kept so a reader can judge the confidence.
    """

    threshold: float
    apcer: float
    bpcer: float
    attacks: int
    bona_fide: int

    @property
    def acer(self) -> float:
        return (self.apcer + self.bpcer) / 2.0

    def as_dict(self) -> dict[str, float | int]:
        return {"threshold": self.threshold, "apcer": self.apcer, "bpcer": self.bpcer,
                "acer": self.acer, "attacks": self.attacks, "bona_fide": self.bona_fide}


def _check(live: Sequence[float], attack: Sequence[float]) -> None:
    if not live or not attack:
        raise UsageError("error rates need at least one bona fide and one attack score")


def rates_at(live: Sequence[float], attack: Sequence[float], threshold: float) -> ErrorRates:
    """APCER and BPCER of scores (higher means more live) at a given threshold."""
    _check(live, attack)
    live_arr = np.asarray(live, np.float64)
    attack_arr = np.asarray(attack, np.float64)
    return ErrorRates(threshold, float(np.mean(attack_arr >= threshold)),
                      float(np.mean(live_arr < threshold)), len(attack_arr), len(live_arr))


def threshold_for_apcer(live: Sequence[float], attack: Sequence[float],
                        max_apcer: float) -> ErrorRates:
    """The lowest threshold whose APCER is at most `max_apcer` (so the least BPCER for it)."""
    _check(live, attack)
    candidates = np.unique(np.concatenate([np.asarray(live), np.asarray(attack)]))
    best = rates_at(live, attack, float(np.nextafter(candidates.max(), np.inf)))
    for threshold in candidates[::-1]:
        rates = rates_at(live, attack, float(threshold))
        if rates.apcer > max_apcer:
            break
        best = rates
    return best


def equal_error(live: Sequence[float], attack: Sequence[float]) -> ErrorRates:
    """The threshold where APCER and BPCER are closest (the lower ACER on ties)."""
    _check(live, attack)
    candidates = np.unique(np.concatenate([np.asarray(live), np.asarray(attack)]))
    rates = [rates_at(live, attack, float(t)) for t in candidates]
    return min(rates, key=lambda r: (abs(r.apcer - r.bpcer), r.acer))


def wilson_upper(errors: int, total: int, z: float = 1.96) -> float:
    """Upper end of the Wilson score interval (95 % by default) of an error rate.

    With few presentations and no error the rate alone (0 %) says little; the bound says how
    high the true rate could still be: 0 of 20 is compatible with up to 16 %.
    """
    if total <= 0 or not 0 <= errors <= total:
        raise UsageError(f"need 0 <= errors <= total and total > 0, got {errors} of {total}")
    rate = errors / total
    centre = rate + z * z / (2 * total)
    spread = z * np.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total))
    return float(min(1.0, (centre + spread) / (1 + z * z / total)))
