"""What looking for a visitor pass costs per camera frame, interleaved in one run.

Usage: python benchmarks/pass_scan.py [REPEAT]. On the shared clip's frames fitted to 640x480:
YuNet's usual look (for scale), a QR look on a frame without a code (what most frames pay
when passes.enabled is on), and a look that decodes a pass card held up in the frame. With
passes.scan_every = N the first figure is paid on one frame in N.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import cv2
import numpy as np

from turnstile.access.passcode import PassClaims, encode
from turnstile.bench.abtest import clip_frames, interleaved, print_table
from turnstile.config import Config
from turnstile.vision import models
from turnstile.vision.detect import YuNetDetector
from turnstile.vision.qr import QrReader, draw


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    config = Config()
    detector = YuNetDetector(models.model_path(config.models.models_dir(), models.DETECTOR),
                             config.detector)
    frames = clip_frames(8)
    start = datetime(2026, 3, 2, 9)
    code = draw(encode(PassClaims(7, "Zoë Ångström", start, start + timedelta(hours=8)),
                       bytes(32)), module_px=5)
    held = []
    for frame in frames:
        copy = frame.copy()
        copy[40:40 + code.shape[0], 380:380 + code.shape[1]] = code
        held.append(np.asarray(copy, np.uint8))
    reader = QrReader()
    assert reader.read(held[0]) is not None and reader.read(frames[0]) is None
    grey = [np.asarray(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), np.uint8) for f in frames]
    n = len(frames)
    stats = interleaved({
        "face detection (YuNet), for scale": lambda i: detector.detect(frames[i % n]),
        "pass look, no code in view": lambda i: reader.read(frames[i % n]),
        "pass look, no code, grey frame": lambda i: reader.read(grey[i % n]),
        "pass look, a pass held up": lambda i: reader.read(held[i % n]),
    }, warmup=5, repeat=repeat)
    print_table("Looking for a visitor pass, ms per 640x480 frame", stats)


if __name__ == "__main__":
    main()
