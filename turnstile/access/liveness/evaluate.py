"""Evaluating liveness on folders of videos (the motion check) or images (the passive model)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.errors import UsageError
from turnstile.types import Face, Image, LivenessResult, Verdict
from turnstile.vision.detect import FaceDetector

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm")


@dataclass(frozen=True)
class Presentation:
    """One presentation to the check: a file, where it starts, and how it ended."""

    path: Path
    start_s: float
    bona_fide: bool
    verdict: Verdict
    score: float
    #: Seconds from the start to the first decisive verdict (None when there was none).
    decided_after_s: float | None
    detail: str

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.LIVE


def video_files(folders: Sequence[Path]) -> list[Path]:
    """Every video under the folders (recursively), sorted; a missing folder is an error."""
    found: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} is not a folder")
        found.extend(p for p in sorted(folder.rglob("*")) if p.suffix.lower() in VIDEO_SUFFIXES)
    return found


def read_video(path: Path) -> Iterator[tuple[float, Image]]:
    """(seconds, frame) for every frame of a video file; an unreadable file is an error."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise UsageError(f"{path}: not a readable video")
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    index = 0
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            yield index / fps, np.asarray(frame, np.uint8)
            index += 1
    finally:
        capture.release()
    if index == 0:
        raise UsageError(f"{path}: no frames could be decoded")


@dataclass
class _Running:
    start_s: float
    check: LivenessCheck
    result: LivenessResult | None = None
    decided_at: float | None = None


def _finish(path: Path, bona_fide: bool, run: _Running) -> Presentation:
    result = run.result or LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, 0.0, "no face seen")
    after = None if run.decided_at is None else run.decided_at - run.start_s
    return Presentation(path, run.start_s, bona_fide, result.verdict, result.score, after,
                        result.detail)


def present_video(path: Path, bona_fide: bool, detector: FaceDetector,
                  new_check: Callable[[], LivenessCheck], within_s: float | None,
                  starts_every_s: float) -> list[Presentation]:
    """Run fresh checks over one video, as the kiosk would, and keep their first decision.

    With `starts_every_s` > 0 a presentation starts every that many seconds, each lasting
    `within_s`; otherwise one presentation runs from the start for `within_s` (None: to the
    end). A frame without a face starts the check over, as the kiosk's policy does.
    """
    frames = ((at, frame, _first(detector.detect(frame))) for at, frame in read_video(path))
    return present_frames(path, frames, bona_fide, new_check, within_s, starts_every_s)


def _first(faces: Sequence[Face]) -> Face | None:
    return faces[0] if faces else None


def present_frames(path: Path, frames: Iterable[tuple[float, Image, Face | None]],
                   bona_fide: bool, new_check: Callable[[], LivenessCheck],
                   within_s: float | None, starts_every_s: float) -> list[Presentation]:
    """`present_video` on frames whose faces are already found (benchmarks replay them)."""
    running: list[_Running] = []
    done: list[Presentation] = []
    next_start: float | None = 0.0
    for at, frame, face in frames:
        if next_start is None and not running:
            break  # every presentation of this file has ended
        if next_start is not None and at >= next_start - 1e-9:
            running.append(_Running(at, new_check()))
            next_start = at + starts_every_s if starts_every_s > 0 else None
        for run in list(running):
            if within_s is not None and at - run.start_s > within_s + 1e-9:
                running.remove(run)
                done.append(_finish(path, bona_fide, run))
                continue
            if run.decided_at is not None:
                continue
            if face is None:
                run.check.reset()
                continue
            run.result = run.check.observe(frame, face, at)
            if run.result.decided:
                run.decided_at = at
    # A sliding presentation cut short by the end of the file is dropped, decided or not:
    # keeping only the decided ones would flatter the check.
    if starts_every_s <= 0:
        done.extend(_finish(path, bona_fide, run) for run in running)
    return done
