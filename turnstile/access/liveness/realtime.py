"""Liveness presentations as the kiosk runs them: a clip paced in real time, newest frame only.

The kiosk reads its camera on a thread and processes only the newest frame, so on a busy
machine the frames the liveness check sees are irregular and many are dropped. Here a clip
is played from a start offset at its own frame rate through the kiosk's `LatestFrameSource`,
and each frame taken is detected and decided by a fresh `AccessPolicy`, the kiosk's own,
until it is final or time runs out: the policy chooses which frames to recognise (the
embedder runs on those, for its cost) and feeds its liveness check. Recognition always
answers the one presented person, whom the policy admits at any time: what is measured is
whether liveness lets them in.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from turnstile.access.camera import FALLBACK_FPS, CameraLostError, Frame, LatestFrameSource
from turnstile.access.liveness.evaluate import Presentation
from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.access.policy import FINAL, AccessPolicy
from turnstile.access.schedule import AccessRule
from turnstile.config import PolicyConfig, RecognitionConfig
from turnstile.types import Decision, Face, Image, Match, Outcome, Person, Verdict
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


#: The one person every real-time presentation is recognised as.
PRESENTED = Person(1, "presented", None, True, datetime(2000, 1, 1))


class _AdmitPresented:
    """The policy's directory: the presented person may enter at any time."""

    def rule(self, person_id: int) -> AccessRule | None:
        return AccessRule(PRESENTED) if person_id == PRESENTED.id else None


def presentation_policy(policy: PolicyConfig, recognition: RecognitionConfig,
                        check: LivenessCheck) -> AccessPolicy:
    """A fresh kiosk policy that admits the presented person once `check` says LIVE."""
    return AccessPolicy(policy, recognition, _AdmitPresented(), check)


class Recognition:
    """Recognises a face as the kiosk would (runs `embed` on it), counts it, and answers the
    presented person."""

    def __init__(self, embed: Callable[[Image, Face], object]) -> None:
        self._embed = embed
        self.count = 0

    def recognise(self, image: Image, face: Face) -> Match:
        self._embed(image, face)
        self.count += 1
        return Match(PRESENTED.id, PRESENTED.name, 1.0, -1.0)


def present_realtime(path: Path, bona_fide: bool, start_s: float, within_s: float,
                     detector: FaceDetector, policy: AccessPolicy,
                     recognition: Recognition) -> RealtimeRun:
    """One presentation from `start_s`, decided within `within_s` of wall-clock time."""
    clip = ClipFrom(path, start_s, within_s)
    source = LatestFrameSource(clip, STALL_S)
    decision: Decision | None = None
    decided_at: float | None = None
    taken = last_index = 0
    first: Frame | None = None
    before = recognition.count
    for frame in source.frames():
        taken += 1
        first = first or frame
        last_index = frame.index
        decision = policy.decide(frame.at, detector.detect(frame.image), frame.image,
                                 partial(recognition.recognise, frame.image))
        if decision.outcome in FINAL:
            # Seconds on the wall clock, as the kiosk's policy stamps its frames.
            decided_at = (frame.at - first.at).total_seconds() + first.time_s
            break
    shown = last_index - first.index + 1 if first is not None else 0
    verdict, score, detail = _liveness_of(decision)
    return RealtimeRun(Presentation(path, start_s, bona_fide, verdict, score, decided_at,
                                    detail), shown, taken, recognition.count - before)


def _liveness_of(decision: Decision | None) -> tuple[Verdict, float, str]:
    """The liveness verdict a presentation's last decision stands for: GRANTED is LIVE,
    SPOOF is SPOOF, anything else (still pending when time ran out) no decision."""
    if decision is None:
        return Verdict.INSUFFICIENT_EVIDENCE, 0.0, "no frame"
    verdict = {Outcome.GRANTED: Verdict.LIVE, Outcome.SPOOF: Verdict.SPOOF}.get(
        decision.outcome, Verdict.INSUFFICIENT_EVIDENCE)
    score = decision.scores.liveness
    return verdict, 0.0 if score is None else score, decision.detail or decision.outcome.value


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
