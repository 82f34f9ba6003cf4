"""Do onnxruntime and OpenCV's DNN give the same SFace embeddings on LFW? (accuracy guard)

Usage: python benchmarks/runtime_agreement.py [IMAGES]. Embeds IMAGES random LFW images
(deep-funneled; YuNet alignment, centre crop when no face) with both runtimes and prints the
smallest cosine between the two embeddings of an image and the largest difference in
similarity over 2,000 random pairs: differences far below the threshold's precision mean LFW
accuracy cannot change.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

from turnstile.config import Config, ModelsConfig, replace
from turnstile.vision.align import align, center_crop
from turnstile.vision.engine import Engine, build_embedder
from turnstile.vision.imageio import read_image

LFW = (Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "lfw"
       / "lfw-deepfunneled")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    files = sorted(LFW.glob("*/*.jpg"))
    if not files:
        raise SystemExit(f"LFW is not at {LFW}")
    random.Random(0).shuffle(files)
    config = Config(models=ModelsConfig(device="cpu", runtime="onnxruntime"))
    engine = Engine.from_config(config)
    opencv = build_embedder(replace(
        config, models=replace(config.models, runtime="opencv")))
    crops = []
    for path in files[:count]:
        image = read_image(path)
        faces = engine.detector.detect(image)
        crops.append(align(image, faces[0]) if faces else center_crop(image))
    a, b = engine.embedder.embed(crops), opencv.embed(crops)
    cosines = (a * b).sum(axis=1)
    pairs = np.random.default_rng(0).integers(0, len(crops), (2000, 2))
    diff = np.abs((a[pairs[:, 0]] * a[pairs[:, 1]]).sum(axis=1)
                  - (b[pairs[:, 0]] * b[pairs[:, 1]]).sum(axis=1))
    print(f"{len(crops)} LFW images: min cosine onnxruntime vs OpenCV {cosines.min():.7f}; "
          f"largest pair-similarity difference {diff.max():.2e}")


if __name__ == "__main__":
    main()
