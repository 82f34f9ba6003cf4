"""The nose cues of evidence pairs, live and printed: what the nose rules rest on.

Reads the cues recorded by `replay_motion.record` (live clips, through `frame_rates.py
--live-cache`) and `family_cues.py` (attack families). For the pairs that pass every other
evidence test with the defaults (`MotionLiveness.live_evidence`), prints per clip and per
family how many reach each nose share, and, of those reaching `live_nose`, how well the
bump's push agrees in direction with the detector's nose landmark moving beyond the face's
plane (cosine of the angle between them; the landmark shift's length along the push).

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

SHARES = (0.05, 0.1, 0.15, 0.2, 0.3)
COSINES = (-0.5, 0.0, 0.3, 0.5, 0.7)


def agreement(cue: TrackCue) -> tuple[float, float] | None:
    """Cosine between the bump's push and the landmark's nose shift, and the shift's length
    along the push (face sizes); None when either is not measured."""
    cosine = cue.nose_agreement
    if cosine is None or cue.nose_mark is None:
        return None
    return cosine, cosine * float(np.linalg.norm(cue.nose_mark))


def stats(cues: list[TrackCue], config: LivenessConfig) -> dict[str, Any]:
    """Nose share and agreement of the evidence pairs among `cues`."""
    check = MotionLiveness(config)
    evidence = [c for c in cues if check.live_evidence(c)]
    out: dict[str, Any] = {"pairs": len(cues), "evidence": len(evidence)}
    if not evidence:
        return out
    shares = np.array([c.nose_bump for c in evidence])
    out["share_at_least"] = {f"{s}": round(float(np.mean(shares >= s)), 3) for s in SHARES}
    nosed = [a for c in evidence if c.nose_bump >= config.live_nose
             if (a := agreement(c)) is not None]
    out["nosed"] = len(nosed)
    if nosed:
        cosine = np.array([a[0] for a in nosed])
        along = np.array([a[1] for a in nosed])
        out["cosine_at_least"] = {f"{c}": round(float(np.mean(cosine >= c)), 3)
                                  for c in COSINES}
        out["along_percentiles_5_25_50"] = np.percentile(along, (5, 25, 50)).round(4).tolist()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--live-cache", type=Path, required=True)
    parser.add_argument("--attacks", type=Path, action="append", default=[])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    config = LivenessConfig()
    report: dict[str, Any] = {}
    for stored in sorted(args.live_cache.glob("*.pickle")):
        with stored.open("rb") as handle:
            data = pickle.load(handle)
        report[f"live {stored.stem}"] = stats(list(data["cues"].values()), config)
    for cache in args.attacks:
        for family, shown in load(cache).items():
            cues = [c for data in shown.values() for c in data["cues"].values()]
            report[f"{cache.name} {family}"] = stats(cues, config)
    for name, row in report.items():
        print(name, json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
