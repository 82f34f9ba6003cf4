"""The vendored MiniFASNet models on real data: NUAA prints, phone photos, every live frame.

Scores (live probability) are collected for: NUAA's live faces and printed-photo attacks
(every image of the subset; none of its subjects trained the models), the four
antispoof_samples phone photos, every frame with a face of every live clip, and optionally
every frame of generated attack videos (--attack, one folder per family). APCER and BPCER
are reported at several thresholds; a frame or image where no face is found is counted and
left out.

    python benchmarks/liveness/minifasnet_eval.py --datasets ../shared/datasets \
        [--attack /somewhere/attacks/flat_face ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from turnstile.access.liveness.evaluate import read_video, video_files
from turnstile.access.liveness.minifasnet import MiniFasNet
from turnstile.access.liveness.passive import image_files
from turnstile.config import Config
from turnstile.types import Face, Image
from turnstile.vision.detect import FaceDetector
from turnstile.vision.engine import build_detector
from turnstile.vision.imageio import ImageError, read_image

THRESHOLDS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)


def _face(detector: FaceDetector, image: Image) -> tuple[Image, Face] | None:
    """The largest face; tight crops (NUAA) are padded so the detector finds them."""
    faces = detector.detect(image)
    if not faces:
        pad = image.shape[0] * 2 // 5
        image = np.asarray(cv2.copyMakeBorder(image, pad, pad, pad, pad,
                                              cv2.BORDER_CONSTANT), np.uint8)
        faces = detector.detect(image)
    return (image, max(faces, key=lambda f: f.box.size)) if faces else None


def image_scores(model: MiniFasNet, detector: FaceDetector, files: list[Path]) -> dict[str, Any]:
    scores, missed = [], 0
    for path in files:
        try:
            found = _face(detector, read_image(path))
        except ImageError:
            found = None
        if found is None:
            missed += 1
            continue
        scores.append(model.live(*found))
    return {"scores": scores, "no_face": missed}


def video_scores(model: MiniFasNet, detector: FaceDetector, files: list[Path],
                 every: int = 1) -> dict[str, Any]:
    scores, missed = [], 0
    for path in files:
        for index, (_, frame) in enumerate(read_video(path)):
            if index % every:
                continue
            faces = detector.detect(frame)
            if not faces:
                missed += 1
                continue
            scores.append(model.live(frame, max(faces, key=lambda f: f.box.size)))
    return {"scores": scores, "no_face": missed}


def summary(scores: list[float], bona_fide: bool) -> dict[str, Any]:
    arr = np.asarray(scores)
    rate = "bpcer" if bona_fide else "apcer"
    out: dict[str, Any] = {"n": len(arr)}
    if len(arr):
        out["percentiles_5_50_95"] = np.percentile(arr, (5, 50, 95)).round(4).tolist()
        out[rate] = {str(t): round(float(np.mean(arr < t) if bona_fide else np.mean(arr >= t)),
                                   4) for t in THRESHOLDS}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, required=True)
    parser.add_argument("--attack", type=Path, action="append", default=[])
    parser.add_argument("--attack-every", type=int, default=3, help="score every Nth frame")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    model = MiniFasNet()
    detector = build_detector(Config())
    nuaa = args.datasets / "nuaa_subset"
    samples = args.datasets / "antispoof_samples"
    sets: dict[str, tuple[dict[str, Any], bool]] = {
        "nuaa live": (image_scores(model, detector, image_files([nuaa / "ClientFace"])), True),
        "nuaa print": (image_scores(model, detector, image_files([nuaa / "ImposterFace"])),
                       False),
        "samples live": (image_scores(model, detector, sorted(samples.glob("image_T*.jpg"))),
                         True),
        "samples attack": (image_scores(model, detector, sorted(samples.glob("image_F*.jpg"))),
                           False),
    }
    for clip in video_files([args.datasets / "videos"]):
        sets[f"live clip {clip.stem}"] = (video_scores(model, detector, [clip]), True)
    for folder in args.attack:
        sets[f"attack {folder.name}"] = (video_scores(model, detector, video_files([folder]),
                                                      args.attack_every), False)
    report = {}
    for name, (found, bona_fide) in sets.items():
        report[name] = {"no_face": found["no_face"], **summary(found["scores"], bona_fide)}
        if name.startswith("samples"):
            report[name]["scores"] = [round(s, 4) for s in found["scores"]]
        print(name, json.dumps(report[name]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
