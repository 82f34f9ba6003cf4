"""Sweep the motion check's thresholds by replaying recorded cues: no tracking per setting.

Detection and feature tracking are the slow part of the motion check and do not depend on
its thresholds, so each video's faces and frame-pair cues are recorded once into --cache (a
folder outside the repository) and the presentations of `turnstile eval liveness` (the same
code: `present_frames`, `MotionLiveness`) are replayed for every combination of --set values.
Also reported per setting: attacks accepted with the SPOOF rules switched off (how close the
LIVE rule alone comes to accepting a print) and, with --slide-attacks, attack presentations
started every 0.25 s instead of only at the start of each video.

    python benchmarks/liveness/replay_motion.py --cache /somewhere/cues \
        --live ../shared/datasets/videos --attack /somewhere/attacks \
        --set live_pairs=5,6 --set live_parallax=0.03,0.035
"""

from __future__ import annotations

import argparse
import itertools
import pickle
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np

from turnstile.access.liveness.cues import TrackCue
from turnstile.access.liveness.evaluate import Presentation, present_frames, read_video, video_files
from turnstile.access.liveness.motion import MotionLiveness, _Frame
from turnstile.config import Config, LivenessConfig, replace
from turnstile.types import Face, LivenessResult, Verdict
from turnstile.vision.engine import build_detector

#: Stands in for a frame when cues are replayed (only its size is looked at).
BLANK = np.zeros((1, 1, 3), np.uint8)
Cues = dict[tuple[float, float], TrackCue]


class _Recorder(MotionLiveness):
    """Tracks every pair and never decides, so that one pass records all of a video's cues."""

    def __init__(self, config: LivenessConfig, cues: Cues) -> None:
        super().__init__(config)
        self.cues = cues

    def _cue(self, earlier: _Frame, current: _Frame) -> TrackCue:
        cue = super()._cue(earlier, current)
        self.cues[(earlier.at, current.at)] = cue
        return cue

    def judge(self, cues: list[TrackCue], times: list[float] | None = None) -> LivenessResult:
        return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, 0.0)


class _Replayer(MotionLiveness):
    def __init__(self, config: LivenessConfig, cues: Cues) -> None:
        super().__init__(config)
        self.cues = cues

    def _cue(self, earlier: _Frame, current: _Frame) -> TrackCue:
        return self.cues[(earlier.at, current.at)]


def _record_one(job: tuple[Path, Path]) -> None:
    record(job[0], job[1], LivenessConfig())


def record(video: Path, cache: Path, config: LivenessConfig,
           keeps: tuple[int, ...] = (1,)) -> dict[str, Any]:
    """The video's faces and cues, from the cache or measured once and cached.

    With `keeps`, the pairs of a kiosk processing only every k-th frame are recorded too (a
    pair's cue does not depend on which other frames were processed).
    """
    suffix = "" if keeps == (1,) else "__k" + "-".join(map(str, keeps))
    stored = cache / f"{video.parent.name}__{video.stem}{suffix}.pickle"
    if stored.exists():
        with stored.open("rb") as handle:
            loaded: dict[str, Any] = pickle.load(handle)
        return loaded
    detector = build_detector(Config())
    faces: list[tuple[float, Face | None]] = []
    cues: Cues = {}
    recorders = {k: _Recorder(config, cues) for k in keeps}
    for index, (at, frame) in enumerate(read_video(video)):
        found = detector.detect(frame)
        faces.append((at, found[0] if found else None))
        for k, recorder in recorders.items():
            if index % k:
                continue
            if found:
                recorder.observe(frame, found[0], at)
            else:
                recorder.reset()
    data = {"faces": faces, "cues": cues, "gap_s": config.gap_s}
    with stored.open("wb") as handle:
        pickle.dump(data, handle)
    return data


def replay(video: Path, data: dict[str, Any], config: LivenessConfig, bona_fide: bool,
           within: float | None, every: float, keep: int = 1) -> list[Presentation]:
    """Presentations of the recorded video, seeing only every `keep`-th frame."""
    frames = ((at, BLANK, face) for at, face in data["faces"][::keep])

    def check() -> MotionLiveness:
        return _Replayer(config, data["cues"])

    return present_frames(video, frames, bona_fide, check, within, every)


def settings(pairs: list[str]) -> list[dict[str, Any]]:
    """Every combination of `name=v1,v2` values, typed like the LivenessConfig field."""
    fields = {name: type(getattr(LivenessConfig(), name)) for name in LivenessConfig.model_fields}
    grid: dict[str, list[Any]] = {}
    for pair in pairs:
        name, _, values = pair.partition("=")
        if name not in fields or name == "gap_s":  # the cues were recorded at one gap
            raise SystemExit(f"--set {pair}: not a liveness setting that can be replayed")
        grid[name] = [fields[name](v) for v in values.split(",")]
    return [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*grid.values())]


def summary(config: LivenessConfig, live: dict[Path, Any], attacks: dict[Path, Any],
            within: float, slide: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, data in live.items():
        shown = replay(path, data, config, True, within, 0.25)
        times = [p.decided_after_s for p in shown if p.accepted and p.decided_after_s]
        out[path.stem] = {"presentations": len(shown),
                          "verdicts": dict(Counter(p.verdict.value for p in shown)),
                          "max_s_to_live": round(max(times), 2) if times else None}
    no_spoof = replace(config, ring_follow=1.0, spoof_motion=1.0)
    checks: list[tuple[str, LivenessConfig, float]] = [("accepted", config, 0.0),
                                                       ("accepted_without_spoof_rules",
                                                        no_spoof, 0.0)]
    if slide:
        checks.append(("sliding_accepted", config, 0.25))
    for name, cfg, every in checks:
        shown = [p for path, data in attacks.items()
                 for p in _attack(path, data, cfg, every)]
        out[name] = (f"{sum(p.accepted for p in shown)} of {len(shown)}: "
                     + ", ".join(f"{p.path.stem}@{p.start_s:.2f}" for p in shown if p.accepted))
    return out


def _attack(path: Path, data: dict[str, Any], config: LivenessConfig,
            every: float) -> list[Presentation]:
    if every <= 0:
        return replay(path, data, config, False, None, 0.0)
    # Sliding starts, each running to the end of the video (at least 1.5 s of it).
    end = data["faces"][-1][0]
    shown = []
    for start in np.arange(0.0, end - 1.5, every):
        rest = {"faces": [f for f in data["faces"] if f[0] >= start - 1e-9],
                "cues": data["cues"]}
        shown += replay(path, rest, config, False, None, 0.0)
    return shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--live", type=Path, action="append", required=True)
    parser.add_argument("--attack", type=Path, action="append", required=True)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2")
    parser.add_argument("--within", type=float, default=2.0)
    parser.add_argument("--slide-attacks", action="store_true")
    parser.add_argument("--jobs", type=int, default=1, help="processes recording cues")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    base = LivenessConfig()
    videos = video_files(args.live) + video_files(args.attack)
    with Pool(args.jobs) as pool:  # record first, in parallel; replays read the cache
        pool.map(_record_one, [(v, args.cache) for v in videos], chunksize=1)
    live = {v: record(v, args.cache, base) for v in video_files(args.live)}
    attacks = {v: record(v, args.cache, base) for v in video_files(args.attack)}
    for overrides in settings(args.set) or [{}]:
        config = replace(base, **overrides)
        print(overrides or "defaults", summary(config, live, attacks, args.within,
                                               args.slide_attacks), flush=True)


if __name__ == "__main__":
    main()
