"""Choosing the 1:N threshold and margin from measured stranger scores, and writing them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from turnstile.configfile import write_settings
from turnstile.errors import UsageError
from turnstile.evaluate.embedding import EmbeddedSet
from turnstile.evaluate.identify import (
    Searches,
    extrapolated_threshold,
    identities,
    impostor_tail,
    largest_measurable,
    measurable,
    repeated_draws,
)
from turnstile.evaluate.protocol import tar_at_far

#: The margin may cost at most this fraction of the grants the threshold alone would give.
MARGIN_COST = 0.01
#: Thresholds at which the stranger false-accept rate is recorded for the admin panel.
CURVE_GRID = tuple(round(0.01 * i, 2) for i in range(101))
#: Margins are rounded up to this step (and thresholds up too: rounding must never loosen).
STEP = 0.005


@dataclass(frozen=True)
class Calibration:
    """A recommended threshold and margin with the evidence behind them."""

    far: float
    gallery_size: int
    threshold: float
    margin: float
    measured: bool
    stranger_searches: int
    stranger_accepts: int
    genuine_searches: int
    genuine_accept_rate: float
    wrong_person_accepts: int
    model: str
    #: Measured stranger false-accept rate at each threshold of CURVE_GRID (what the admin
    #: panel reads from calibration.json to show the rate of any threshold).
    curve: tuple[tuple[float, ...], tuple[float, ...]] = ((), ())

    def explain(self) -> str:
        how = (f"measured on {self.stranger_searches:,} searches by people who are not enrolled "
               f"({self.stranger_accepts} let in)" if self.measured else
               "extrapolated from the 1:1 impostor scores, assuming independent comparisons "
               "(LFW has too few people to measure a gallery this large directly)")
        return (
            f"With {self.gallery_size:,} enrolled people, a similarity threshold of "
            f"{self.threshold:.3f} lets a stranger in about once in {1 / self.far:,.0f} "
            f"attempts ({how}). The margin of {self.margin:.3f} also refuses anyone who "
            f"resembles two enrolled people almost equally. The price is paid by employees: on "
            f"LFW's uncontrolled news photos {100 * self.genuine_accept_rate:.1f}% of enrolled "
            f"people's photos are granted at the first look; the rest must try again (frontal "
            f"faces at a turnstile do better). A lower threshold admits employees more easily "
            f"and strangers more often; because a stranger let in costs far more than an "
            f"employee asked to look again, the threshold is set by the stranger rate and "
            f"rounded up, never down.")

    def to_json(self) -> dict[str, Any]:
        return {"far": self.far, "gallery_size": self.gallery_size,
                "threshold": self.threshold, "margin": self.margin,
                "measured": self.measured, "stranger_searches": self.stranger_searches,
                "stranger_accepts": self.stranger_accepts,
                "genuine_searches": self.genuine_searches,
                "genuine_accept_rate": round(self.genuine_accept_rate, 6),
                "wrong_person_accepts": self.wrong_person_accepts, "model": self.model,
                "explanation": self.explain()}


def _round_up(value: float) -> float:
    return round(float(np.ceil(value / STEP - 1e-9) * STEP), 4)


def choose_margin(mated: Searches, threshold: float) -> float:
    """The largest margin that refuses at most MARGIN_COST of the correct grants."""
    granted = mated.correct & (mated.best >= threshold)
    if not np.any(granted):
        return 0.0
    margins = np.sort(mated.margin[granted])
    allowed = int(np.floor(MARGIN_COST * margins.size))
    margin = float(margins[allowed])
    return round(float(np.floor(margin / STEP) * STEP), 4)


def calibrate(embedded: EmbeddedSet, far: float, gallery_size: int) -> Calibration:
    """Threshold for a stranger false-accept rate `far` against `gallery_size` people."""
    if not 0.0 < far < 1.0:
        raise UsageError(f"--far must be between 0 and 1, not {far}")
    if gallery_size < 1:
        raise UsageError("--gallery-size must be at least 1")
    names = identities(embedded.paths)
    codes = np.unique(names, return_inverse=True)[1].astype(np.int64)
    size = gallery_size if measurable(codes, gallery_size) else largest_measurable(codes)
    if size < 1:
        raise UsageError("calibration needs images of at least two people")
    mated, strangers, _ = repeated_draws(embedded, codes, size, far)
    measured = size == gallery_size
    if measured:
        threshold = _round_up(tar_at_far(mated.best, strangers.best, far).threshold)
    else:
        tail, total = impostor_tail(embedded, codes)
        threshold = _round_up(extrapolated_threshold(gallery_size, far, tail, total))
    # With one enrolled person there is no runner-up, so no margin to require.
    margin = choose_margin(mated, threshold) if gallery_size > 1 else 0.0
    stranger_ok = (strangers.best >= threshold) & (strangers.margin >= margin)
    mated_ok = (mated.best >= threshold) & (mated.margin >= margin)
    ordered = np.sort(strangers.best)
    rates = 1.0 - np.searchsorted(ordered, CURVE_GRID, side="left") / ordered.size
    return Calibration(far, gallery_size, threshold, margin, measured,
                       int(strangers.best.size), int(np.count_nonzero(stranger_ok)),
                       int(mated.best.size), float(np.mean(mated_ok & mated.correct)),
                       int(np.count_nonzero(mated_ok & ~mated.correct)), embedded.model,
                       (CURVE_GRID, tuple(float(r) for r in rates)))


def write_curve(path: Path, result: Calibration) -> None:
    """calibration.json beside the config: {"thresholds": [...], "far": [...]} (ascending)."""
    data = {"thresholds": list(result.curve[0]), "far": list(result.curve[1]),
            "gallery_size": result.gallery_size, "model": result.model,
            "measured": result.measured}
    temp = path.with_name(path.name + ".new")
    temp.write_text(json.dumps(data) + "\n", encoding="utf-8")
    temp.replace(path)


def write_config(path: Path, threshold: float, margin: float, comment: str) -> None:
    """Set recognition.threshold and .margin in a TOML file through the one config writer
    (everything else and every comment kept; validated before the file is replaced). The
    comment goes at the end of the threshold's line, replacing the previous calibration's."""
    values = {"recognition.threshold": float(f"{threshold:.4g}"),
              "recognition.margin": float(f"{margin:.4g}")}
    write_settings(path, values, notes={"recognition.threshold": comment})
