"""Leave one attack family out: tune the motion check on the others, report on the one held back.

Reads cues recorded by `family_cues.py` (a tuning cache made from tuning sources and a test
cache made from held-out sources, one folder per family) and by `replay_motion.py` for the
live clips. For every held-out family F, the setting of the --set grid is chosen on the
tuning cache's other families alone (fewest attacks accepted, subject to BPCER on the moving
live clips at most --max-bpcer; ties keep the earlier setting, the defaults first), then
APCER is reported on F's held-out-source presentations. The defaults' APCER per family and
every setting's BPCER are printed too.

    python benchmarks/liveness/lofo.py --live ../shared/datasets/videos --live-cache /x/live \
        --moving 1zlab_face,instant_high_face --tune /x/tune --test /x/test \
        --set live_pairs=4,5,6 [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.liveness.replay_motion import record, replay, settings
from turnstile.access.liveness.evaluate import video_files
from turnstile.access.liveness.metrics import wilson_upper
from turnstile.config import LivenessConfig, replace

Recorded = dict[str, dict[Path, Any]]


def load(cache: Path) -> Recorded:
    """Every family folder's recorded presentations."""
    out: Recorded = {}
    for folder in sorted(p for p in cache.iterdir() if p.is_dir()):
        out[folder.name] = {}
        for stored in sorted(folder.glob("*.pickle")):
            with stored.open("rb") as handle:
                out[folder.name][stored] = pickle.load(handle)
    return out


def breakdown(config: LivenessConfig, shown: dict[Path, Any]) -> dict[str, Any]:
    """How the presentations ended: accepted (with when), refused by which rule, undecided."""
    ended = [p for path, data in shown.items() for p in replay(path, data, config, False, None,
                                                                 0.0)]
    live = [p for p in ended if p.accepted]
    reasons: dict[str, int] = {}
    for p in ended:
        if not p.accepted:
            key = p.detail if p.verdict.value == "spoof" else p.verdict.value
            reasons[key] = reasons.get(key, 0) + 1
    return {"accepted": len(live), "of": len(ended),
            "wilson_upper_95": wilson_upper(len(live), len(ended)) if ended else None,
            "accepted_after_s": sorted(round(p.decided_after_s or 0.0, 2) for p in live),
            "accepted_files": sorted(p.path.stem for p in live), "refused": reasons}


def accepted(config: LivenessConfig, shown: dict[Path, Any]) -> int:
    return sum(p.accepted for path, data in shown.items()
               for p in replay(path, data, config, False, None, 0.0))


def bpcer(config: LivenessConfig, live: dict[Path, Any],
          within: float) -> tuple[float, int, dict[str, Any]]:
    """BPCER over presentations starting every 0.25 s, and seconds to LIVE per clip."""
    shown = [p for path, data in live.items() for p in replay(path, data, config, True, within,
                                                              0.25)]
    times: dict[str, Any] = {}
    for path in live:
        took = [p.decided_after_s for p in shown
                if p.path == path and p.accepted and p.decided_after_s is not None]
        times[path.stem] = {"median_s": float(np.median(took)) if took else None,
                            "max_s": max(took) if took else None}
    return sum(not p.accepted for p in shown) / max(len(shown), 1), len(shown), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--live", type=Path, required=True)
    parser.add_argument("--live-cache", type=Path, required=True)
    parser.add_argument("--moving", default="1zlab_face,instant_high_face")
    parser.add_argument("--tune", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2")
    parser.add_argument("--max-bpcer", type=float, default=0.02)
    parser.add_argument("--within", type=float, default=2.0)
    parser.add_argument("--no-align", action="store_true")
    parser.add_argument("--smooth-light", type=float, default=0.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    base = LivenessConfig(align_tracks=not args.no_align, smooth_light=args.smooth_light)
    args.live_cache.mkdir(parents=True, exist_ok=True)
    moving = set(args.moving.split(","))
    recording = replace(base, screen_pairs=max(base.screen_pairs, 1))  # records every cue
    live = {v: record(v, args.live_cache, recording) for v in video_files([args.live])
            if v.stem in moving}
    tune, test = load(args.tune), load(args.test)
    grid: list[dict[str, Any]] = [{}] + [s for s in settings(args.set) if s]
    configs = [replace(base, **s) for s in grid]
    live_rates = [bpcer(c, live, args.within) for c in configs]
    tuned = {family: [accepted(c, shown) for c in configs] for family, shown in tune.items()}
    report: dict[str, Any] = {"settings": [{"setting": s or "defaults", "bpcer": r[0],
                                            "bona_fide": r[1], "seconds_to_live": r[2]}
                                           for s, r in zip(grid, live_rates, strict=True)],
                              "families": {}}
    for row in report["settings"]:
        print(f"BPCER {row['bpcer']:.2%} of {row['bona_fide']}: {row['setting']}; "
              f"seconds to LIVE {row['seconds_to_live']}")
    for family, shown in test.items():
        allowed = [i for i, r in enumerate(live_rates) if r[0] <= args.max_bpcer] or [0]
        others = [f for f in tuned if f != family]
        best = min(allowed, key=lambda i: (sum(tuned[f][i] for f in others), i))
        held = accepted(configs[best], shown)
        default = accepted(configs[0], shown)
        report["families"][family] = {
            "presentations": len(shown), "chosen": grid[best] or "defaults",
            "tuned_on": others, "accepted": held, "apcer": held / max(len(shown), 1),
            "accepted_with_defaults": default, "defaults": breakdown(configs[0], shown)}
        print(f"{family}: APCER {held}/{len(shown)} held out with {grid[best] or 'defaults'} "
              f"(tuned on {', '.join(others)}); defaults {default}/{len(shown)}: "
              f"{report['families'][family]['defaults']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
