"""The real kiosk loop under the benchmark: Pipeline on a paced, newest-frame-only camera.

The clip plays as a 30 fps camera (VideoFileSource, paced) behind LatestFrameSource, the
kiosk's own wrapper, so a slow pipeline skips frames exactly as it would at the door.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from turnstile.access.camera import CameraSource, Frame, LatestFrameSource, VideoFileSource
from turnstile.access.door import SimulatedDoor
from turnstile.access.pipeline import FrameResult, Pipeline, run
from turnstile.bench.frames import fit
from turnstile.config import Config
from turnstile.store.gallery import Gallery
from turnstile.types import Image, Outcome
from turnstile.vision.engine import Engine


class FittedSource:
    """Another source's frames fitted to a camera resolution (what the camera mode gives)."""

    def __init__(self, inner: CameraSource, size: tuple[int, int]) -> None:
        self.inner = inner
        self.size = size

    @property
    def name(self) -> str:
        return self.inner.name

    def frames(self) -> Iterator[Frame]:
        for frame in self.inner.frames():
            yield replace(frame, image=fit(frame.image, self.size))


def build_pipeline(config: Config, engine: Engine, gallery: Gallery) -> Pipeline:
    """A pipeline with a simulated door; events go to the gallery's connection."""
    return Pipeline.build(config, engine, gallery, SimulatedDoor(config.door.pulse_s),
                          source_name="benchmark")


def process(pipeline: Pipeline, image: Image, index: int = 0) -> FrameResult:
    """One frame to its decision through the real pipeline (policy, door, event log)."""
    return pipeline.process(Frame(image, index, 0.0, datetime.now()))


@dataclass(frozen=True)
class LoopRun:
    """One run of the kiosk loop: frames it processed, how long, what it decided."""

    processed: int
    seconds: float
    dropped: int
    first_grant_s: float | None

    @property
    def fps(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0


def run_loop(config: Config, engine: Engine, gallery: Gallery, video: Path,
             size: tuple[int, int], seconds: float, stop_at_grant: bool = False) -> LoopRun:
    """Play `video` as a paced camera into a fresh pipeline for `seconds` (or the first grant).

    first_grant_s: from the camera opening to the first GRANTED decision, None if none.
    """
    camera = LatestFrameSource(FittedSource(VideoFileSource(video, loop=True, pace=True), size),
                               config.camera.stall_s)
    pipeline = build_pipeline(config, engine, gallery)
    stop = threading.Event()
    processed = 0
    first_grant: float | None = None
    start = time.perf_counter()

    def on_result(result: FrameResult) -> None:
        nonlocal processed, first_grant
        processed += 1
        elapsed = time.perf_counter() - start
        if result.decision.outcome is Outcome.GRANTED and first_grant is None:
            first_grant = elapsed
            if stop_at_grant:
                stop.set()
        if elapsed >= seconds:
            stop.set()

    run(camera, pipeline, on_result, camera=config.camera, reconnect=False, stop=stop)
    return LoopRun(processed, time.perf_counter() - start, camera.dropped, first_grant)
