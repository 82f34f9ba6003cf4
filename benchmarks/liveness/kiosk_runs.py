"""The real kiosk on the moving live clips: its own window on a virtual screen, fresh each run.

`eval liveness --realtime` runs the kiosk's policy and frame source without its window. This
starts the kiosk itself (`turnstile kiosk`, its Qt window showing the camera) under
`xvfb-run` at --screen, once per segment of each moving clip (--runs segments of --segment
seconds spread over the clip, written as MPEG-4 files), each with a fresh copy of a database
holding only the clip's person, enrolled from the clip's last frame (no segment starts
there). After --seconds the kiosk is stopped and its decisions are read back from the
database. The time printed runs from launching the process, start-up included.

    python benchmarks/liveness/kiosk_runs.py --videos ../shared/datasets/videos \
        [--moving 1zlab_face,instant_high_face] [--runs 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from turnstile.access.liveness.evaluate import read_video

TURNSTILE = [sys.executable, "-m", "turnstile"]


def cut_segments(video: Path, folder: Path, runs: int, seconds: float) -> list[Path]:
    """`runs` segments of `seconds` spread over the clip, and the last frame as a photo."""
    frames = [frame for _, frame in read_video(video)]
    fps = cv2.VideoCapture(str(video)).get(cv2.CAP_PROP_FPS) or 25.0
    length = round(seconds * fps)
    if len(frames) <= length:
        raise SystemExit(f"{video} is shorter than --segment")
    cv2.imwrite(str(folder / f"{video.stem}.jpg"), frames[-1])
    height, width = frames[0].shape[:2]
    paths = []
    for k in range(runs):
        start = round((len(frames) - length - 1) * k / max(runs - 1, 1))
        path = folder / f"{video.stem}_{k}.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps,
                                 (width, height))
        for frame in frames[start:start + length]:
            writer.write(frame)
        writer.release()
        paths.append(path)
    return paths


def run_kiosk(database: Path, segment: Path, screen: str, seconds: float) -> dict[str, Any]:
    """One kiosk run on `segment`: its first decision and the seconds from launch to it."""
    launched = datetime.now()
    kiosk = subprocess.Popen(
        ["xvfb-run", "-a", "-s", f"-screen 0 {screen}", *TURNSTILE, "--db", str(database),
         "kiosk", "--source", str(segment)],
        # Its own process group (to stop it whole) but not its own session: where the kernel
        # shares the CPU between sessions (autogroup), a new session would take an equal
        # share from hogs run beside this script, and the load would not fall on the kiosk.
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)
    time.sleep(seconds)
    # The whole group: xvfb-run, its X server and the kiosk under it. A kiosk that could not
    # start has already exited; its run then shows no decision.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(kiosk.pid, signal.SIGTERM)
    kiosk.wait(timeout=30)
    listed = subprocess.run([*TURNSTILE, "--db", str(database), "events", "--json"],
                            capture_output=True, text=True, check=True)
    events = sorted(json.loads(listed.stdout)["events"], key=lambda e: str(e["at"]))
    if not events:
        return {"segment": segment.name, "outcome": "none", "after_s": None}
    first = events[0]
    after = (datetime.fromisoformat(first["at"]) - launched).total_seconds()
    return {"segment": segment.name, "outcome": first["outcome"], "after_s": round(after, 3),
            "detail": first.get("detail")}


def run_clip(video: Path, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every segment of one clip through the kiosk, each with a fresh database."""
    segments = cut_segments(video, folder, args.runs, args.segment)
    enrolled = folder / f"{video.stem}.db"
    subprocess.run([*TURNSTILE, "--db", str(enrolled), "enroll", video.stem,
                    str(folder / f"{video.stem}.jpg"), "--consent"],
                   capture_output=True, check=True)
    runs = []
    for segment in segments:
        fresh = folder / "run.db"
        for stale in folder.glob("run.db*"):
            stale.unlink()
        shutil.copy(enrolled, fresh)
        runs.append(run_kiosk(fresh, segment, args.screen, args.seconds))
        print(video.stem, runs[-1], flush=True)
    times = [r["after_s"] for r in runs if r["outcome"] == "granted"]
    return {"clip": video.stem, "runs": runs,
            "outcomes": dict(Counter(r["outcome"] for r in runs)),
            "granted_after_s": {"median": float(np.median(times)) if times else None,
                                "max": max(times) if times else None}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, required=True)
    parser.add_argument("--moving", default="1zlab_face,instant_high_face")
    parser.add_argument("--runs", type=int, default=10, help="segments per clip")
    parser.add_argument("--segment", type=float, default=4.0, help="seconds per segment")
    parser.add_argument("--seconds", type=float, default=14.0,
                        help="seconds each kiosk runs before it is stopped")
    parser.add_argument("--screen", default="1280x800x24")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("xvfb-run") is None:
        raise SystemExit("xvfb-run is needed (Debian: apt-get install xvfb)")
    with tempfile.TemporaryDirectory() as scratch:
        clips = [run_clip(args.videos / f"{name}.mp4", Path(scratch), args)
                 for name in args.moving.split(",")]
    for clip in clips:
        print(f"{clip['clip']}: {clip['outcomes']}, granted after (from launch) "
              f"{clip['granted_after_s']}")
    if args.json:
        args.json.write_text(json.dumps(clips, indent=1) + "\n")


if __name__ == "__main__":
    main()
