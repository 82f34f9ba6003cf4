"""LFW View 2 with the dlib-based face_recognition library, scored by Turnstile's own protocol.

Optional peer benchmark: run it with a Python that has `dlib-bin`, `face-recognition-models` and
`face_recognition` (installed with --no-deps so the source `dlib` is not built) plus numpy; it
needs none of Turnstile's dependencies. See benchmarks/README.md for the set-up and figures.

face_recognition_models imports pkg_resources; where setuptools no longer ships it,
`import face_recognition` calls quit() and the process would exit with status 0 as if all was
well. This script turns that into an error with exit status 3, and writes its JSON only after
every figure is computed, so a missing JSON file or a non-zero status means the run failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the protocol code is numpy-only: same arithmetic as ours

from turnstile.evaluate.pairs import PairSet, read_lfw_pairs  # noqa: E402
from turnstile.evaluate.protocol import (  # noqa: E402
    auc,
    cross_identity_scores,
    kfold_accuracy,
    tar_at_far,
)

FARS = (1e-2, 1e-3, 1e-4)
#: Where the labelled face is assumed to be in a 250x250 LFW image when HOG finds none
#: (top, right, bottom, left), the same idea as Turnstile's centre crop.
CENTRE_BOX = (62, 187, 187, 62)


def import_peer() -> Any:
    try:
        import face_recognition
    except SystemExit as exc:  # face_recognition_models' quit() when pkg_resources is absent
        raise RuntimeError("importing face_recognition called quit(): pkg_resources is missing; "
                           "install setuptools<81 in this environment") from exc
    return face_recognition


def centre_face(boxes: list[tuple[int, int, int, int]], shape: tuple[int, ...]) -> tuple[
        int, int, int, int]:
    cy, cx = shape[0] / 2.0, shape[1] / 2.0
    return min(boxes, key=lambda b: ((b[0] + b[2]) / 2 - cy) ** 2 + ((b[1] + b[3]) / 2 - cx) ** 2)


def embed_all(fr: Any, paths: tuple[Path, ...], cache: Path | None,
              upsample: int) -> tuple[np.ndarray, np.ndarray]:
    done: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        with np.load(cache) as data:
            done = {str(k): v for k, v in zip(data["keys"], data["values"], strict=True)}
    vectors, no_face = [], []
    started = time.perf_counter()
    for number, path in enumerate(paths, start=1):
        key = f"{path}|{upsample}"
        if key not in done:
            image = fr.load_image_file(str(path))
            boxes = fr.face_locations(image, number_of_times_to_upsample=upsample, model="hog")
            box = centre_face(boxes, image.shape) if boxes else CENTRE_BOX
            encoding = fr.face_encodings(image, known_face_locations=[box])[0]
            done[key] = np.concatenate([[0.0 if boxes else 1.0], encoding]).astype(np.float32)
        vectors.append(done[key][1:])
        no_face.append(bool(done[key][0]))
        if number % 250 == 0 or number == len(paths):
            rate = number / (time.perf_counter() - started)
            print(f"\r{number}/{len(paths)} images, {rate:.1f}/s", end="", file=sys.stderr)
            if cache is not None:
                np.savez(cache, keys=np.array(list(done)), values=np.stack(list(done.values())))
    print(file=sys.stderr)
    return np.stack(vectors), np.array(no_face)


def evaluate(pairs: PairSet, vectors: np.ndarray, no_face: np.ndarray,
             paths: tuple[Path, ...]) -> dict[str, Any]:
    where = {path: i for i, path in enumerate(paths)}
    a = vectors[[where[p.a] for p in pairs.pairs]]
    b = vectors[[where[p.b] for p in pairs.pairs]]
    scores = -np.linalg.norm(a - b, axis=1)  # minus the distance: higher is more alike
    labels = pairs.labels
    folds = kfold_accuracy(scores, labels, pairs.folds)
    names = {}
    for pair in pairs.pairs:
        names[pair.a], names[pair.b] = pair.identity_a, pair.identity_b
    impostor = cross_identity_scores(vectors, np.array([names[p] for p in paths]), "euclidean")
    genuine = scores[labels]
    points = [tar_at_far(genuine, impostor, far) for far in FARS]
    return {
        "accuracy": round(folds.accuracy, 6), "accuracy_std": round(folds.accuracy_std, 6),
        "auc": round(auc(genuine, scores[~labels]), 6),
        "threshold": round(-folds.threshold, 4),  # as a distance: same person below it
        "tar_at_far": {str(p.far_target): round(p.tar, 6) for p in points},
        "impostor_pairs": int(impostor.size), "no_face": int(no_face.sum()),
        "images": len(paths), "model": "face_recognition (dlib ResNet, HOG detector)",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True, metavar="OUT")
    parser.add_argument("--cache", type=Path, help="npz file to keep encodings between runs")
    parser.add_argument("--upsample", type=int, default=1, help="HOG upsampling (default 1)")
    parser.add_argument("--folds", type=int, default=0,
                        help="use only the first N folds (a quick check; 0 = all)")
    args = parser.parse_args()
    fr = import_peer()
    pairs = read_lfw_pairs(args.pairs, args.images)
    if args.folds:
        pairs = PairSet(tuple(p for p in pairs.pairs if p.fold < args.folds))
    pairs.check_files()
    started = time.perf_counter()
    vectors, no_face = embed_all(fr, pairs.images, args.cache, args.upsample)
    result = evaluate(pairs, vectors, no_face, pairs.images)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["pairs"] = len(pairs.pairs)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as exc:
        print(f"peer benchmark failed: {exc}", file=sys.stderr)
        sys.exit(3)
