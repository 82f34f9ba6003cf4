"""What following a decided face saves: embedder runs and CPU per frame, tracking on vs off.

Usage: python benchmarks/tracking.py [SECONDS]. Each clip in the shared videos folder is
replayed (video time, unpaced, 640x480) through the kiosk's Pipeline with the default config
and 10,000 enrolled people (the clip's person from its first frame, the rest synthetic), once
with `policy.track_iou` at its default and once at 0 (every frame recognised). Reported per
run: frames, grants, embedder runs and CPU milliseconds per frame (median over the frames after
the first grant, when the person is being followed, and over all frames).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from turnstile.access.camera import VideoFileSource
from turnstile.bench.frames import fit, read_frames
from turnstile.bench.kiosk import FittedSource, build_pipeline
from turnstile.bench.synthetic import fill_gallery, unit_vectors
from turnstile.config import Config, ModelsConfig, replace
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Outcome
from turnstile.vision.engine import Engine

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "videos"
SIZE = (640, 480)


class CountingEmbedder:
    """The engine's embedder, counting its runs (the Embedder protocol)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.runs = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def embed(self, crops: list[np.ndarray], flip: bool | None = None) -> np.ndarray:
        self.runs += 1
        return self.inner.embed(crops, flip=flip)  # type: ignore[attr-defined, no-any-return]


def replay(config: Config, engine: Engine, video: Path, seconds: float) -> str:
    store = SQLiteStore.open(":memory:")
    gallery = engine.gallery(store)
    first = fit(read_frames(video, 1)[0], SIZE)
    person = store.people.add("clip person")
    store.templates.add(person.id, gallery.model, gallery.dimension,
                        [NewTemplate(engine.analyze(first)[0].embedding)])
    fill_gallery(gallery, unit_vectors(9_999, gallery.dimension, seed=1))
    counting = CountingEmbedder(engine.embedder)
    pipeline = build_pipeline(config, Engine(engine.detector, counting),  # type: ignore[arg-type]
                              gallery)
    cpu: list[float] = []
    followed: list[float] = []
    grants = 0
    for frame in FittedSource(VideoFileSource(video), SIZE).frames():
        if frame.time_s > seconds:
            break
        start = time.process_time()
        result = pipeline.process(frame)
        cpu.append((time.process_time() - start) * 1000.0)
        if grants:
            followed.append(cpu[-1])
        grants += result.decision.outcome is Outcome.GRANTED
    after = f"{np.median(followed):.1f}" if followed else "-"
    return (f"{len(cpu)} | {grants} | {counting.runs} | {after} | {np.median(cpu):.1f}")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    config = Config(models=ModelsConfig(device="cpu"))
    engine = Engine.from_config(config)
    print("| clip | tracking | frames | grants | embedder runs | CPU ms/frame after the grant | "
          "CPU ms/frame, all |\n|---|---|---|---|---|---|---|")
    for video in sorted(VIDEOS.glob("*.mp4")):
        for label, iou in (("on (0.5)", config.policy.track_iou), ("off", 0.0)):
            variant = replace(config, policy=replace(config.policy, track_iou=iou))
            print(f"| {video.stem} | {label} | {replay(variant, engine, video, seconds)} |",
                  flush=True)


if __name__ == "__main__":
    main()
