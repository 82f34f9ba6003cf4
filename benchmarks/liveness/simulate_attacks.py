"""Write simulated print-attack videos made from still frames of real clips.

Each presentation is a fresh random hand motion (seeded, so the set is reproducible): a still
frame with a face, held up as a photo that fills most of the view, moved by a smooth random
homography, with brightness, blur and sensor noise. Every fifth presentation is a photo
propped up nearly still. The videos go to --out (outside the repository), one MPEG-4 .mp4 each,
with a manifest.json of the motion parameters.

    python benchmarks/liveness/simulate_attacks.py --videos ../shared/datasets/videos \
        --out /somewhere/attacks --per-clip 50 --seconds 3 --seed 1000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from turnstile.access.liveness import attack
from turnstile.config import Config
from turnstile.vision.engine import build_detector


def frames_with_a_face(path: Path, step: int = 5) -> tuple[list[np.ndarray], float]:
    """Every `step`-th frame of the clip in which the detector finds a face."""
    detector = build_detector(Config())
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    kept, index = [], 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index % step == 0 and detector.detect(np.asarray(frame, np.uint8)):
            kept.append(frame)
        index += 1
    capture.release()
    return kept, fps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, required=True, help="folder of real clips")
    parser.add_argument("--out", type=Path, required=True, help="folder for the attack videos")
    parser.add_argument("--per-clip", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = []
    clips = sorted(args.videos.glob("*.mp4"))
    for clip_index, clip in enumerate(clips):
        stills, fps = frames_with_a_face(clip)
        for k in tqdm(range(args.per_clip), desc=clip.stem):
            seed = args.seed + 1000 * clip_index + k
            rng = np.random.default_rng(seed)
            still = stills[int(rng.integers(len(stills)))]
            motion = attack.random_motion(rng, still=k % 5 == 4)
            name = f"{clip.stem}_print_{seed}.mp4"
            height, width = still.shape[:2]
            writer = cv2.VideoWriter(str(args.out / name), cv2.VideoWriter.fourcc(*"mp4v"),
                                     fps, (width, height))
            for frame in attack.presentation(still, motion, round(args.seconds * fps), fps,
                                             seed):
                writer.write(frame)
            writer.release()
            manifest.append({"file": name, "clip": clip.name, "seed": seed,
                             "still": k % 5 == 4, **dataclasses.asdict(motion)})
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()
