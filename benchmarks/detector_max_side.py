"""Detection on a downscaled frame: speed and recall per DetectorConfig.max_side.

Usage: python benchmarks/detector_max_side.py [STEP] [REPEAT]. For every clip in the shared
videos folder, every STEP-th frame is fitted to 1280x720 and 640x480 and detected at full
size (the reference) and with each max_side. Recall: reference's largest face found again
(IoU >= 0.5). Fidelity: cosine between the embedding aligned on the reference landmarks and
on the downscaled detection's landmarks (1.0 = the same crop). Genuine: similarity of each
frame's face to the same clip's first face (detected at full size), as a verification
against an enrolment would see it. Speed is interleaved; pass REPEAT 0 to skip it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from turnstile.bench.abtest import interleaved, print_table
from turnstile.bench.frames import RESOLUTIONS, fit, read_frames, resolution_key
from turnstile.config import Config, DetectorConfig, ModelsConfig
from turnstile.types import Box
from turnstile.vision import models
from turnstile.vision.align import align
from turnstile.vision.detect import YuNetDetector
from turnstile.vision.engine import Engine

SIDES = (0, 640, 480, 320)


def iou(a: Box, b: Box) -> float:
    x0, y0 = max(a.x, b.x), max(a.y, b.y)
    x1, y1 = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    return inter / (a.area + b.area - inter) if inter else 0.0


def main() -> None:
    step = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    config = Config(models=ModelsConfig(device="cpu"))
    engine = Engine.from_config(config)
    path = models.model_path(config.models.models_dir(), models.DETECTOR)
    detectors = {side: YuNetDetector(path, DetectorConfig(max_side=side)) for side in SIDES}
    videos = sorted((Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
                     / "videos").glob("*.mp4"))
    for size in RESOLUTIONS:
        clips = [[fit(f, size) for f in read_frames(v, 400)[::step]] for v in videos]
        frames = [f for clip in clips for f in clip]
        found = {side: 0 for side in SIDES}
        cosines: dict[int, list[float]] = {side: [] for side in SIDES}
        genuine: dict[int, list[float]] = {side: [] for side in SIDES}
        reference_faces = 0
        enrolled = {}
        for c, clip in enumerate(clips):
            for frame in clip:
                first = detectors[0].detect(frame)
                if first:
                    enrolled[c] = engine.embedder.embed([align(frame, first[0])])[0]
                    break
        owner = [c for c, clip in enumerate(clips) for _ in clip]
        for frame, c in zip(frames, owner, strict=True):
            ref = detectors[0].detect(frame)
            if not ref:
                continue
            reference_faces += 1
            ref_vec = engine.embedder.embed([align(frame, ref[0])])[0]
            for side in SIDES:
                got = [f for f in detectors[side].detect(frame) if iou(f.box, ref[0].box) >= 0.5]
                if got:
                    found[side] += 1
                    vec = engine.embedder.embed([align(frame, got[0])])[0]
                    cosines[side].append(float(vec @ ref_vec))
                    genuine[side].append(float(vec @ enrolled[c]))
        print(f"\n{resolution_key(size)}: {len(frames)} frames of {len(videos)} clips, "
              f"{reference_faces} with a face at full size")
        for side in SIDES:
            cos = np.asarray(cosines[side] or [np.nan])
            gen = np.asarray(genuine[side] or [np.nan])
            print(f"  max_side {side or 'full':>4}: recall {found[side]}/{reference_faces}"
                  f"  cosine to full-size crop: median {np.median(cos):.4f} min {cos.min():.4f}"
                  f"  genuine: median {np.median(gen):.4f} p10 {np.percentile(gen, 10):.4f}"
                  f" min {gen.min():.4f}")
        if not repeat:
            continue
        timed = [f for f in frames if detectors[0].detect(f)]

        def call(side: int, timed: list[np.ndarray] = timed) -> Callable[[int], object]:
            return lambda i: detectors[side].detect(timed[i % len(timed)])

        stats = interleaved({f"max_side {side or 'full'}": call(side) for side in SIDES},
                            warmup=5, repeat=repeat)
        print_table(f"YuNet detection at {resolution_key(size)}", stats)


if __name__ == "__main__":
    main()
