"""Interleaved A/B timing for the benchmark scripts, and real face frames to time them on."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from turnstile.bench.frames import RESOLUTIONS, default_video, fit, read_frames
from turnstile.bench.timing import Stat, summarize
from turnstile.types import Image


def interleaved(variants: Mapping[str, Callable[[int], object]], warmup: int,
                repeat: int) -> dict[str, tuple[Stat, Stat]]:
    """Time each variant in turn, round-robin, so load changes on a shared machine hit all.

    Returns (wall, cpu) milliseconds per call; `call(i)` gets the round index to cycle
    through inputs. CPU time (all threads of this process, spinning included) is what a
    busy machine distorts least, and on 2 cores it is the budget that matters.
    """
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for i in range(warmup + repeat):
        for name, call in variants.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            call(i)
            if i >= warmup:
                wall[name].append((time.perf_counter() - start) * 1000.0)
                cpu[name].append((time.process_time() - start_cpu) * 1000.0)
    return {name: (summarize(wall[name]), summarize(cpu[name])) for name in variants}


def clip_frames(count: int = 16, size: tuple[int, int] = RESOLUTIONS[0],
                source: Path | None = None) -> list[Image]:
    video = source or default_video()
    if video is None:
        raise SystemExit("the shared benchmark clip is missing; pass a video")
    return [fit(f, size) for f in read_frames(video, count)]


def print_table(title: str, stats: Mapping[str, tuple[Stat, Stat]]) -> None:
    print(f"\n{title}   (load average {os.getloadavg()[0]:.2f})")
    print(f"{'variant':44} {'wall med':>8} {'wall p90':>8} {'cpu med':>8} {'cpu p90':>8}  ms")
    for name, (wall, cpu) in stats.items():
        print(f"{name:44} {wall.median:8.2f} {wall.p90:8.2f} {cpu.median:8.2f} {cpu.p90:8.2f}")
