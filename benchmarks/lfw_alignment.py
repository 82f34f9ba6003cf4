"""Alignment variants on the first LFW View 2 folds: does a different crop help SFace?

Variants: YuNet landmarks on the 250x250 image (what Turnstile does), YuNet on the image
upscaled 2x (finer landmarks for small faces), and the centre crop alone with no detection (the
quality of the no-face fallback). Each is embedded without flip, and scored on the chosen folds:
accuracy (k-fold over them; for one fold, at its best threshold) and TAR at FAR=1e-3 against
every cross-identity pair of their images. Slow (it embeds every image once per variant), so
it is a benchmark:

    python benchmarks/lfw_alignment.py ../shared/datasets/lfw --folds 1
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from turnstile.config import Config, DetectorConfig
from turnstile.evaluate.embedding import Pick, Settings, choose_face
from turnstile.evaluate.pairs import PairSet, read_lfw_pairs
from turnstile.evaluate.protocol import (
    accuracy_at,
    best_threshold,
    cross_identity_scores,
    kfold_accuracy,
    tar_at_far,
)
from turnstile.types import Image
from turnstile.vision.align import align, center_crop
from turnstile.vision.detect import YuNetDetector
from turnstile.vision.engine import build_embedder
from turnstile.vision.imageio import read_image
from turnstile.vision.models import DETECTOR, model_path

Crop = Callable[[Image], tuple[Image, bool]]


def yunet_crop(detector: YuNetDetector, scale: float) -> Crop:
    def crop(image: Image) -> tuple[Image, bool]:
        big = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale,
                                                   interpolation=cv2.INTER_CUBIC)
        faces = [f.scaled(1.0 / scale) for f in detector.detect(np.asarray(big, np.uint8))]
        face = choose_face(faces, image.shape, Settings(Pick.CENTER, 0.8))
        return (center_crop(image), True) if face is None else (align(image, face), False)
    return crop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lfw", type=Path, help="folder with lfw-deepfunneled/ and protocol/")
    parser.add_argument("--folds", type=int, default=1, help="how many folds to use")
    parser.add_argument("--first-fold", type=int, default=1, help="the first fold used (1-10)")
    parser.add_argument("--variants", default="yunet,yunet_2x,centre_crop",
                        help="comma-separated variants to run")
    args = parser.parse_args()
    pairs = read_lfw_pairs(args.lfw / "protocol" / "pairs.txt", args.lfw / "lfw-deepfunneled")
    first = args.first_fold - 1
    pairs = PairSet(tuple(p for p in pairs.pairs if first <= p.fold < first + args.folds))
    config = Config()
    detector = YuNetDetector(model_path(config.models.models_dir(), DETECTOR),
                             DetectorConfig(max_side=0, upscale_to=0))
    embedder = build_embedder(config)
    variants: dict[str, Crop] = {
        "yunet": yunet_crop(detector, 1.0),
        "yunet_2x": yunet_crop(detector, 2.0),
        "centre_crop": lambda image: (center_crop(image), True),
    }
    images = pairs.images
    where = {p: i for i, p in enumerate(images)}
    names = np.array([p.parent.name for p in images])
    a = [where[p.a] for p in pairs.pairs]
    b = [where[p.b] for p in pairs.pairs]
    labels = pairs.labels
    print(f"{len(pairs.pairs)} pairs, {len(images)} images\n"
          f"| variant | accuracy ({'k-fold' if args.folds > 1 else 'best threshold'}) | "
          "TAR@FAR=1e-3 | no face | seconds |\n"
          "|---|---|---|---|---|")
    for name in args.variants.split(","):
        crop = variants[name]
        started = time.perf_counter()
        vectors, missing = [], 0
        for path in tqdm(images, desc=name, leave=False):
            face, fallback = crop(read_image(path))
            missing += fallback
            vectors.append(embedder.embed([face])[0])
        matrix = np.stack(vectors)
        scores = np.sum(matrix[a] * matrix[b], axis=1)
        if args.folds > 1:  # the protocol: each fold's threshold from the other folds
            accuracy = kfold_accuracy(scores, labels, pairs.folds).accuracy
        else:
            accuracy = accuracy_at(scores, labels, best_threshold(scores, labels))
        impostor = cross_identity_scores(matrix, names)
        tar = tar_at_far(scores[labels], impostor, 1e-3).tar
        print(f"| {name} | {100 * accuracy:.2f} | {100 * tar:.2f} | {missing} | "
              f"{time.perf_counter() - started:.0f} |", flush=True)


if __name__ == "__main__":
    main()
