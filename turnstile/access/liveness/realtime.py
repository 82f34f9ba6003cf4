"""Liveness presentations as the kiosk runs them: a clip paced in real time, newest frame only.

The kiosk reads its camera on a thread and processes only the newest frame, so on a busy
machine the frames the liveness check sees are irregular and many are dropped. Here a clip
is played from a start offset at its own frame rate through the kiosk's `LatestFrameSource`,
and each frame taken is detected, recognised as the kiosk's policy would (the first
`agreement_frames`, then whenever `continues` says a recheck is due, and the frame the check
decides LIVE on) and shown to a fresh liveness check, until it decides or time runs out.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np

from turnstile.access.camera import FALLBACK_FPS, CameraLostError, Frame, LatestFrameSource
from turnstile.access.following import Sighting, continues
from turnstile.access.liveness.evaluate import Presentation
from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.config import PolicyConfig
from turnstile.types import Face, Image, LivenessResult, Verdict
from turnstile.vision.detect import FaceDetector

#: Seconds without a frame after which the paced clip counts as lost.
STALL_S = 5.0


class ClipFrom:
    """A video file played as a camera from `start_s`, paced by the wall clock, for `seconds`."""

    def __init__(self, path: Path, start_s: float, seconds: float) -> None:
        self.path = path
        self.start_s = start_s
        self.seconds = seconds

    @property
    def name(self) -> str:
        return str(self.path)

    def frames(self) -> Iterator[Frame]:
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            raise CameraLostError(f"cannot open video {self.path}")
        fps = capture.get(cv2.CAP_PROP_FPS) or FALLBACK_FPS
        first = round(self.start_s * fps)
        capture.set(cv2.CAP_PROP_POS_FRAMES, first)
        started = time.monotonic()
        try:
            for index in range(round(self.seconds * fps)):
                ok, image = capture.read()
                if not ok:
                    return
                position = index / fps
                time.sleep(max(0.0, started + position - time.monotonic()))
                yield Frame(np.asarray(image, np.uint8), first + index, position,
                            datetime.now())
        finally:
            capture.release()


@dataclass(frozen=True)
class RealtimeRun:
    """One real-time presentation and how many of the clip's frames it got to see."""

    presentation: Presentation
    frames_shown: int
    frames_taken: int
    #: Frames recognised (the rest were followed, as the kiosk follows them).
    frames_recognised: int = 0


class Recogniser:
    """Recognises the frames the kiosk's policy would: the first `agreement_frames` of a
    streak, then only when the watched face does not `continue` its last sighting."""

    def __init__(self, recognise: Callable[[Image, Face], object], policy: PolicyConfig) -> None:
        self._recognise = recognise
        self._policy = policy
        self._sighting: Sighting | None = None
        self._agreeing = 0
        self.count = 0

    def lost(self) -> None:
        """The face left the frame: its streak ends."""
        self._sighting, self._agreeing = None, 0

    def see(self, image: Image, face: Face, at: datetime) -> bool:
        """Recognise `face` unless it is followed; whether it was recognised."""
        policy = self._policy
        if self._agreeing >= policy.agreement_frames and self._sighting is not None and \
                continues(self._sighting, face, at, policy.track_iou,
                          policy.liveness_recheck_s):
            self._sighting = self._sighting.moved_to(face, at)
            return False
        self.recognise(image, face, at)
        return True

    def recognise(self, image: Image, face: Face, at: datetime) -> None:
        self._recognise(image, face)
        self._sighting = Sighting(face, at, at)
        self._agreeing += 1
        self.count += 1


def present_realtime(path: Path, bona_fide: bool, start_s: float, within_s: float,
                     detector: FaceDetector, recogniser: Recogniser,
                     check: LivenessCheck) -> RealtimeRun:
    """One presentation from `start_s`, decided within `within_s` of wall-clock time."""
    clip = ClipFrom(path, start_s, within_s)
    source = LatestFrameSource(clip, STALL_S)
    result = LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, 0.0, "no face seen")
    decided_at: float | None = None
    taken = last_index = 0
    first: Frame | None = None
    check.reset()
    recogniser.lost()
    before = recogniser.count
    for frame in source.frames():
        taken += 1
        first = first or frame
        last_index = frame.index
        # Seconds on the wall clock, as the kiosk's policy stamps its frames.
        at = (frame.at - first.at).total_seconds() + first.time_s
        faces = detector.detect(frame.image)
        if not faces:
            check.reset()  # the kiosk's streak ends when the face is lost
            recogniser.lost()
            continue
        face = max(faces, key=lambda f: f.box.size)
        recognised = recogniser.see(frame.image, face, frame.at)
        result = check.observe(frame.image, face, at)
        if result.decided:
            if result.verdict is Verdict.LIVE and not recognised:
                recogniser.recognise(frame.image, face, frame.at)  # as the kiosk, to grant
            decided_at = at
            break
    shown = last_index - first.index + 1 if first is not None else 0
    return RealtimeRun(Presentation(path, start_s, bona_fide, result.verdict, result.score,
                                    decided_at, result.detail), shown, taken,
                       recogniser.count - before)


def start_offsets(duration_s: float, within_s: float, count: int) -> list[float]:
    """`count` start times spread evenly over the clip, each leaving `within_s` to run."""
    span = max(duration_s - within_s, 0.0)
    return [span * k / max(count - 1, 1) for k in range(count)] if count > 1 else [0.0]


def load_average() -> float:
    """The one-minute load average (0 where the system does not report one)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0
