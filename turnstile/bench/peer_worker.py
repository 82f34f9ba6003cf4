"""Times the face_recognition library (dlib HOG + ResNet) frame to decision on given frames.

Run as a script by any interpreter that has numpy and face_recognition (it may be another
virtual environment, so it imports nothing from turnstile):
`python peer_worker.py FRAMES.npz GALLERY WARMUP REPEAT UPSAMPLE`. FRAMES.npz holds one
stack of RGB frames per resolution key plus "enrol", one frame of the person to enrol.
The last stdout line is a JSON object: {"ok": false, "reason": ...} when the library cannot
be used, otherwise versions and per-resolution median and p90 in milliseconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from typing import Any

import numpy as np

#: face_recognition's own default distance tolerance for "same person".
TOLERANCE = 0.6


def _import() -> tuple[Any, str]:
    """The library module, or None and why not. Its import can call quit() (exit status 0)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()) as said:
            import face_recognition
    except SystemExit:
        printed = said.getvalue().strip().splitlines()
        return None, ("face_recognition quit while importing: its face_recognition_models "
                      "package is missing or needs pkg_resources (setuptools)"
                      + (f" (it said: {printed[0]})" if printed else ""))
    except ImportError as exc:
        return None, f"face_recognition is not installed ({exc})"
    return face_recognition, ""


def _stat(samples: list[float], cpu: list[float]) -> dict[str, float | int]:
    values = np.asarray(samples)
    return {"median": round(float(np.median(values)), 3),
            "p90": round(float(np.percentile(values, 90)), 3), "runs": len(samples),
            "cpu_median": round(float(np.median(cpu)), 3)}


def _known(fr: Any, enrol: np.ndarray, gallery: int, upsample: int) -> np.ndarray | None:
    """`gallery` encodings: random ones (only their count costs), then the enrolled face."""
    boxes = fr.face_locations(enrol, number_of_times_to_upsample=upsample)
    if not boxes:
        return None
    rng = np.random.default_rng(0)
    known = rng.standard_normal((gallery, 128))
    known *= 0.5 / np.linalg.norm(known, axis=1, keepdims=True)
    known[-1] = fr.face_encodings(enrol, boxes[:1])[0]
    return known


def _run(fr: Any, frames: dict[str, np.ndarray], gallery: int, warmup: int, repeat: int,
         upsample: int) -> dict[str, Any]:
    known = _known(fr, np.ascontiguousarray(frames["enrol"][0]), gallery, upsample)
    if known is None:
        return {"ok": False, "reason": "face_recognition found no face in the enrolment frame"}

    def decide(rgb: np.ndarray) -> str:
        found = fr.face_locations(rgb, number_of_times_to_upsample=upsample, model="hog")
        if not found:
            return "no_face"
        largest = max(found, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
        encoding = fr.face_encodings(rgb, [largest])[0]
        distance = float(fr.face_distance(known, encoding).min())
        return "granted" if distance <= TOLERANCE else "unknown"

    results: dict[str, Any] = {}
    outcomes: dict[str, dict[str, int]] = {}
    for key, stack in frames.items():
        if key == "enrol":
            continue
        images = [np.ascontiguousarray(f) for f in stack]
        counts: dict[str, int] = {}
        samples, cpu = [], []
        for i in range(warmup + repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            outcome = decide(images[i % len(images)])
            if i >= warmup:
                samples.append((time.perf_counter() - start) * 1000.0)
                cpu.append((time.process_time() - start_cpu) * 1000.0)
                counts[outcome] = counts.get(outcome, 0) + 1
        results[key] = _stat(samples, cpu)
        outcomes[key] = counts
    return {"ok": True, "frame_to_decision_ms": results, "outcomes": outcomes}


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    fr, reason = _import()
    if fr is None:
        print(json.dumps({"ok": False, "reason": reason}))
        return 0
    import dlib

    with np.load(argv[0]) as data:
        frames = {key: data[key] for key in data.files}
    out = _run(fr, frames, int(argv[1]), int(argv[2]), int(argv[3]), int(argv[4]))
    out["versions"] = {"face_recognition": str(getattr(fr, "__version__", "?")),
                       "dlib": str(getattr(dlib, "__version__", "?"))}
    out["upsample"] = int(argv[4])
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
