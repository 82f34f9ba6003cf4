"""Which capture effect gives an attack its head-like evidence: render it again without each.

Each chosen presentation of `family_cues.py` (the same sources, rooms, seeds and rendering)
is rendered again as drawn and then with one capture effect taken away at a time (glare on
the sheet, or only its clipping at white, the light's flicker, exposure and gamma, lens
blur, sensor noise, JPEG), its cues recorded at every frame, and judged with the default
settings: accepted or not, its evidence pairs, how many of them show a nose share of at
least `live_nose`, and the largest shares.
Everything else about the presentation (motion, noise seed, room) stays as drawn.

`--at-risk CACHE` picks the seeds itself: every presentation recorded in CACHE/<family> with
an evidence pair whose nose share reaches `live_nose` (those the nose test has to stop).

    python benchmarks/liveness/capture_ablation.py --videos ../shared/datasets/videos \
        --sources instant_high_face --family cutout --at-risk /x/cues/test [--json OUT]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.liveness.family_cues import load_sources, render_cues
from benchmarks.liveness.replay_motion import replay
from turnstile.access.liveness.cues import TrackCue
from turnstile.access.liveness.families import Family, Spec, Wave
from turnstile.access.liveness.motion import MotionLiveness
from turnstile.config import LivenessConfig

#: Each effect and how to take it away from a drawn presentation.
WITHOUT: dict[str, Callable[[Spec], Spec]] = {
    "glare": lambda s: dataclasses.replace(s, glare=0.0),
    "glare_clipping": lambda s: dataclasses.replace(s, glare_clips=False),
    "flicker": lambda s: dataclasses.replace(s, waves={**s.waves, "light": Wave(1.0, 0.0)}),
    "exposure": lambda s: dataclasses.replace(s, gain=1.0, gamma=1.0),
    "blur": lambda s: dataclasses.replace(s, blur_sigma=0.0),
    "noise": lambda s: dataclasses.replace(s, noise_sigma=0.0),
    "jpeg": lambda s: dataclasses.replace(s, jpeg_quality=100),
}


def judged(seed: int, data: dict[str, Any], config: LivenessConfig) -> dict[str, Any]:
    """Accepted with `config`, evidence pairs, nose pairs and the largest nose shares."""
    check = MotionLiveness(config)
    found = [c for c in data["cues"].values() if check.live_evidence(c)]
    shown = replay(Path(str(seed)), data, config, False, None, 0.0)
    return {"accepted": any(p.accepted for p in shown), "evidence": len(found),
            "nose_pairs": sum(c.nose_bump >= config.live_nose for c in found),
            "largest_nose": sorted((round(c.nose_bump, 3) for c in found), reverse=True)[:4]}


def at_risk(cache: Path, config: LivenessConfig) -> list[int]:
    """Seeds in `cache` with an evidence pair whose nose share reaches `live_nose`."""
    check = MotionLiveness(config)
    seeds = []
    for stored in sorted(cache.glob("*.pickle")):
        with stored.open("rb") as handle:
            cues: list[TrackCue] = list(pickle.load(handle)["cues"].values())
        if any(check.live_evidence(c) and c.nose_bump >= config.live_nose for c in cues):
            seeds.append(int(stored.stem))
    return seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, required=True)
    parser.add_argument("--photos", type=Path, action="append", default=[])
    parser.add_argument("--sources", help="comma-separated clip stems / photo folder names")
    parser.add_argument("--family", required=True, choices=[f.value for f in Family])
    parser.add_argument("--seeds", default="", help="comma-separated seeds")
    parser.add_argument("--at-risk", type=Path, help="a family_cues.py cache to pick from")
    parser.add_argument("--without", default=",".join(WITHOUT),
                        help="comma-separated effects to take away, one at a time")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--smooth-light", type=float, default=LivenessConfig().smooth_light)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    family = Family(args.family)
    config = LivenessConfig()
    seeds = [int(s) for s in args.seeds.split(",") if s]
    if args.at_risk is not None:
        seeds += at_risk(args.at_risk / family.value, config)
    effects = [e for e in args.without.split(",") if e]
    unknown = sorted(set(effects) - set(WITHOUT))
    if unknown or not seeds:
        raise SystemExit(f"unknown effects {unknown}" if unknown else "no seeds chosen")
    load_sources(args.videos, args.photos, args.sources, family.replay)
    report: dict[str, Any] = {}
    for seed in seeds:
        row = {}
        for effect in ["none", *effects]:
            tweak = WITHOUT.get(effect)
            data = render_cues(family, seed, args.seconds, True, args.smooth_light, (1,), tweak)
            row[f"without {effect}"] = judged(seed, data, config)
        report[str(seed)] = row
        print(seed, json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
