"""Record the motion check's cues on attack families, rendered in memory (no video files).

Each presentation of `generate_attacks.py` (the same sources, rooms, seeds and rendering) is
rendered frame by frame, the detector runs on every frame and the motion check records every
frame pair's cues, exactly as `replay_motion.py` records them from a video file; the record
goes to CACHE/<family>/<seed>.pickle (skipped when present), so thresholds can be tuned and
families held out by replaying cues (`lofo.py`) without rendering or tracking again.
It detects as the kiosk does, following the face in view; `--no-following` looks at every
whole frame instead (its boxes and landmarks differ by a little, and the cues with them).

    python benchmarks/liveness/family_cues.py --videos ../shared/datasets/videos \
        --photos ../shared/datasets/face_recognition_examples \
        --sources evm_mit_face,short_hamilton_clip,face_recognition_examples \
        --per-family 10 --seed 1000000 --cache /somewhere/cues/tune --jobs 2
"""

from __future__ import annotations

import argparse
import pickle
from collections.abc import Callable
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.liveness.generate_attacks import clip_sources, photo_sources
from benchmarks.liveness.replay_motion import Cues, _Recorder
from turnstile.access.liveness.families import (
    Family,
    Source,
    Spec,
    draw_spec,
    presentation,
    room_from,
)
from turnstile.access.pipeline import following_detector
from turnstile.config import Config, LivenessConfig
from turnstile.types import Face, Image
from turnstile.vision.engine import build_detector

#: Filled before the worker processes fork, so frames are not pickled per task.
_STILLS: list[Source] = []
_REPLAYS: list[Source] = []
_ROOMS: dict[str, Image] = {}


def record(job: tuple[Family, int, float, Path, bool, float, tuple[int, ...], bool]) -> str:
    family, seed, seconds, cache, align, smooth, keeps, following = job
    stored = cache / family.value / f"{seed}.pickle"
    if stored.exists():
        return stored.name
    data = render_cues(family, seed, seconds, align, smooth, keeps, following=following)
    stored.parent.mkdir(parents=True, exist_ok=True)
    with stored.open("wb") as handle:
        pickle.dump(data, handle)
    return stored.name


def render_cues(family: Family, seed: int, seconds: float, align: bool, smooth: float,
                keeps: tuple[int, ...], tweak: Callable[[Spec], Spec] | None = None,
                following: bool = False) -> dict[str, Any]:
    """One presentation rendered and its cues recorded; `tweak` may change its drawn spec
    (capture_ablation.py takes one effect away at a time); `following` detects as the kiosk
    does, following the face in view, instead of on every whole frame."""
    rng = np.random.default_rng(seed)
    pool = _REPLAYS if family.replay else _STILLS
    source = pool[int(rng.integers(len(pool)))]
    others = sorted(name for name in _ROOMS if name != source.name)
    room = others[int(rng.integers(len(others)))]
    spec = draw_spec(family, source, seed, seconds)
    if tweak is not None:
        spec = tweak(spec)
    detector = build_detector(Config())
    if following:
        detector = following_detector(Config(), detector)
    cues: Cues = {}
    # screen_pairs > 0 records the screen-frame cue too (the recorders never decide). One
    # recorder per kept share of frames: a kiosk processing every k-th frame pairs other
    # frames, and the pairs of all of them go into one dict (a pair's cue is its own).
    config = LivenessConfig(align_tracks=align, smooth_light=smooth, screen_pairs=1)
    recorders = {k: _Recorder(config, cues) for k in keeps}
    faces: list[tuple[float, Face | None]] = []
    for index, frame in enumerate(presentation(spec, source, _ROOMS[room])):
        at = index / spec.fps
        found = detector.detect(frame)
        face = max(found, key=lambda f: f.box.size) if found else None
        faces.append((at, face))
        for k, recorder in recorders.items():
            if index % k:
                continue
            if face is not None:
                recorder.observe(frame, face, at)
            else:
                recorder.reset()
    return {"faces": faces, "cues": cues, "gap_s": LivenessConfig().gap_s,
            "source": source.name, "room": room, "fps": spec.fps, "keeps": keeps}


def load_sources(videos: Path, photos: list[Path], sources: str | None,
                 replays_wanted: bool) -> None:
    """Fill the stills, replays and rooms the workers draw from (before they fork)."""
    keep = set(sources.split(",")) if sources else None
    detector = build_detector(Config())
    for clip in sorted(videos.glob("*.mp4")):
        stills, replay, (frame, faces) = clip_sources(clip, detector)
        _ROOMS[clip.stem] = room_from(frame, [f.box for f in faces])
        if keep is None or clip.stem in keep:
            _STILLS.extend(stills)
            if replay is not None and replays_wanted:
                _REPLAYS.append(replay)
    for folder in photos:
        if keep is None or folder.name in keep:
            _STILLS.extend(photo_sources(folder, detector))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, required=True)
    parser.add_argument("--photos", type=Path, action="append", default=[])
    parser.add_argument("--family", action="append", choices=[f.value for f in Family])
    parser.add_argument("--sources", help="comma-separated clip stems / photo folder names")
    parser.add_argument("--per-family", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1000000)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--no-align", action="store_true", help="track without pre-alignment")
    parser.add_argument("--smooth-light", type=float, default=0.0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--keep-every", default="1", help="comma-separated k: also record the "
                        "pairs of a kiosk processing only every k-th frame")
    # The kiosk's own path is the default since round 10; --no-following looks at every
    # whole frame, as the earlier rounds' commands without the flag did.
    parser.add_argument("--following", action=argparse.BooleanOptionalAction, default=True,
                        help="detect as the kiosk does, following the face in view (default); "
                        "--no-following detects on every whole frame")
    args = parser.parse_args()
    keeps = tuple(sorted({int(k) for k in args.keep_every.split(",")}))
    families = [Family(f) for f in args.family] if args.family else list(Family)
    load_sources(args.videos, args.photos, args.sources, any(f.replay for f in families))
    jobs = [(family, args.seed + 100_000 * list(Family).index(family) + k, args.seconds,
             args.cache, not args.no_align, args.smooth_light, keeps, args.following)
            for k in range(args.per_family) for family in families]
    with Pool(args.jobs) as pool:
        for done, name in enumerate(pool.imap_unordered(record, jobs), 1):
            print(f"{done}/{len(jobs)} {name}", flush=True)


if __name__ == "__main__":
    main()
