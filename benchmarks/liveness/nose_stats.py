"""The nose cues of evidence pairs, live and printed: what the nose rules rest on.

Reads the cues recorded by `replay_motion.record` (live clips, through `frame_rates.py
--live-cache`) and `family_cues.py` (attack families). For the pairs that pass every other
evidence test with the defaults (`MotionLiveness.live_evidence`), prints per clip and per
family how many reach each nose share and how many are evidence only through the turn rule
(`turn_nose`: face motion below `evidence_motion`); for each attack family, how many
presentations have at least 3 evidence pairs, and of those how many have their largest and
their second largest nose share at each level (the one-pair and the two-pair rule's margins);
for the nose pairs (evidence with a share of at least `live_nose`), how far the nose leads the
face's motion (`nose_lead`): how many lead by 0 and by `nose_lead` or more, the median lead,
and how many lag (below `nose_lead`) while the face shifts by `nose_lead_motion` or more;
and how smooth their residual field is (`structure`): how many reach `nose_structure`, and
the median.

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


def evidence(cues: list[TrackCue], check: MotionLiveness) -> list[TrackCue]:
    """The pairs of `cues` that pass every evidence test (each judged once)."""
    return [c for c in cues if check.live_evidence(c)]


def stats(cues: list[TrackCue], found: list[TrackCue], config: LivenessConfig) -> dict[str, Any]:
    """Nose shares of the evidence pairs `found` among `cues`, and how many of them count
    only through the turn rule (face motion below `evidence_motion`)."""
    out: dict[str, Any] = {"pairs": len(cues), "evidence": len(found),
                           "turn_only": sum(c.face_motion < config.evidence_motion
                                            for c in found)}
    if found:
        out["share_at_least"] = shares_at_least([c.nose_bump for c in found])
    nosed = [c for c in found if c.nose_bump >= config.live_nose and c.nose_lead is not None]
    if nosed:
        out["nose_leads"] = leads(nosed, config)
        out["nose_smooth"] = smoothness(nosed, config)
    return out


def smoothness(nosed: list[TrackCue], config: LivenessConfig) -> dict[str, Any]:
    """How smooth the nose pairs' residual fields are (the `nose_structure` rule)."""
    smooth = np.asarray([c.structure for c in nosed], np.float64)
    return {"at_least_nose_structure": round(float(np.mean(smooth >= config.nose_structure)), 3),
            "median_structure": round(float(np.median(smooth)), 3)}


def leads(nosed: list[TrackCue], config: LivenessConfig) -> dict[str, Any]:
    """How far the nose pairs' noses lead the face's motion (cues recorded with nose_lead)."""
    lead = np.asarray([c.nose_lead for c in nosed], np.float64)
    lagging = lead < config.nose_lead
    moving = np.asarray([c.face_motion >= config.nose_lead_motion for c in nosed])
    return {"nose_pairs": len(nosed), "lead_at_least_0": round(float(np.mean(lead >= 0.0)), 3),
            "lead_at_least_nose_lead": round(float(np.mean(~lagging)), 3),
            "median_lead": round(float(np.median(lead)), 3),
            "lagging": int(lagging.sum()), "lagging_and_moving": int((lagging & moving).sum())}


def margins(per_presentation: list[list[TrackCue]]) -> dict[str, Any]:
    """Of the presentations with at least 3 evidence pairs (all kept shares of frames
    together): how many have their largest / second largest nose share at each level."""
    ranked = [sorted((c.nose_bump for c in found), reverse=True)
              for found in per_presentation if len(found) >= 3]
    first = np.asarray([r[0] for r in ranked])
    second = np.asarray([r[1] for r in ranked])
    return {"presentations": len(per_presentation), "with_3_evidence": len(ranked),
            "largest_at_least": {f"{s}": int(np.sum(first >= s)) for s in SHARES},
            "second_at_least": {f"{s}": int(np.sum(second >= s)) for s in SHARES}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--live-cache", type=Path, required=True)
    parser.add_argument("--attacks", type=Path, action="append", default=[])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    config = LivenessConfig()
    check = MotionLiveness(config)
    report: dict[str, Any] = {}
    for stored in sorted(args.live_cache.glob("*.pickle")):
        with stored.open("rb") as handle:
            cues = list(pickle.load(handle)["cues"].values())
        report[f"live {stored.stem}"] = stats(cues, evidence(cues, check), config)
    for cache in args.attacks:
        for family, shown in load(cache).items():
            each = [list(data["cues"].values()) for data in shown.values()]
            found = [evidence(cues, check) for cues in each]
            report[f"{cache.name} {family}"] = {
                **stats([c for cues in each for c in cues], [c for f in found for c in f],
                        config),
                **margins(found)}
    for name, row in report.items():
        print(name, json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
