"""The kiosk loop: frames -> detect -> policy (recognising one face) -> door -> event log.

The kiosk's worker thread and `turnstile replay` both call `run()`; only the source (paced
and newest-frame-only for the kiosk, every frame for replay) and the door differ.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from turnstile.access.camera import CameraLostError, CameraSource, Frame
from turnstile.access.door import DoorOutput, DoorResult
from turnstile.access.doorwatch import DoorWatch
from turnstile.access.eventqueue import Backlog
from turnstile.access.health import Backoff, FaultClock, Heartbeat
from turnstile.access.liveness.build import configured as configured_liveness
from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.access.passes import PassGate
from turnstile.access.pin import FaceAndPin
from turnstile.access.pindesk import PinDesk, PinSetup
from turnstile.access.policy import FINAL, OPENS, AccessPolicy
from turnstile.access.schedule import Directory
from turnstile.config import CameraConfig, Config
from turnstile.store.gallery import Gallery
from turnstile.store.interfaces import EventStore
from turnstile.store.records import StoreError
from turnstile.store.upkeep import Upkeep
from turnstile.types import Admitted, Decision, DenyReason, Face, Image, Match, Outcome

__all__ = ["Backoff", "CameraState", "CameraStatus", "FrameResult", "Pipeline", "RunSummary",
           "run"]
from turnstile.vision.align import align
from turnstile.vision.detect import FaceDetector, following
from turnstile.vision.engine import Engine, thumbnail_jpeg
from turnstile.vision.light import LightHint, LightLimits, as_bgr, assess

log = logging.getLogger(__name__)

#: A fault lasting this long without a success ends the run (the service restarts us).
FAULT_EXIT_S = 60.0
#: Pause after a frame whose processing raised, doubling while it keeps failing.
FAULT_RETRY_S = 0.1
FAULT_RETRY_MAX_S = 2.0


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


def following_detector(config: Config, detector: FaceDetector) -> FaceDetector:
    """The camera's detector as the kiosk runs it: following the face in view when it can
    (the light rescue's second look, when configured, stays around it)."""
    return following(detector, config.detector)


class Pipeline:
    """One frame in, one FrameResult out; owns no thread and no connection of its own."""

    def __init__(self, engine: Engine, gallery: Gallery, policy: AccessPolicy,
                 door: DoorOutput, events: EventStore, source_name: str = "",
                 flip_probe: bool = False, detector: FaceDetector | None = None,
                 fault_exit_s: float = FAULT_EXIT_S, pins: PinDesk | None = None) -> None:
        self.engine = engine
        #: This camera's detector (see build: it follows the face in view).
        self.detector = detector or engine.detector
        #: Whether each frame's face is also embedded mirrored (recognition.flip_probe).
        self.flip_probe = flip_probe
        self.gallery = gallery
        self.policy = policy
        self.door = door
        self.source_name = source_name
        #: How long each fault has lasted (the loop ends the run past the limit).
        self.health = FaultClock(fault_exit_s)
        self._backlog = Backlog(events, self.health)
        #: Periodic WAL checkpoint and size limit on the loop's own connection (SQLite).
        self.upkeep: Upkeep | None = None
        self.light_limits = LightLimits()
        #: PIN entries from the keypad, decided between frames (None: no PINs here).
        self.pins = pins
        #: Visitor passes read from the frames (None: passes.enabled is off).
        self.passes: PassGate | None = None
        #: The door contact and exit button (None: no inputs wired); serviced by a DoorDesk
        #: on its own thread, told here of each opening so it is no forced one.
        self.door_watch: DoorWatch | None = None

    @property
    def events(self) -> EventStore:
        return self._backlog.events

    @events.setter
    def events(self, events: EventStore) -> None:
        self._backlog.events = events

    @classmethod
    def build(cls, config: Config, engine: Engine, gallery: Gallery, door: DoorOutput,
              liveness: LivenessCheck | None = None, source_name: str = "",
              pins: PinSetup | None = None) -> Pipeline:
        if liveness is None:
            # The configured presentation-attack checks: on by default, a still picture
            # must not open the door.
            liveness = configured_liveness(config, engine)
        directory = Directory(gallery.store)
        desk = None if pins is None else PinDesk(config.pin, pins, directory,
                                                 config.policy.allowed_groups)
        # Without PINs, whoever needs face and PIN is refused rather than let in on the face.
        second = desk.requirement if desk is not None else FaceAndPin(config.pin, None)
        policy = AccessPolicy(config.policy, config.recognition, directory, liveness, second)
        pipeline = cls(engine, gallery, policy, door, gallery.store.events,
                       source_name, config.recognition.flip_probe,
                       following_detector(config, engine.detector), config.kiosk.fault_exit_s,
                       desk)
        connection = getattr(gallery.store, "connection", None)
        if isinstance(connection, sqlite3.Connection):
            pipeline.upkeep = Upkeep(connection, config.events.max_db_mb * 2**20)
        return pipeline

    def process(self, frame: Frame) -> FrameResult:
        """Decide on one frame; a final decision is recorded before the door is driven."""
        self._backlog.flush()
        if self.upkeep is not None:
            self.upkeep.maybe_run()
        if frame.image.ndim != 3 or frame.image.shape[2] != 3:  # an IR or greyscale camera
            frame = replace(frame, image=as_bgr(frame.image))
        entry = self.pins.take() if self.pins is not None else None
        if entry is not None and self.pins is not None:
            # A PIN typed on the keypad takes this frame's turn (a moment's delay for faces).
            return self._act(frame, (), self.pins.decide(entry, frame.at), None)
        if self.passes is not None:
            shown = self.passes.look(frame.image, frame.at, frame.index)
            if shown is not None:  # a pass in view (or just decided): no face decision now
                return self._act(frame, (), shown, None)
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
        crop = None
        if decision.face is not None:
            # A followed face decided without an embedding (a SPOOF while the liveness check
            # watched it) still gets its picture in the log.
            crop = crops.get(decision.face)
            if crop is None:
                crop = align(frame.image, decision.face, self.engine.embedder.input_size)
        return self._act(frame, faces, decision, thumbnail_jpeg(crop) if crop is not None
                         else None)

    def _act(self, frame: Frame, faces: tuple[Face, ...], decision: Decision,
             thumbnail: bytes | None) -> FrameResult:
        """Record a final decision, then drive the door for one that opens it."""
        if decision.outcome not in FINAL:
            return FrameResult(frame, faces, decision)
        if self.pins is not None:
            self.pins.noted(decision)  # a question for a PIN, or any other final decision
        granted = decision.outcome in OPENS
        event_id = self._backlog.record(decision, thumbnail, self.source_name,
                                         awaiting_door=granted)
        if event_id is None:
            if granted:
                # Record, then open: no row, no door.
                decision = replace(decision, outcome=Outcome.DENIED,
                                   reason=DenyReason.NOT_RECORDED,
                                   detail="the event log could not be written")
            # Logged as soon as the store is back.
            self._backlog.keep(decision, thumbnail, self.source_name)
            return FrameResult(frame, faces, decision)
        door = None
        if granted:
            door = self._drive_door(decision)
            if not door.opened:
                # Fail-secure: the grant stands as a refusal (the door failed, or the access
                # panel refused or did not answer); it is logged, not retried.
                decision = replace(decision, outcome=Outcome.DENIED,
                                   reason=door.refusal, detail=door.detail)
            self._backlog.answer(event_id, door)
            if door.opened and self.door_watch is not None:
                self.door_watch.authorise()  # this opening is no forced one
        return FrameResult(frame, faces, decision, door, event_id)

    def _admitted(self, decision: Decision) -> Admitted | None:
        """Who the grant is for, with their card number (an access panel's reader sends it)."""
        match = decision.match
        if match is None or match.person_id is None:
            return None
        try:
            credential = self.gallery.store.people.get(match.person_id).credential
        except StoreError:  # removed a moment ago: no card number, so a panel refuses
            credential = None
        return Admitted(match.person_id, match.name or "", credential)

    def _drive_door(self, decision: Decision) -> DoorResult:
        try:
            door = self.door.open(self._admitted(decision))
        except Exception as exc:  # a driver bug or odd setting must not open nor crash
            log.exception("the door driver failed")
            door = DoorResult(False, f"door driver error: {type(exc).__name__}")
        return door


@dataclass
class RunSummary:
    """Counts over a run; nothing per decision is kept (a kiosk runs for months)."""

    frames: int = 0
    lost: int = 0
    #: Frames whose processing raised (logged, retried with backoff).
    faults: int = 0
    outcomes: Counter[Outcome] = field(default_factory=Counter)


def _wait(stop: threading.Event, seconds: float, heartbeat: Heartbeat) -> None:
    """Sleep until `stop` or `seconds`, still feeding the watchdog: waiting is not hanging."""
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        heartbeat.beat()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        stop.wait(min(left, 1.0))


def run(source: CameraSource, pipeline: Pipeline, on_result: Callable[[FrameResult], None],
        *, camera: CameraConfig, reconnect: bool = True,
        on_status: Callable[[CameraStatus], None] | None = None,
        stop: threading.Event | None = None, heartbeat: Heartbeat | None = None) -> RunSummary:
    """Process the source until it ends or `stop` is set.

    A lost camera is reopened with backoff when `reconnect` is on (otherwise CameraLostError
    propagates); a frame whose processing raises is logged and the loop goes on after a short
    backoff. A fault lasting past config.health.fault_exit_s raises ServiceFaultError.
    """
    stop = stop or threading.Event()
    beat = heartbeat or Heartbeat("")
    status = on_status or (lambda _status: None)
    backoff = Backoff(camera.reconnect_s, camera.reconnect_max_s)
    retry = Backoff(FAULT_RETRY_S, FAULT_RETRY_MAX_S)
    health = pipeline.health
    summary = RunSummary()
    while not stop.is_set():
        beat.beat()
        try:
            running = False
            for frame in source.frames():
                beat.beat()
                if not running:
                    status(CameraStatus(CameraState.RUNNING, source.name))
                    backoff.reset()
                    health.ok("camera")
                    running = True
                try:
                    result = pipeline.process(frame)
                except Exception as exc:  # contained per frame: logged, retried, counted
                    summary.faults += 1
                    health.fault("processing", f"{type(exc).__name__}: {exc}")
                    if summary.faults == 1 or summary.faults % 100 == 0:
                        log.exception("frame %d failed (%d so far)", frame.index, summary.faults)
                    health.check()
                    _wait(stop, retry.next(), beat)
                    if stop.is_set():
                        break
                    continue
                health.ok("processing")
                retry.reset()
                health.check()
                summary.frames += 1
                if result.final:
                    summary.outcomes[result.decision.outcome] += 1
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
            health.fault("camera", str(exc))
            health.check()
            delay = backoff.next()
            log.warning("camera lost: %s; retrying in %.1f s", exc, delay)
            status(CameraStatus(CameraState.LOST, str(exc), delay))
            _wait(stop, delay, beat)
    return summary
