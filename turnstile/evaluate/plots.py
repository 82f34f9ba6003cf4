"""PNG charts for people who run the door: score histograms, ROC and DET with the threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, NullFormatter

from turnstile.evaluate.protocol import Curve, far_at, roc_curve

GENUINE_COLOR = "#1b7837"
IMPOSTOR_COLOR = "#b2182b"


def one_in(value: float, _: object = None) -> str:
    """A rate as a security manager reads it: "1 in 10,000" rather than 1e-4."""
    if value <= 0:
        return "never"
    if value >= 0.5:
        return f"{100 * value:.0f}%"
    return f"1 in {round(1 / value):,}"


def _histogram(ax: Axes, genuine: npt.NDArray[np.floating],
               impostor: npt.NDArray[np.floating], threshold: float) -> None:
    ax.hist(impostor, bins=130, range=(-0.3, 1.0), density=True, alpha=0.6, color=IMPOSTOR_COLOR,
            label=f"different people ({impostor.size:,} pairs)")
    ax.hist(genuine, bins=130, range=(-0.3, 1.0), density=True, alpha=0.6, color=GENUINE_COLOR,
            label=f"same person ({genuine.size:,} pairs)")
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1.5)
    ax.text(threshold + 0.01, ax.get_ylim()[1] * 0.92, f"door opens\nabove {threshold:.3f}",
            fontsize=9, va="top")
    ax.set_yscale("log")
    ax.set_xlabel("similarity score (higher = more alike)")
    ax.set_ylabel("share of pairs (log scale)")
    ax.set_title("Scores: strangers (red) vs the same person (green)")
    ax.legend(loc="upper left", fontsize=8)


def _mark(ax: Axes, x: float, y: float, label: str) -> None:
    ax.plot([x], [y], "ko", markersize=6)
    ax.annotate(label, (x, y), textcoords="offset points", xytext=(8, -14), fontsize=8)


def _roc(ax: Axes, curve: Curve, far: float, tar: float, threshold: float) -> None:
    ax.plot(curve.far, curve.tar, color="#2166ac", linewidth=2)
    ax.set_xscale("log")
    ax.set_xlim(max(curve.far[curve.far > 0].min(), 1e-7), 1.0)
    _rate_axis(ax.xaxis)
    ax.tick_params(axis="x", labelrotation=25)
    ax.set_ylim(max(0.0, float(np.interp(1e-6, curve.far, curve.tar)) - 0.05), 1.005)
    ax.set_xlabel("strangers let in (false accepts)")
    ax.set_ylabel("same person let in (true accepts)")
    ax.set_title("ROC: more employees let in costs more strangers let in")
    ax.grid(True, which="major", alpha=0.3)
    lowest = float(curve.far[curve.far > 0].min())
    _mark(ax, max(far, lowest), tar,
          f"threshold {threshold:.3f}: strangers let in {one_in(far)},\n"
          f"same person let in {100 * tar:.1f}%")


def _rate_axis(axis: Any) -> None:
    axis.set_major_formatter(FuncFormatter(one_in))
    axis.set_minor_formatter(NullFormatter())


def _det(ax: Axes, curve: Curve, far: float, frr: float, threshold: float,
         impostors: int) -> None:
    keep = (curve.far > 0) & (curve.frr > 0)
    ax.plot(curve.far[keep], curve.frr[keep], color="#762a83", linewidth=2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _rate_axis(ax.xaxis)
    _rate_axis(ax.yaxis)
    ax.tick_params(axis="x", labelrotation=25)
    ax.set_xlim(0.5 / impostors, 1.0)
    lowest = float(curve.frr[keep].min()) if np.any(keep) else 1e-3
    ax.set_ylim(min(lowest, frr if frr > 0 else 1.0, 1e-3) / 2, 1.0)
    ax.set_xlabel("strangers let in (false accepts)")
    ax.set_ylabel("employees held back (false rejects)")
    ax.set_title("DET: both errors; lower left is better")
    ax.grid(True, which="major", alpha=0.3)
    shown_far = far if far > 0 else 0.5 / impostors
    label = f"threshold {threshold:.3f}" + ("" if far > 0 else
                                             f"\n(no stranger of {impostors:,} passed)")
    _mark(ax, shown_far, max(frr, ax.get_ylim()[0]), label)


def verification_figure(genuine: npt.NDArray[np.floating], impostor: npt.NDArray[np.floating],
                        threshold: float, title: str, out: Path) -> None:
    """Histogram, ROC and DET side by side, each marking the operating threshold."""
    curve = roc_curve(genuine, impostor)
    far = far_at(impostor, threshold)
    tar = float(np.mean(np.asarray(genuine) >= threshold))
    figure, axes = plt.subplots(1, 3, figsize=(18, 5.5))
    _histogram(axes[0], genuine, impostor, threshold)
    _roc(axes[1], curve, far, tar, threshold)
    _det(axes[2], curve, far, 1.0 - tar, threshold, int(np.asarray(impostor).size))
    figure.suptitle(f"{title} - at threshold {threshold:.3f}: strangers let in {one_in(far)}, "
                    f"same person refused {100 * (1 - tar):.1f}%", fontsize=12)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)


def det_figure(curves: dict[str, tuple[Curve, float, float]], title: str, out: Path) -> None:
    """DET curves of open-set identification (one per gallery), each with its threshold."""
    figure, ax = plt.subplots(figsize=(8, 6))
    for label, (curve, far, frr) in curves.items():
        keep = (curve.far > 0) & (curve.frr > 0)
        ax.plot(curve.far[keep], curve.frr[keep], linewidth=2, label=label)
        ax.plot([max(far, 1e-7)], [max(frr, 1e-4)], "ko", markersize=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _rate_axis(ax.xaxis)
    _rate_axis(ax.yaxis)
    ax.tick_params(axis="x", labelrotation=25)
    ax.set_xlabel("strangers let in (false-positive identification rate)")
    ax.set_ylabel("employees held back or taken for someone else (1 - DIR)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)
