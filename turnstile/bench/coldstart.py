"""Cold start and peak memory, measured in a fresh interpreter as the kiosk would start.

Run as `python -m turnstile.bench.coldstart CONFIG_JSON DB VIDEO FRAMES`: it loads the config,
verifies and loads the models, loads the gallery, builds the kiosk pipeline, opens the video
as its camera, decides on the first frame with a face, prints READY_LINE, keeps deciding for
FRAMES more frames and prints a JSON summary. The Qt window is not part of it.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from turnstile.access.pipeline import Pipeline

_STARTED = time.perf_counter()

#: What the child prints the moment its first decision is made.
READY_LINE = "first-decision"


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB."""
    try:
        # VmHWM belongs to this program alone; ru_maxrss on Linux carries over the peak of
        # the process that started us (it survives fork and exec).
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def _decide_frames(pipeline: Pipeline, video: str, frames: int,
                   marks: dict[str, float]) -> list[str]:
    """Outcomes from the first frame with a face on, FRAMES more after it; READY_LINE first."""
    import cv2
    import numpy as np

    from turnstile.bench.frames import RESOLUTIONS, fit
    from turnstile.bench.kiosk import process

    capture = cv2.VideoCapture(video)
    outcomes: list[str] = []
    try:
        while len(outcomes) < frames + 1:
            ok, frame = capture.read()
            if not ok:
                break
            result = process(pipeline, fit(np.asarray(frame, np.uint8), RESOLUTIONS[0]),
                             len(outcomes))
            if not outcomes and not result.faces:
                continue  # the first decision needs a face in front of the camera
            if not outcomes:
                marks["first_decision_s"] = time.perf_counter() - _STARTED
                print(READY_LINE, flush=True)
            outcomes.append(result.decision.outcome.value)
    finally:
        capture.release()
    return outcomes


def _child(config_json: str, db: str, video: str, frames: int) -> dict[str, Any]:
    from turnstile import config as config_module
    from turnstile.bench.kiosk import build_pipeline
    from turnstile.store.sqlite import SQLiteStore
    from turnstile.vision import models
    from turnstile.vision.engine import Engine

    marks = {"imports_s": time.perf_counter() - _STARTED}
    config = config_module.from_dict(json.loads(config_json))
    if not config.models.embedder:
        # The kiosk checks the default models' digests before it starts.
        problems = models.verify(config.models.models_dir())
        if problems:
            raise SystemExit(problems[0])
    marks["verify_s"] = time.perf_counter() - _STARTED
    engine = Engine.from_config(config)
    marks["models_s"] = time.perf_counter() - _STARTED
    gallery = engine.gallery(SQLiteStore.open(db, config.events))
    people = gallery.size  # loads the matrix
    pipeline = build_pipeline(config, engine, gallery)
    marks["gallery_s"] = time.perf_counter() - _STARTED
    outcomes = _decide_frames(pipeline, video, frames, marks)
    if not outcomes:
        raise SystemExit(f"no face in any frame of {video}")
    return {"marks": {k: round(v, 3) for k, v in marks.items()}, "people": people,
            "first_outcome": outcomes[0], "frames": len(outcomes),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def measure(config_json: str, db: Path, video: Path, frames: int,
            timeout_s: float = 120.0) -> tuple[float, dict[str, Any]]:
    """Seconds from launching the child to its first decision, and the child's summary."""
    command = [sys.executable, "-m", "turnstile.bench.coldstart", config_json, str(db),
               str(video), str(frames)]
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as child:
        assert child.stdout is not None and child.stderr is not None
        line = child.stdout.readline()
        ready = time.perf_counter() - start
        out, err = child.communicate(timeout=timeout_s)
    if line.strip() != READY_LINE or child.returncode != 0:
        raise RuntimeError(f"cold-start run failed (exit {child.returncode}): "
                           f"{(err or line).strip()[-500:]}")
    return ready, dict(json.loads(out.strip().splitlines()[-1]))


def main(argv: Sequence[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(_child(argv[0], argv[1], argv[2], int(argv[3]))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
