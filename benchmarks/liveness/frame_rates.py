"""The motion check at the frame rates a busy kiosk processes, by replaying recorded cues.

A kiosk on a loaded machine processes only some of the camera's frames. Keeping every k-th
frame of a recording stands for that: k = 5 of a 30 fps clip is a kiosk processing 6 frames a
second. Live clips are recorded by `replay_motion.record` with `keeps` 1..5, attack families
by `family_cues.py --keep-every 1,3`. For every --set combination and every k, this prints
BPCER within --within seconds over starts every 0.25 s of the moving live clips, the time to
LIVE (median / max), and the attacks accepted per family of --attacks (only at the k their
cache was recorded with).

    python benchmarks/liveness/frame_rates.py --live ../shared/datasets/videos \
        --live-cache /x/live --attacks /x/tune --keep-every 1,3,5 \
        --set evidence_spacing_s=0,0.1 [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.liveness.lofo import load
from benchmarks.liveness.replay_motion import record, replay, settings
from turnstile.access.liveness.evaluate import video_files
from turnstile.access.liveness.metrics import wilson_upper
from turnstile.config import LivenessConfig, replace

#: Kept shares of frames recorded for the live clips.
LIVE_KEEPS = (1, 2, 3, 4, 5)


def bona_fide(config: LivenessConfig, live: dict[Path, Any], keep: int,
              within: float) -> dict[str, Any]:
    """BPCER within `within` s of starts every 0.25 s, and seconds to LIVE per clip."""
    out: dict[str, Any] = {"refused": 0, "of": 0}
    for path, data in live.items():
        shown = replay(path, data, config, True, within, 0.25, keep)
        took = [p.decided_after_s for p in shown if p.accepted and p.decided_after_s is not None]
        out["refused"] += sum(not p.accepted for p in shown)
        out["of"] += len(shown)
        out[path.stem] = {"median_s": round(float(np.median(took)), 2) if took else None,
                          "max_s": round(max(took), 2) if took else None,
                          "spoof": sum(p.verdict.value == "spoof" for p in shown)}
    out["wilson_upper_95"] = round(wilson_upper(out["refused"], out["of"]), 4)
    return out


def attacks(config: LivenessConfig, families: dict[str, dict[Path, Any]],
            keep: int) -> dict[str, str]:
    """Attacks accepted per family, at one kept share of frames."""
    out = {}
    for family, shown in families.items():
        usable = {p: d for p, d in shown.items() if keep in d.get("keeps", (1,))}
        ended = [p for path, data in usable.items()
                 for p in replay(path, data, config, False, None, 0.0, keep)]
        if ended:
            out[family] = f"{sum(p.accepted for p in ended)}/{len(ended)}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--live", type=Path, required=True)
    parser.add_argument("--live-cache", type=Path, required=True)
    parser.add_argument("--moving", default="1zlab_face,instant_high_face")
    parser.add_argument("--attacks", type=Path, action="append", default=[])
    parser.add_argument("--keep-every", default="1,3,5")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2")
    parser.add_argument("--within", type=float, default=2.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    keeps = [int(k) for k in args.keep_every.split(",")]
    base = LivenessConfig()
    recording = replace(base, screen_pairs=max(base.screen_pairs, 1))
    args.live_cache.mkdir(parents=True, exist_ok=True)
    live = {v: record(v, args.live_cache, recording, LIVE_KEEPS)
            for v in video_files([args.live]) if v.stem in set(args.moving.split(","))}
    families: dict[str, dict[Path, Any]] = {}
    for cache in args.attacks:
        for family, shown in load(cache).items():
            families.setdefault(family, {}).update(shown)
    report = []
    for overrides in settings(args.set) or [{}]:
        config = replace(base, **overrides)
        for keep in keeps:
            row = {"setting": overrides, "keep": keep,
                   "bona_fide": bona_fide(config, live, keep, args.within),
                   "attacks_accepted": attacks(config, families, keep)}
            report.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
