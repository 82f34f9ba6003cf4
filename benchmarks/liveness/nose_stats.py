"""The nose cues of evidence pairs, live and printed: what the nose rules rest on.

Reads the cues recorded by `replay_motion.record` (live clips, through `frame_rates.py
--live-cache`) and `family_cues.py` (attack families). For the pairs that pass every other
evidence test with the defaults (`MotionLiveness.live_evidence`), prints per clip and per
family how many reach each nose share; for each attack family, how many presentations have
at least 3 evidence pairs, and of those how many have their largest and their second largest
nose share at each level (the one-pair and the two-pair rule's margins).

    python benchmarks/liveness/nose_stats.py --live-cache /x/live --attacks /x/tune [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.liveness.lofo import load
from turnstile.access.liveness.cues import TrackCue
from turnstile.access.liveness.motion import MotionLiveness
from turnstile.config import LivenessConfig

SHARES = (0.05, 0.1, 0.12, 0.15, 0.2, 0.3)


def shares_at_least(values: list[float]) -> dict[str, float]:
    """Share of `values` at or above each level of SHARES."""
    array = np.asarray(values)
    return {f"{s}": round(float(np.mean(array >= s)), 3) for s in SHARES}


def stats(cues: list[TrackCue], check: MotionLiveness) -> dict[str, Any]:
    """Nose shares of the evidence pairs among `cues`."""
    evidence = [c.nose_bump for c in cues if check.live_evidence(c)]
    out: dict[str, Any] = {"pairs": len(cues), "evidence": len(evidence)}
    if evidence:
        out["share_at_least"] = shares_at_least(evidence)
    return out


def margins(shown: dict[Path, Any], check: MotionLiveness) -> dict[str, Any]:
    """Per presentation with at least 3 evidence pairs (all its kept shares of frames
    together): how many have their largest / second largest nose share at each level."""
    first: list[float] = []
    second: list[float] = []
    for data in shown.values():
        ranked = sorted((c.nose_bump for c in data["cues"].values() if check.live_evidence(c)),
                        reverse=True)
        if len(ranked) >= 3:
            first.append(ranked[0])
            second.append(ranked[1])
    return {"presentations": len(shown), "with_3_evidence": len(first),
            "largest_at_least": {f"{s}": int(np.sum(np.asarray(first) >= s)) for s in SHARES},
            "second_at_least": {f"{s}": int(np.sum(np.asarray(second) >= s)) for s in SHARES}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--live-cache", type=Path, required=True)
    parser.add_argument("--attacks", type=Path, action="append", default=[])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    check = MotionLiveness(LivenessConfig())
    report: dict[str, Any] = {}
    for stored in sorted(args.live_cache.glob("*.pickle")):
        with stored.open("rb") as handle:
            data = pickle.load(handle)
        report[f"live {stored.stem}"] = stats(list(data["cues"].values()), check)
    for cache in args.attacks:
        for family, shown in load(cache).items():
            cues = [c for data in shown.values() for c in data["cues"].values()]
            report[f"{cache.name} {family}"] = {**stats(cues, check),
                                                **margins(shown, check)}
    for name, row in report.items():
        print(name, json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
