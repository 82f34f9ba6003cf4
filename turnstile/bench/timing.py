"""Repeated timing after warm-up, summarised as median and 90th percentile."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Stat:
    """Median and 90th percentile of repeated measurements (same unit as the samples)."""

    median: float
    p90: float
    runs: int

    def as_dict(self, digits: int = 3) -> dict[str, float | int]:
        return {"median": round(self.median, digits), "p90": round(self.p90, digits),
                "runs": self.runs}


def summarize(samples: Sequence[float]) -> Stat:
    if not samples:
        raise ValueError("no samples to summarise")
    values = np.asarray(samples, np.float64)
    return Stat(float(np.median(values)), float(np.percentile(values, 90)), len(samples))


def time_ms(call: Callable[[int], object], warmup: int, repeat: int) -> Stat:
    """Call `call(i)` warmup times untimed, then `repeat` times timed, in milliseconds.

    The index lets the caller rotate through its inputs so caches see real variety.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for i in range(warmup):
        call(i)
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        call(warmup + i)
        samples.append((time.perf_counter() - start) * 1000.0)
    return summarize(samples)
