"""How often the closing-frame test (screen.py) calls a real scene framed, frame by frame.

Counts framed frames on every frame of the live clips and on real photos: a random sample of
LFW (deep-funnelled: the black borders of its warp, a picture's own straight edges, are
inpainted first) and any other photo folders. Prints the counts and the framed photos' names.

    python benchmarks/liveness/framed_stills.py --videos ../shared/datasets/videos \
        --lfw ../shared/datasets/lfw/lfw-deepfunneled --lfw-sample 3000 \
        --photos ../shared/datasets/face_recognition_examples
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import cv2
import numpy as np

from turnstile.access.liveness.evaluate import read_video, video_files
from turnstile.access.liveness.motion import _grey
from turnstile.access.liveness.passive import image_files
from turnstile.access.liveness.screen import find_edges
from turnstile.config import Config
from turnstile.types import Image
from turnstile.vision.detect import FaceDetector
from turnstile.vision.engine import build_detector
from turnstile.vision.imageio import ImageError, read_image

#: Grey levels below this, touching the border, are deep-funnelling's fill.
FUNNEL_BLACK = 14


def framed(detector: FaceDetector, image: Image) -> bool | None:
    """Whether the largest face is framed (None: no face), as MotionLiveness measures it."""
    faces = detector.detect(image)
    if not faces:
        return None
    grey, scaled = _grey(image, max(faces, key=lambda f: f.box.size))
    return find_edges(grey, scaled.box).framed


def unfunnel(image: Image) -> Image:
    """The photo with deep-funnelling's black border wedges inpainted away."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    _, labels = cv2.connectedComponents((grey < FUNNEL_BLACK).astype(np.uint8), connectivity=4)
    rim = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    mask = np.isin(labels, [v for v in np.unique(rim) if v]).astype(np.uint8) * 255
    mask = np.asarray(cv2.dilate(mask, np.ones((7, 7), np.uint8)), np.uint8)
    return np.asarray(cv2.inpaint(image, mask, 7, cv2.INPAINT_TELEA), np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, required=True)
    parser.add_argument("--lfw", type=Path)
    parser.add_argument("--lfw-sample", type=int, default=3000)
    parser.add_argument("--photos", type=Path, action="append", default=[])
    args = parser.parse_args()
    detector = build_detector(Config())
    for video in video_files([args.videos]):
        flags = [framed(detector, frame) for _, frame in read_video(video)]
        print(f"{video.name}: {sum(f is True for f in flags)} framed of {len(flags)} frames")
    sets: list[tuple[str, list[Path], bool]] = []
    if args.lfw is not None:
        paths = sorted(args.lfw.glob("*/*.jpg"))
        random.Random(1).shuffle(paths)
        sets.append(("lfw", paths[:args.lfw_sample], True))
    sets += [(folder.name, image_files([folder]), False) for folder in args.photos]
    for name, paths, funnelled in sets:
        hits, faces = [], 0
        for path in paths:
            try:
                image = read_image(path)
            except ImageError:
                continue
            found = framed(detector, unfunnel(image) if funnelled else image)
            faces += found is not None
            if found:
                hits.append(path.name)
        print(f"{name}: {len(hits)} framed of {faces} photos with a face: {', '.join(hits)}")


if __name__ == "__main__":
    main()
