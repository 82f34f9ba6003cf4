"""Per-pair motion cues on the real clips and on simulated prints: what the thresholds rest on.

For every frame with a face, the cues between it and the frame `gap_s` earlier (as the kiosk's
motion check computes them) are collected, then summarised per clip: percentiles of the
planarity residual by face-motion bin, of the parallax ratio, of the residual's smooth
structure and of the ring-follow share, and how many pairs count as evidence of a live head.

    python benchmarks/liveness/cue_stats.py --videos ../shared/datasets/videos \
        --attacks-per-clip 8 --seed 0 [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from turnstile.access.liveness import attack
from turnstile.access.liveness.cues import MIN_TRACKS, TrackCue, track_cue
from turnstile.access.liveness.evaluate import read_video
from turnstile.access.liveness.motion import MotionLiveness, _grey
from turnstile.config import Config, LivenessConfig
from turnstile.types import Image
from turnstile.vision.engine import build_detector

BINS = ((0.005, 0.02), (0.02, 0.04), (0.04, 0.08), (0.08, 1.0))


def pair_cues(frames: list[Image], fps: float, gap_s: float) -> list[TrackCue]:
    detector = build_detector(Config())
    kept: list[Any] = []
    cues = []
    step = max(round(gap_s * fps), 1)
    for index, frame in enumerate(frames):
        faces = detector.detect(frame)
        kept.append(_grey(frame, faces[0]) if faces else None)
        earlier = kept[index - step] if index >= step else None
        if kept[index] is not None and earlier is not None:
            cues.append(track_cue(earlier[0], kept[index][0], earlier[1].box,
                                  kept[index][1].box))
    return cues


def summary(cues: list[TrackCue], config: LivenessConfig) -> dict[str, Any]:
    tracked = [c for c in cues if c.face_points >= MIN_TRACKS]
    motion = np.array([c.face_motion for c in tracked])
    plane = np.array([c.planarity for c in tracked])
    moving = motion >= config.min_motion
    ratio = np.maximum(plane[moving] - config.noise_floor, 0.0) / motion[moving]
    rings = np.array([c.ring_follow for c, m in zip(tracked, moving, strict=True)
                      if m and c.ring_follow >= 0])
    structure = np.array([c.structure for c, m in zip(tracked, moving, strict=True)
                          if m and c.structure >= 0])
    pct = (5, 50, 95)
    out: dict[str, Any] = {"pairs": len(cues), "moving_pairs": int(moving.sum())}
    for low, high in BINS:
        sel = (motion >= low) & (motion < high)
        if sel.sum() >= 5:
            out[f"planarity_motion_{low}-{high}"] = np.percentile(plane[sel], pct).round(4).tolist()
    if len(ratio):
        out["parallax"] = np.percentile(ratio, pct).round(3).tolist()
    if len(structure):
        out["structure"] = np.percentile(structure, pct).round(2).tolist()
    if len(rings):
        out["ring_follow"] = np.percentile(rings, pct).round(2).tolist()
    # How many pairs each count as evidence of a live head (the LIVE rule counts them).
    check = MotionLiveness(config)
    out["evidence_pairs"] = sum(check.live_evidence(c) for c in tracked)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, required=True)
    parser.add_argument("--attacks-per-clip", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    config = LivenessConfig()
    report: dict[str, Any] = {}
    for clip in sorted(args.videos.glob("*.mp4")):
        capture = cv2.VideoCapture(str(clip))
        fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
        capture.release()
        frames = [frame for _, frame in read_video(clip)]
        report[f"live {clip.stem}"] = summary(pair_cues(frames, fps, config.gap_s), config)
        printed: list[TrackCue] = []
        for k in range(args.attacks_per_clip):
            rng = np.random.default_rng(args.seed + k)
            still = frames[int(rng.integers(len(frames)))]
            motion = attack.random_motion(rng, still=k % 5 == 4)
            shown = list(attack.presentation(still, motion, round(args.seconds * fps), fps,
                                             args.seed + k))
            printed += pair_cues(shown, fps, config.gap_s)
        report[f"print {clip.stem}"] = summary(printed, config)
        print(clip.stem, json.dumps(report[f"live {clip.stem}"]),
              json.dumps(report[f"print {clip.stem}"]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
