"""What the nose cue costs per frame pair: `track_cue` with and without the nose, same pairs.

Frame pairs `gap_s` apart are taken from a live clip (faces from the detector, as the motion
check keeps them), then `track_cue` is timed on them in alternating rounds with the nose
(the defaults: `nose_share`'s two least-squares fits) and without it (nose=None), so that
load on the machine falls on both alike. Prints the median and 90th percentile wall and CPU
milliseconds of each and the ratio of the medians.

    python benchmarks/liveness/cue_cost.py --video ../shared/datasets/videos/1zlab_face.mp4 \
        [--pairs 40] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
from functools import partial
from pathlib import Path
from typing import Any

from turnstile.access.liveness.cues import landmark_similarity, track_cue
from turnstile.access.liveness.evaluate import read_video
from turnstile.access.liveness.motion import _grey
from turnstile.bench.timing import Stat, summarize, time_ms
from turnstile.config import Config, LivenessConfig
from turnstile.vision.engine import build_detector

Pair = tuple[Any, Any, Any, Any]


def frame_pairs(video: Path, gap_s: float, count: int) -> list[Pair]:
    """Up to `count` (earlier grey, later grey, earlier face, later face) pairs `gap_s` apart."""
    detector = build_detector(Config())
    kept: list[tuple[float, Any, Any]] = []
    for at, frame in read_video(video):
        found = detector.detect(frame)
        if found:
            grey, face = _grey(frame, found[0])
            kept.append((at, grey, face))
    pairs: list[Pair] = []
    for at, grey, face in kept:
        earlier = [k for k in kept if abs(at - gap_s - k[0]) < 0.02]
        if earlier:
            pairs.append((earlier[0][1], grey, earlier[0][2], face))
    step = max(len(pairs) // max(count, 1), 1)
    return pairs[::step][:count]


def one_cue(pair: Pair, config: LivenessConfig, nose: bool) -> None:
    before, after, face0, face1 = pair
    align = landmark_similarity(face0.landmark_array(), face1.landmark_array())
    track_cue(before, after, face0.box, face1.box, align, config.smooth_light,
              face0.landmarks[2] if nose else None)


def _indexed(pairs: list[Pair], config: LivenessConfig, nose: bool, index: int) -> None:
    one_cue(pairs[index % len(pairs)], config, nose)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--video", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    config = LivenessConfig()
    pairs = frame_pairs(args.video, config.gap_s, args.pairs)
    if not pairs:
        raise SystemExit(f"{args.video}: no face pairs {config.gap_s} s apart")
    wall: dict[bool, list[float]] = {True: [], False: []}
    cpu: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for nose in (True, False):
            stat = time_ms(partial(_indexed, pairs, config, nose), 2, len(pairs))
            wall[nose].append(stat.median)
            cpu[nose].append(stat.cpu_median or 0.0)
    out: dict[str, Any] = {"pairs": len(pairs), "rounds": args.rounds}
    for nose, name in ((True, "with_nose"), (False, "without_nose")):
        stats: tuple[Stat, Stat] = (summarize(wall[nose]), summarize(cpu[nose]))
        out[name] = {"wall_ms": stats[0].as_dict(), "cpu_ms": stats[1].as_dict()}
    out["ratio_wall"] = round(out["with_nose"]["wall_ms"]["median"]
                              / out["without_nose"]["wall_ms"]["median"], 3)
    out["ratio_cpu"] = round(out["with_nose"]["cpu_ms"]["median"]
                             / out["without_nose"]["cpu_ms"]["median"], 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
