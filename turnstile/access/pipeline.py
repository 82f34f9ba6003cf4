"""The kiosk loop: frames -> detect -> policy (recognising one face) -> door -> event log.

The kiosk's worker thread and `turnstile replay` both call `run()`; only the source (paced
and newest-frame-only for the kiosk, every frame for replay) and the door differ.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from turnstile.access.camera import CameraLostError, CameraSource, Frame
from turnstile.access.door import DoorOutput, DoorResult
from turnstile.access.liveness.build import configured as configured_liveness
from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.access.policy import FINAL, AccessPolicy
from turnstile.access.schedule import Directory
from turnstile.config import CameraConfig, Config
from turnstile.store.gallery import Gallery
from turnstile.store.interfaces import EventStore
from turnstile.types import Decision, DenyReason, Face, Image, Match, Outcome
from turnstile.vision.align import align
from turnstile.vision.detect import FaceDetector, following
from turnstile.vision.engine import Engine, thumbnail_jpeg
from turnstile.vision.light import LightHint, LightLimits, as_bgr, assess

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrameResult:
    """What one processed frame produced: every face seen and the frame's decision."""

    frame: Frame
    faces: tuple[Face, ...]
    decision: Decision
    door: DoorResult | None = None
    event_id: int | None = None
    #: What the light is doing to the face acted on (or, with none, to the frame).
    light: LightHint = LightHint.OK

    @property
    def final(self) -> bool:
        """A decision the kiosk shows and logs (not a per-frame status)."""
        return self.decision.outcome in FINAL


class CameraState(enum.Enum):
    RUNNING = "running"
    LOST = "lost"
    ENDED = "ended"


@dataclass(frozen=True)
class CameraStatus:
    state: CameraState
    message: str = ""
    #: Seconds until the next reconnect attempt (LOST only).
    retry_in_s: float = 0.0


class Backoff:
    """Reconnect delays: `initial` seconds, doubling up to `maximum`; reset on success."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial = initial
        self.maximum = max(maximum, initial)
        self._next = initial

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2.0, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial


def following_detector(config: Config, detector: FaceDetector) -> FaceDetector:
    """The camera's detector as the kiosk runs it: following the face in view when it can
    (the light rescue's second look, when configured, stays around it)."""
    return following(detector, config.detector)


class Pipeline:
    """One frame in, one FrameResult out; owns no thread and no connection of its own."""

    def __init__(self, engine: Engine, gallery: Gallery, policy: AccessPolicy,
                 door: DoorOutput, events: EventStore, source_name: str = "",
                 flip_probe: bool = False, detector: FaceDetector | None = None) -> None:
        self.engine = engine
        #: This camera's detector (see build: it follows the face in view).
        self.detector = detector or engine.detector
        #: Whether each frame's face is also embedded mirrored (recognition.flip_probe).
        self.flip_probe = flip_probe
        self.gallery = gallery
        self.policy = policy
        self.door = door
        self.events = events
        self.source_name = source_name
        self.light_limits = LightLimits()

    @classmethod
    def build(cls, config: Config, engine: Engine, gallery: Gallery, door: DoorOutput,
              liveness: LivenessCheck | None = None, source_name: str = "") -> Pipeline:
        if liveness is None:
            # The configured presentation-attack checks: on by default, a still picture
            # must not open the door.
            liveness = configured_liveness(config, engine)
        policy = AccessPolicy(config.policy, config.recognition, Directory(gallery.store), liveness)
        return cls(engine, gallery, policy, door, gallery.store.events,
                   source_name, config.recognition.flip_probe,
                   following_detector(config, engine.detector))

    def process(self, frame: Frame) -> FrameResult:
        if frame.image.ndim != 3 or frame.image.shape[2] != 3:  # an IR or greyscale camera
            frame = replace(frame, image=as_bgr(frame.image))
        faces = tuple(self.detector.detect(frame.image))
        crops: dict[Face, Image] = {}

        def recognise(face: Face) -> Match:
            crop = align(frame.image, face, self.engine.embedder.input_size)
            crops[face] = crop
            vector = self.engine.embedder.embed([crop], flip=self.flip_probe)[0]
            return self.gallery.match(vector)

        decision = self.policy.decide(frame.at, faces, frame.image, recognise)
        if decision.outcome not in FINAL:
            light = assess(frame.image, decision.face, self.light_limits)
            return FrameResult(frame, faces, decision, light=light)
        door = None
        if decision.outcome is Outcome.GRANTED:
            door = self.door.open()
            if not door.opened:
                # Fail-secure: the grant stands as a refusal; it is logged, not retried.
                decision = replace(decision, outcome=Outcome.DENIED,
                                   reason=DenyReason.DOOR_FAILED, detail=door.detail)
        crop = crops.get(decision.face) if decision.face is not None else None
        thumbnail = thumbnail_jpeg(crop) if crop is not None else None
        event_id = self.events.record(decision, door, thumbnail, self.source_name)
        return FrameResult(frame, faces, decision, door, event_id)


@dataclass
class RunSummary:
    """Counts over a run, and every final result in order."""

    frames: int = 0
    lost: int = 0
    decisions: list[FrameResult] = field(default_factory=list)


def run(source: CameraSource, pipeline: Pipeline, on_result: Callable[[FrameResult], None],
        *, camera: CameraConfig, reconnect: bool = True,
        on_status: Callable[[CameraStatus], None] | None = None,
        stop: threading.Event | None = None) -> RunSummary:
    """Process the source until it ends or `stop` is set; a lost camera is reopened with
    backoff when `reconnect` is on, otherwise CameraLostError propagates."""
    stop = stop or threading.Event()
    status = on_status or (lambda _status: None)
    backoff = Backoff(camera.reconnect_s, camera.reconnect_max_s)
    summary = RunSummary()
    while not stop.is_set():
        try:
            running = False
            for frame in source.frames():
                if not running:
                    status(CameraStatus(CameraState.RUNNING, source.name))
                    backoff.reset()
                    running = True
                result = pipeline.process(frame)
                summary.frames += 1
                if result.final:
                    summary.decisions.append(result)
                on_result(result)
                if stop.is_set():
                    break
            else:
                status(CameraStatus(CameraState.ENDED, f"{source.name} ended"))
                return summary
        except CameraLostError as exc:
            summary.lost += 1
            if not reconnect:
                raise
            delay = backoff.next()
            log.warning("camera lost: %s; retrying in %.1f s", exc, delay)
            status(CameraStatus(CameraState.LOST, str(exc), delay))
            stop.wait(delay)
    return summary
