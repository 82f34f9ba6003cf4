"""Face-metered exposure against the camera's own (frame-metered) auto-exposure, on the clips.

Usage: python benchmarks/light_exposure.py [FRAMES] [--window W ...]. Each clip in the shared
videos folder loops through a simulated camera (`turnstile.evaluate.exposure.BacklitCamera`)
that puts a window W times as bright as the face behind the person. With the camera's own
auto-exposure it meters the whole frame; with the face meter (`FaceExposureMeter`, the same
class the kiosk drives through OpenCV's V4L2 properties) it applies the exposure set. Reported
per clip and mode: the median brightness of the face region, frames with the face found, and
frames whose single-view embedding reaches the shipped threshold against the clip's
enrolment (its frame at 5 s in good light, mirrored-sum).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from turnstile.access.exposure import FaceExposureMeter
from turnstile.config import Config
from turnstile.evaluate.exposure import BacklitCamera, measure
from turnstile.vision.align import align
from turnstile.vision.engine import Engine

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "videos"
ENROL_AT_S = 5.0


def enrolment(engine: Engine, clip: Path) -> np.ndarray:
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, round(ENROL_AT_S * capture.get(cv2.CAP_PROP_FPS)))
    ok, image = capture.read()
    capture.release()
    if not ok:
        raise SystemExit(f"cannot read {clip}")
    frame = np.asarray(image, np.uint8)
    faces = engine.detector.detect(frame)
    if not faces:
        raise SystemExit(f"no face in {clip} at {ENROL_AT_S} s")
    return np.asarray(engine.embedder.embed([align(frame, faces[0])], flip=True)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frames", type=int, nargs="?", default=150)
    parser.add_argument("--window", type=float, action="append",
                        help="window brightness in multiples of the face (default 8 and 25)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    config = Config()
    engine = Engine.from_config(config)
    rows = []
    for clip in sorted(VIDEOS.glob("*.mp4")):
        reference = enrolment(engine, clip)
        for window in args.window or [8.0, 25.0]:
            for metered in (False, True):
                camera = BacklitCamera(clip, window, engine.detector)
                meter = FaceExposureMeter(camera) if metered else None
                run = measure(camera, engine.detector, engine.embedder, reference,
                              config.recognition.threshold, args.frames, meter)
                row = {"clip": clip.stem, "window": window, **run.as_dict()}
                rows.append(row)
                print(f"{clip.stem:<22} window {window:>4g}x  {run.mode:<22} face grey "
                      f"{row['face_brightness_median']:6.1f}  found {run.detected:>3}/"
                      f"{run.frames}  accepted {run.accepted:>3}/{run.frames}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
