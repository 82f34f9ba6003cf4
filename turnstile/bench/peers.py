"""Side by side with the face_recognition library, run in its own process on our frames."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from turnstile.types import Image

WORKER = Path(__file__).with_name("peer_worker.py")


@dataclass(frozen=True)
class PeerRun:
    """face_recognition's frame-to-decision times, or why they could not be taken."""

    available: bool
    reason: str = ""
    frame_to_decision_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    upsample: int = 0


def run_face_recognition(frames: Mapping[str, Sequence[Image]], enrol: Image, gallery: int,
                         warmup: int, repeat: int, python: str = "", upsample: int = 0,
                         timeout_s: float = 600.0) -> PeerRun:
    """Time face_recognition on the same BGR frames (converted to the RGB it expects)."""
    with tempfile.TemporaryDirectory(prefix="turnstile-bench-") as scratch:
        archive = Path(scratch) / "frames.npz"
        stacks: dict[str, Any] = {key: np.stack([f[..., ::-1] for f in stack])
                                  for key, stack in frames.items()}
        stacks["enrol"] = enrol[None, ..., ::-1]
        np.savez(archive, **stacks)
        command = [python or sys.executable, str(WORKER), str(archive), str(gallery),
                   str(warmup), str(repeat), str(upsample)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return PeerRun(False, f"could not run {command[0]}: {exc}")
    return parse_worker_output(done.returncode, done.stdout, done.stderr)


def parse_worker_output(returncode: int, stdout: str, stderr: str) -> PeerRun:
    lines = stdout.strip().splitlines()
    try:
        data: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except ValueError:
        data = {}
    if returncode != 0 or not data:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        return PeerRun(False, f"face_recognition worker failed (exit {returncode}): {tail}")
    if not data.get("ok"):
        return PeerRun(False, str(data.get("reason", "unknown reason")))
    return PeerRun(True, "", dict(data["frame_to_decision_ms"]), dict(data["outcomes"]),
                   dict(data.get("versions", {})), int(data.get("upsample", 0)))
