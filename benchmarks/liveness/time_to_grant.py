"""Time to grant on the moving live clips, frame by frame, through the real pipeline.

`eval liveness` times the motion check alone (time to LIVE). This runs what the door runs:
detection, recognition, the policy's agreeing frames and the liveness check, one fresh
`Pipeline` per start (every --every seconds of each clip, as `eval liveness` starts them),
every frame processed, and times each start from its first frame to the GRANTED decision.
The clip's person is enrolled from the clip's first frame with a face (an in-memory gallery).
A start not granted within --within seconds counts as refused, with the outcome it ended on.

    python benchmarks/liveness/time_to_grant.py --videos ../shared/datasets/videos \
        [--moving 1zlab_face,instant_high_face] [--set spaced_pairs=0] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.liveness.replay_motion import settings
from turnstile.access.camera import Frame
from turnstile.access.liveness.evaluate import read_video, video_files
from turnstile.bench.kiosk import build_pipeline
from turnstile.bench.suite import enrol_clip_person
from turnstile.config import Config, replace
from turnstile.store.gallery import Gallery
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Image, Outcome
from turnstile.vision.engine import Engine

#: Outcomes that end a start: the person was decided one way or the other.
FINAL = {Outcome.GRANTED, Outcome.DENIED, Outcome.UNKNOWN, Outcome.SPOOF}


def enrol(engine: Engine, config: Config, frames: list[tuple[float, Image]]) -> Gallery:
    """An in-memory gallery holding the clip's person, from its first frame with a face."""
    gallery = engine.gallery(SQLiteStore.open(":memory:", config.events))
    if not any(enrol_clip_person(engine, gallery, image) for _, image in frames):
        raise SystemExit("no face in the clip to enrol")
    return gallery


def one_start(config: Config, engine: Engine, gallery: Gallery,
              frames: list[tuple[float, Image]], start: float,
              within: float) -> tuple[Outcome | None, float | None]:
    """The outcome a fresh pipeline reaches from `start`, and after how many seconds."""
    pipeline = build_pipeline(config, engine, gallery)
    base = datetime(2026, 1, 1, 9, 0, 0)
    for index, (at, image) in enumerate(frames):
        if at < start - 1e-9:
            continue
        if at - start > within + 1e-9:
            break
        decision = pipeline.process(Frame(image, index, at, base + timedelta(seconds=at)))
        if decision.decision.outcome in FINAL:
            return decision.decision.outcome, at - start
    return None, None


def clip_figures(config: Config, engine: Engine, video: Path, every: float,
                 within: float) -> dict[str, Any]:
    frames = list(read_video(video))
    gallery = enrol(engine, config, frames)
    end = frames[-1][0]
    ended: Counter[str] = Counter()
    granted: list[float] = []
    for start in np.arange(0.0, end - within + 1e-9, every):
        outcome, after = one_start(config, engine, gallery, frames, float(start), within)
        ended[outcome.value if outcome else "not decided"] += 1
        if outcome is Outcome.GRANTED and after is not None:
            granted.append(after)
    return {"starts": sum(ended.values()), "ended": dict(ended),
            "median_s": round(float(np.median(granted)), 3) if granted else None,
            "max_s": round(max(granted), 3) if granted else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, required=True)
    parser.add_argument("--moving", default="1zlab_face,instant_high_face")
    parser.add_argument("--every", type=float, default=0.25)
    parser.add_argument("--within", type=float, default=2.0)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2",
                        help="liveness settings to compare")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    base = Config()
    engine = Engine.from_config(base)
    clips = [v for v in video_files([args.videos]) if v.stem in set(args.moving.split(","))]
    report = []
    for overrides in settings(args.set) or [{}]:
        config = replace(base, liveness=replace(base.liveness, **overrides))
        row = {"setting": overrides,
               **{v.stem: clip_figures(config, engine, v, args.every, args.within)
                  for v in clips}}
        report.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
