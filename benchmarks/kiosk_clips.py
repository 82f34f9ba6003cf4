"""Measure the kiosk policy's defaults on the real clips: agreement frames K and minimum face size.

Run from the project root: `nice -n 10 .venv/bin/python benchmarks/kiosk_clips.py`.
Each clip's person is enrolled from one frame (ENROL_AT seconds in), then every frame of every
clip is matched against all enrolments. Prints, per clip: face sizes, genuine similarity, the
longest run of impostor frames that would be accepted (what K must exceed) and, for face sizes
made smaller by downscaling, how genuine and impostor similarities move (the minimum face size).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import cv2
import numpy as np

from turnstile.config import Config, ModelsConfig
from turnstile.types import Image
from turnstile.vision.engine import Engine
from turnstile.vision.imageio import read_image

ROOT = Path(__file__).resolve().parents[1]
VIDEOS = ROOT.parent / "shared" / "datasets" / "videos"
#: Seconds into each clip of the frame used for enrolment.
ENROL_AT = 5.0
SIZES = (24, 32, 40, 48, 56, 64, 80, 96)
LFW = ROOT.parent / "shared" / "datasets" / "lfw" / "lfw-deepfunneled"
#: LFW people (one image each) added as distractors, so impostor runs have a chance to occur.
DISTRACTORS = 1000


def frames(path: Path) -> list[Image]:
    capture = cv2.VideoCapture(str(path))
    out: list[Image] = []
    while True:
        ok, image = capture.read()
        if not ok:
            return out
        out.append(np.asarray(image, np.uint8))


def longest_run(flags: list[bool]) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def main() -> int:
    config = Config(models=ModelsConfig(device="cpu"))
    engine = Engine.from_config(config)
    threshold, margin = config.recognition.threshold, config.recognition.margin
    clips = sorted(VIDEOS.glob("*.mp4"))
    if not clips:
        print(f"no clips in {VIDEOS}", file=sys.stderr)
        return 1
    data = {clip.stem: frames(clip) for clip in clips}
    fps = {clip.stem: cv2.VideoCapture(str(clip)).get(cv2.CAP_PROP_FPS) for clip in clips}
    enrolled: dict[str, np.ndarray] = {}
    for name, images in data.items():
        result = engine.embed_largest(images[int(ENROL_AT * fps[name])])
        assert result is not None, name
        enrolled[name] = result.embedding
    for folder in sorted(p for p in LFW.iterdir() if p.is_dir())[:DISTRACTORS]:
        image = read_image(sorted(folder.glob("*.jpg"))[0])
        result = engine.embed_largest(image)
        if result is not None:
            enrolled[f"lfw:{folder.name}"] = result.embedding
    names = list(enrolled)
    print(f"gallery: {len(names)} people ({len(names) - len(data)} LFW distractors)")
    matrix = np.stack([enrolled[n] for n in names])
    print(f"threshold {threshold}, margin {margin}")
    for name, images in data.items():
        sizes, genuine, impostor_runs, accepted, first_face = [], [], [], [], None
        impostor_best = -1.0
        for index, image in enumerate(images):
            found = engine.detector.detect(image)
            if not found:
                accepted.append(False)
                impostor_runs.append(False)
                continue
            first_face = index if first_face is None else first_face
            result = engine.analyze(image, faces=found[:1])[0]
            sizes.append(found[0].box.size)
            scores = matrix @ result.embedding
            own = names.index(name)
            genuine.append(float(scores[own]))
            others = np.delete(scores, own)
            order = np.argsort(-scores)
            top, second = scores[order[0]], scores[order[1]]
            accepted.append(bool(order[0] == own and top >= threshold and top - second >= margin))
            impostor_best = max(impostor_best, float(others.max()))
            impostor_runs.append(bool(order[0] != own and top >= threshold
                                      and top - second >= margin))
        ok_run = first_k = None
        for k in (1, 2, 3, 4, 5):
            run = 0
            for index, flag in enumerate(accepted):
                run = run + 1 if flag else 0
                if run == k:
                    if k == 3:
                        first_k = index
                    break
        ok_run = longest_run(accepted)
        print(f"{name}: {len(images)} frames at {fps[name]:.2f} fps; face in "
              f"{len(sizes)} frames, first at frame {first_face}; size min/median/max "
              f"{min(sizes):.0f}/{statistics.median(sizes):.0f}/{max(sizes):.0f} px")
        print(f"  genuine sim min/median {min(genuine):.3f}/{statistics.median(genuine):.3f}; "
              f"frames >= threshold {sum(accepted)}/{len(sizes)}, longest run {ok_run}; "
              f"3rd agreeing frame at {first_k}")
        print(f"  best impostor sim {impostor_best:.3f}; longest impostor run "
              f"{longest_run(impostor_runs)}")
        delays = []
        for k in range(1, 8):
            run, hit = 0, None
            for index, flag in enumerate(accepted):
                run = run + 1 if flag else 0
                if run == k:
                    hit = index
                    break
            delay = None if hit is None or first_face is None else (hit - first_face) / fps[name]
            delays.append(f"K={k}: {delay}")
        print("  time from first face to K agreeing frames (s): " + ", ".join(
            f"{d}" for d in delays))
    print("downscaled faces: size -> detected %, genuine median sim, impostor max sim")
    for size in SIZES:
        detected = total = 0
        genuine_s: list[float] = []
        impostor_s: list[float] = []
        for name, images in data.items():
            for image in images[::10]:
                found = engine.detector.detect(image)
                if not found:
                    continue
                factor = size / found[0].box.size
                if factor >= 1.0:
                    continue
                total += 1
                small = np.asarray(cv2.resize(image, None, fx=factor, fy=factor,
                                              interpolation=cv2.INTER_AREA), np.uint8)
                again = engine.detector.detect(small)
                if not again:
                    continue
                detected += 1
                result = engine.analyze(small, faces=again[:1])[0]
                scores = matrix @ result.embedding
                own = names.index(name)
                genuine_s.append(float(scores[own]))
                impostor_s.append(float(np.delete(scores, own).max()))
        if genuine_s:
            print(f"  {size:3d} px: {100 * detected / max(total, 1):5.1f} % detected, genuine "
                  f"median {statistics.median(genuine_s):.3f} (>= thr "
                  f"{100 * np.mean(np.array(genuine_s) >= threshold):.0f} %), impostor max "
                  f"{max(impostor_s):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
