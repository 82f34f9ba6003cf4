"""`turnstile bench soak`: the real pipeline for N frames while another process enrols/erases.

Samples the process's resident memory, threads, open file descriptors, the WAL's size and
frames per second every `every` frames; the summary gives the RSS slope per 10,000 frames
after the warm-up (least squares), which must stay near zero for a kiosk that runs for months.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Frames between samples.
SAMPLE_EVERY = 500
#: Share of the run left out of the slope: caches, allocator arenas and the gallery settle.
WARMUP_SHARE = 0.2


@dataclass(frozen=True)
class Sample:
    frames: int
    seconds: float
    rss_mib: float
    threads: int
    fds: int
    wal_kib: float
    fps: float


@dataclass
class SoakReport:
    frames: int
    seconds: float
    clips: list[str]
    decisions: dict[str, int]
    faults: int
    enrolments: int
    erasures: int
    samples: list[Sample] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        after = [s for s in self.samples if s.frames >= self.frames * WARMUP_SHARE]
        return {
            "frames": self.frames,
            "seconds": round(self.seconds, 1),
            "fps_median": _median([s.fps for s in after]),
            "rss_slope_mib_per_10k_frames": round(slope(after), 3),
            "rss_mib_first_last": [self.samples[0].rss_mib, self.samples[-1].rss_mib]
            if self.samples else [],
            "threads_range": _range([s.threads for s in after]),
            "fds_range": _range([s.fds for s in after]),
            "wal_kib_max": max((s.wal_kib for s in self.samples), default=0.0),
            "decisions": self.decisions,
            "faults": self.faults,
            "enrolments": self.enrolments,
            "erasures": self.erasures,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "clips": self.clips,
                "samples": [asdict(s) for s in self.samples]}


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return round(value, 2)


def _range(values: Sequence[int]) -> list[int]:
    return [min(values), max(values)] if values else []


def slope(samples: Sequence[Sample]) -> float:
    """Least-squares RSS growth in MiB per 10,000 frames."""
    if len(samples) < 2:
        return 0.0
    xs = [s.frames for s in samples]
    ys = [s.rss_mib for s in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var * 10_000


def rss_mib() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 2)
    except (OSError, ValueError, IndexError):  # not Linux: the peak is the best we have
        import resource

        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 2)


def os_threads() -> int:
    """Every thread of the process (onnxruntime's and Qt's too, not only Python's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return threading.active_count()


def open_fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return -1


def _churn(database: str, stop: Any, counts: Any, dimension: int, model: str) -> None:
    """The second process: an operator enrolling and erasing people all the while."""
    import numpy as np

    from turnstile.store.records import NewTemplate
    from turnstile.store.sqlite import SQLiteStore

    store = SQLiteStore.open(database)
    rng = np.random.default_rng(1)
    number = 0
    while not stop.is_set():
        vectors = rng.standard_normal((3, dimension)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        with store.transaction():
            person = store.people.add(f"Soak {number}")
            store.templates.add(person.id, model, dimension,
                                [NewTemplate(v, "soak") for v in vectors])
        counts[0] += 1
        people = store.people.all()
        if len(people) > 40:
            store.people.erase(people[0].id)
            counts[1] += 1
        number += 1
        stop.wait(0.5)
    store.close()


def soak(clips: Sequence[Path], frames: int, database: Path | None = None,
         every: int = SAMPLE_EVERY, progress: Callable[[Sample], None] | None = None
         ) -> SoakReport:
    """Run the kiosk's pipeline over the looping clips for `frames` frames."""
    from turnstile.access.camera import VideoFileSource
    from turnstile.access.door import SimulatedDoor
    from turnstile.access.pipeline import FrameResult, Pipeline, run
    from turnstile.config import Config
    from turnstile.store.sqlite import SQLiteStore
    from turnstile.vision.engine import Engine

    scratch = tempfile.TemporaryDirectory()
    database = database or Path(scratch.name) / "soak.db"
    config = Config()
    engine = Engine.from_config(config)
    store = SQLiteStore.open(database)
    gallery = engine.gallery(store)
    pipeline = Pipeline.build(config, engine, gallery, SimulatedDoor(config.door.pulse_s))
    context = multiprocessing.get_context("spawn")
    stop, counts = context.Event(), context.Array("i", [0, 0])
    churn = context.Process(target=_churn, args=(str(database), stop, counts,
                                                 engine.embedder.dimension,
                                                 engine.embedder.name), daemon=True)
    churn.start()
    source = _Clips([VideoFileSource(c, loop=True) for c in clips])
    halt = threading.Event()
    report = SoakReport(0, 0.0, [str(c) for c in clips], {}, 0, 0, 0)
    started = last_time = time.monotonic()
    last_frames = 0

    def on_result(result: FrameResult) -> None:
        nonlocal last_time, last_frames
        report.frames += 1
        if report.frames % every == 0 or report.frames == frames:
            now = time.monotonic()
            wal = Path(f"{database}-wal")
            sample = Sample(report.frames, round(now - started, 2), rss_mib(),
                            os_threads(), open_fds(),
                            round(wal.stat().st_size / 1024, 1) if wal.exists() else 0.0,
                            round((report.frames - last_frames) / max(now - last_time, 1e-9), 2))
            last_time, last_frames = now, report.frames
            report.samples.append(sample)
            if progress is not None:
                progress(sample)
        if report.frames >= frames:
            halt.set()

    try:
        summary = run(source, pipeline, on_result, camera=config.camera, reconnect=False,
                      stop=halt)
    finally:
        stop.set()
        churn.join(10)
        store.close()
        scratch.cleanup()
    report.seconds = time.monotonic() - started
    report.decisions = {o.value: n for o, n in summary.outcomes.items()}
    report.faults = summary.faults
    report.enrolments, report.erasures = int(counts[0]), int(counts[1])
    return report


class _Clips:
    """Several looping clips played one after the other, for ever."""

    name = "soak clips"

    def __init__(self, sources: Sequence[Any]) -> None:
        self.sources = sources

    def frames(self) -> Any:
        from turnstile.access.camera import Frame

        index = 0
        while True:
            for source in self.sources:
                for count, frame in enumerate(source.frames()):
                    yield Frame(frame.image, index, frame.time_s, frame.at)
                    index += 1
                    if count >= 600:  # 20 s of each clip, then the next one
                        break


def plot(report: dict[str, Any], target: Path) -> None:
    """RSS, threads and WAL size against frames (matplotlib, headless)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    samples = report["samples"]
    xs = [s["frames"] for s in samples]
    figure, axes = plt.subplots(3, 1, figsize=(7, 6), sharex=True)
    for axis, key, label in ((axes[0], "rss_mib", "RSS (MiB)"), (axes[1], "threads", "threads"),
                             (axes[2], "wal_kib", "WAL (KiB)")):
        axis.plot(xs, [s[key] for s in samples])
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
    axes[0].set_title(f"turnstile bench soak: {report['summary']['frames']} frames, RSS slope "
                      f"{report['summary']['rss_slope_mib_per_10k_frames']} MiB/10k frames")
    axes[2].set_xlabel("frames")
    figure.tight_layout()
    figure.savefig(target, dpi=90)
    plt.close(figure)


def main_progress(sample: Sample) -> None:
    print(f"soak: {sample.frames} frames  {sample.rss_mib:.1f} MiB  {sample.threads} threads  "
          f"{sample.fds} fds  WAL {sample.wal_kib:.0f} KiB  {sample.fps:.1f} fps",
          file=sys.stderr, flush=True)
