"""Kill -9 campaign: 100 random moments during enrolment, import, event writing and pulses.

    PYTHONPATH=. python benchmarks/kill_campaign.py --trials 100 --json kill.json

Each trial kills a child process (real database file, relay board behind a pty) with SIGKILL
at a random moment after it is busy, then checks integrity, committed enrolments, half
enrolments, door pulses without a committed event and the relay after a restart (see
tests/faults/killcampaign.py). Needs the installed models and LFW for the import workload.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults.killcampaign import Trial, campaign

LFW = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "lfw" / "lfw-deepfunneled"


def import_folder(root: Path, people: int = 12) -> Path | None:
    if not LFW.exists():
        return None
    folder = root / "photos"
    folder.mkdir()
    chosen = sorted(p for p in LFW.iterdir() if p.is_dir() and len(list(p.iterdir())) >= 4)
    for person in chosen[:people]:
        (folder / person.name).symlink_to(person)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, dest="json_out")
    args = parser.parse_args()
    started = time.monotonic()

    def progress(trial: Trial) -> None:
        print(f"{trial.workload:7} kill after {trial.delay_s:5.2f} s  committed "
              f"{trial.committed:4d}  relay left open {trial.left_open!s:5}  "
              f"{'ok' if trial.ok else 'FAIL ' + '; '.join(trial.problems)}", flush=True)

    with tempfile.TemporaryDirectory() as scratch:
        trials = campaign(Path(scratch), args.trials, args.seed, import_folder(Path(scratch)),
                          progress)
    passed = sum(t.ok for t in trials)
    per = collections.Counter(t.workload for t in trials)
    summary = {
        "trials": len(trials), "passed": passed, "per_workload": dict(per),
        "relay_left_open_at_kill": sum(t.left_open for t in trials),
        "seconds": round(time.monotonic() - started, 1),
        "failures": [{"workload": t.workload, "delay_s": t.delay_s, "problems": t.problems}
                     for t in trials if not t.ok],
    }
    print(f"{passed}/{len(trials)} trials passed ({dict(per)}); the relay was energised at "
          f"{summary['relay_left_open_at_kill']} kills and closed after every restart"
          if passed == len(trials) else f"{passed}/{len(trials)} trials passed")
    if args.json_out:
        args.json_out.write_text(json.dumps(summary, indent=2))
    return 0 if passed == len(trials) else 1


if __name__ == "__main__":
    raise SystemExit(main())
