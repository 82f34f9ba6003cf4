"""The kiosk's following detector against the full look, frame by frame on the real clips.

Usage: python benchmarks/follow_detection.py [FRAMES] [--follow PX ...]. Each clip in the
shared videos folder is played in order (its first FRAMES frames, fitted to 640x480 and to
1280x720) through detector.follow_face_px = PX (default 112) and through the usual full look.
Recall: the full look's largest face found again by the follower (IoU >= 0.5). Crop: cosine
between the embeddings of the crops aligned on the two sets of landmarks (1.0: the same crop).
Genuine: similarity of each frame's single-view embedding (as the kiosk searches) to the clip's
enrolment (the first frame's mirrored-sum embedding, as the kiosk enrols). Detection time is
the follower's per frame in the same run (wall and CPU medians, ms).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from turnstile.bench.frames import RESOLUTIONS, fit, read_frames, resolution_key
from turnstile.bench.timing import summarize
from turnstile.config import Config, DetectorConfig, ModelsConfig
from turnstile.types import Face, Image
from turnstile.vision import models
from turnstile.vision.align import align
from turnstile.vision.detect import FollowingDetector, YuNetDetector
from turnstile.vision.engine import Engine

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "videos"


def embed(engine: Engine, frame: Image, face: Face, flip: bool) -> np.ndarray:
    return np.asarray(engine.embedder.embed([align(frame, face)], flip=flip)[0])


def run(engine: Engine, detector: YuNetDetector, clip: list[Image],
        follow: int) -> dict[str, list[float]]:
    follower = FollowingDetector(detector, DetectorConfig(follow_face_px=follow))
    out: dict[str, list[float]] = {"found": [], "crop": [], "genuine_full": [],
                                   "genuine_follow": [], "wall": [], "cpu": []}
    enrolment: np.ndarray | None = None
    for frame in clip:
        start, start_cpu = time.perf_counter(), time.process_time()
        followed = follower.detect(frame)
        out["wall"].append((time.perf_counter() - start) * 1000.0)
        out["cpu"].append((time.process_time() - start_cpu) * 1000.0)
        full = detector.detect(frame)
        if not full:
            continue
        if enrolment is None:
            enrolment = embed(engine, frame, full[0], flip=True)
            continue
        hit = bool(followed) and followed[0].box.iou(full[0].box) >= 0.5
        out["found"].append(float(hit))
        reference = embed(engine, frame, full[0], flip=False)
        out["genuine_full"].append(float(reference @ enrolment))
        if hit:
            mine = embed(engine, frame, followed[0], flip=False)
            out["crop"].append(float(mine @ reference))
            out["genuine_follow"].append(float(mine @ enrolment))
    return out


def pct(values: list[float]) -> str:
    """Median / 10th percentile."""
    array = np.array(values) if values else np.array([np.nan])
    return f"{np.median(array):.3f} / {np.percentile(array, 10):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frames", type=int, nargs="?", default=150)
    parser.add_argument("--follow", type=int, nargs="+", default=[112])
    args = parser.parse_args()
    config = Config(models=ModelsConfig(device="cpu"))
    engine = Engine.from_config(config)
    detector = YuNetDetector(models.model_path(config.models.models_dir(), models.DETECTOR),
                             config.detector)
    print("| frames | follow px | clip | recall | crop cosine median / p10 | genuine median / "
          "p10, full look | genuine median / p10, following | detection wall / CPU ms |\n"
          "|---|---|---|---|---|---|---|---|")
    for size in RESOLUTIONS:
        clips = {v.stem: [fit(f, size) for f in read_frames(v, args.frames)]
                 for v in sorted(VIDEOS.glob("*.mp4"))}
        for follow in args.follow:
            for name, clip in clips.items():
                r = run(engine, detector, clip, follow)
                print(f"| {resolution_key(size)} | {follow} | {name} | "
                      f"{int(sum(r['found']))}/{len(r['found'])} | {pct(r['crop'])} | "
                      f"{pct(r['genuine_full'])} | {pct(r['genuine_follow'])} | "
                      f"{summarize(r['wall']).median:.1f} / {summarize(r['cpu']).median:.1f} |",
                      flush=True)


if __name__ == "__main__":
    main()
