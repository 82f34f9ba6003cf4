"""Repeated timing after warm-up, summarised as median and 90th percentile."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Stat:
    """Median and 90th percentile of repeated measurements (same unit as the samples).

    cpu_median: median CPU time of this process per call (all its threads), when measured;
    on a shared machine it moves far less with other people's load than wall time does.
    """

    median: float
    p90: float
    runs: int
    cpu_median: float | None = None

    def as_dict(self, digits: int = 3) -> dict[str, float | int]:
        out: dict[str, float | int] = {"median": round(self.median, digits),
                                       "p90": round(self.p90, digits), "runs": self.runs}
        if self.cpu_median is not None:
            out["cpu_median"] = round(self.cpu_median, digits)
        return out


def summarize(samples: Sequence[float], cpu: Sequence[float] = ()) -> Stat:
    if not samples:
        raise ValueError("no samples to summarise")
    values = np.asarray(samples, np.float64)
    return Stat(float(np.median(values)), float(np.percentile(values, 90)), len(samples),
                float(np.median(cpu)) if len(cpu) else None)


def time_ms(call: Callable[[int], object], warmup: int, repeat: int) -> Stat:
    """Call `call(i)` warmup times untimed, then `repeat` times timed, in milliseconds.

    The index lets the caller rotate through its inputs so caches see real variety.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for i in range(warmup):
        call(i)
    samples, cpu = [], []
    for i in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        call(warmup + i)
        samples.append((time.perf_counter() - start) * 1000.0)
        cpu.append((time.process_time() - start_cpu) * 1000.0)
    return summarize(samples, cpu)
