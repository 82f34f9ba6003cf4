"""What the light code adds to a good-light frame, interleaved in one run.

Usage: python benchmarks/light_overhead.py [REPEAT]. On the shared clip's frames fitted to
640x480 (good light, a face in each): YuNet's usual look against the same look wrapped in
LightRescueDetector (its second look runs only when the first finds no face), and the light
hint each non-final frame carries (`vision.light.assess`). Then the second look itself, on
the same frames with nobody in them (the cost an empty or too-dark frame pays).
"""

from __future__ import annotations

import sys

import numpy as np

from turnstile.bench.abtest import clip_frames, interleaved, print_table
from turnstile.config import Config
from turnstile.vision import models
from turnstile.vision.detect import LightRescueDetector, YuNetDetector
from turnstile.vision.light import LightLimits, assess


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    config = Config()
    path = models.model_path(config.models.models_dir(), models.DETECTOR)
    plain = YuNetDetector(path, config.detector)
    rescue = LightRescueDetector(plain, plain, config.detector)
    frames = clip_frames(16)
    faces = [plain.detect(f) for f in frames]
    assert all(faces), "every benchmark frame should show a face"
    limits = LightLimits()
    empty = [np.ascontiguousarray(np.roll(f, f.shape[1] // 2, axis=1)[:, :40].repeat(
        16, axis=1)[:, :640]) for f in frames]
    n = len(frames)
    stats = interleaved({
        "detection, usual look": lambda i: plain.detect(frames[i % n]),
        "detection, with the rescue wrapper": lambda i: rescue.detect(frames[i % n]),
        "light hint (assess)": lambda i: assess(frames[i % n], faces[i % n][0], limits),
    }, warmup=10, repeat=repeat)
    print_table("good light, 640x480, a face in every frame", stats)
    stats = interleaved({
        "empty frame, usual look": lambda i: plain.detect(empty[i % n]),
        "empty frame, usual look + second look": lambda i: rescue.detect(empty[i % n]),
    }, warmup=5, repeat=max(repeat // 4, 10))
    print_table("no face in the frame, 640x480", stats)


if __name__ == "__main__":
    main()
