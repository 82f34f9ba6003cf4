"""The recognition thread: runs the core pipeline on the camera and reports to the screen."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QImage

from turnstile.access.camera import Frame, LatestFrameSource, open_source
from turnstile.access.door import DoorOutput, build_door
from turnstile.access.doordesk import DoorDesk, LockedDoor, sqlite_events
from turnstile.access.doorinputs import DoorInputs, build_inputs
from turnstile.access.doorwatch import build_watch
from turnstile.access.exposure import face_meter
from turnstile.access.health import Heartbeat
from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.access.osdpdoor import OsdpDoor
from turnstile.access.passes import build_pass_gate
from turnstile.access.pindesk import PinEntry, PinInbox, PinSetup
from turnstile.access.pipeline import CameraState, CameraStatus, FrameResult, Pipeline, run
from turnstile.admin.pins import ScryptPins
from turnstile.config import Config
from turnstile.gui.qimage import to_qimage
from turnstile.links.streams import start_streams
from turnstile.redact import camera_label
from turnstile.store import upkeep
from turnstile.store.central.background import start_background
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Box, Decision, Outcome
from turnstile.vision.engine import Engine, EngineFactory
from turnstile.vision.light import LightHint

log = logging.getLogger(__name__)

#: How long the kiosk's connection waits for another writer before giving up on a write.
KIOSK_BUSY_TIMEOUT_MS = 2000


@dataclass(frozen=True)
class KioskUpdate:
    """One processed frame as the screen needs it (plain values, safe across threads)."""

    decision: Decision
    final: bool
    boxes: tuple[Box, ...]
    #: The face the decision is about, if any (drawn highlighted).
    chosen: Box | None
    frame_size: tuple[int, int]
    #: The person's enrolled thumbnail (JPEG) for a final decision about a known person.
    thumbnail: bytes | None = None
    door_opened: bool | None = None
    #: What the light is doing to the face (the kiosk's hint and fill light).
    light: LightHint = LightHint.OK
    #: Templates in the gallery (0: nobody enrolled yet, the kiosk shows its first-run screen).
    enrolled: int | None = None


class RecognitionWorker(QThread):
    """Owns the engine's use, its own SQLite connection, the door and the camera loop, and
    starts the door-input thread (access/doordesk.py) that works whatever the camera does.

    `engine`, `door` and `inputs` may be passed in (tests, a kiosk that already loaded
    them); otherwise they are built here from the config, off the GUI thread.
    """

    preview = Signal(QImage)
    update = Signal(object)
    camera = Signal(object)
    #: Start-up failed or a fault persisted: the kiosk shows "Out of service" and the
    #: process exits non-zero so the service manager restarts it.
    failed = Signal(str)
    #: The access panel's state changed (door.kind = "osdp"): a PanelStatus.
    panel = Signal(object)
    #: The access panel sounded the reader's buzzer.
    beep = Signal()
    #: The door thread logged an alarm or an exit, or an alarm ended: a DoorReport.
    door = Signal(object)

    def __init__(self, config: Config, db_path: Path, source: str, loop: bool = False,
                 engine: Engine | None = None, door: DoorOutput | None = None,
                 liveness: LivenessCheck | None = None,
                 engine_factory: Callable[[], Engine] | None = None,
                 inputs: DoorInputs | None = None) -> None:
        super().__init__()
        self._config = config
        self._db_path = db_path
        self._source = source
        self._loop = loop
        self._engine = engine
        self._door = door
        self._liveness = liveness
        #: The door inputs, when given (tests, demos); otherwise built from the config.
        self._inputs = inputs
        self._engine_factory = engine_factory or (lambda: EngineFactory()(config))
        self._stop = threading.Event()
        # One-frame mailbox: a preview is emitted only once the screen has taken the last
        # one, so a busy GUI thread skips frames instead of queueing them without bound.
        self._preview_pending = threading.Event()
        self.preview.connect(self._preview_taken)
        self.heartbeat = Heartbeat()
        self._reader: OsdpDoor | None = None
        #: Keypad entries, decided by the loop between frames (thread-safe).
        self.pins = PinInbox()

    def submit_pin(self, entry: PinEntry) -> None:
        """Hand a keypad entry to the loop (from the GUI thread); its result comes back as
        an update like any decision."""
        self.pins.submit(entry)

    def stop(self) -> None:
        """Ask the loop to end; returns at once (wait() to join)."""
        self._stop.set()

    def run(self) -> None:
        stop_streams: Callable[[], None] | None = None
        stop_sync: Callable[[], None] | None = None
        desk: DoorDesk | None = None
        try:
            store = SQLiteStore.open(self._db_path, self._config.events)
            # A clear "restore the last backup" instead of errors frame after frame.
            upkeep.check(store.connection, self._db_path)
            # A writer holding the lock delays a grant by at most this, then the door
            # stays shut and the outcome waits in the backlog.
            upkeep.limit_lock_wait(store.connection, KIOSK_BUSY_TIMEOUT_MS)
            raw_door = self._door or build_door(self._config.door, self._config.osdp,
                                                self._db_path.parent)
            # The recognition loop and the door-input thread drive it one at a time.
            door = LockedDoor(raw_door)
            if isinstance(raw_door, OsdpDoor):
                self._reader = raw_door
                raw_door.on_status = self.panel.emit
                raw_door.on_buzzer = self.beep.emit
                self.panel.emit(raw_door.status)
            # Events to MQTT and webhook receivers, from the outbox (registered first, so
            # every decision from now on is queued for them).
            stop_streams = start_streams(self._config, self._db_path)
            # The exit button and door alarms, on their own thread before the engine loads:
            # they must not wait for the camera or for recognition.
            desk = self._door_desk(raw_door, door)
            engine = self._engine or self._engine_factory()
            # With [central], the replica follows the central roster and events go there.
            stop_sync = start_background(self._config.central, self._db_path,
                                         engine.embedder.name, engine.embedder.dimension)
        except Exception as exc:  # every start-up failure goes to the screen, not a traceback
            log.exception("the recognition worker could not start")
            self._shut(desk, stop_sync, stop_streams)
            self._give_up(str(exc))
            return
        try:
            gallery = engine.gallery(store)
            pipeline = Pipeline.build(self._config, engine, gallery, door, self._liveness,
                                      camera_label(self._source),
                                      PinSetup(store.pins, ScryptPins(), self.pins))
            # Visitor passes (passes.enabled), checked against this database's revocations.
            pipeline.passes = build_pass_gate(self._config, self._db_path, store.connection)
            pipeline.door_watch = desk.watch if desk is not None else None
            inner = open_source(self._source, self._config.camera, pace=True, loop=self._loop)
            source = LatestFrameSource(inner, self._config.camera.stall_s, self._show)
            # Exposure metered on the face where the camera lets us (camera.face_exposure).
            meter = face_meter(inner) if self._config.camera.face_exposure else None

            def report(result: FrameResult) -> None:
                if meter is not None:
                    meter.observe(result.frame.image, result.decision.face)
                self.update.emit(_update(result, store.templates.thumbnail, gallery.size))

            self.heartbeat.ready()
            run(source, pipeline, report, camera=self._config.camera, reconnect=True,
                on_status=self._status, stop=self._stop, heartbeat=self.heartbeat)
        except Exception as exc:  # ServiceFaultError or anything the loop could not contain
            log.exception("the recognition worker stopped")
            self._give_up(str(exc))
        finally:
            self._shut(desk, stop_sync, stop_streams)
            if self._door is None:
                door.close()
            store.close()

    def _door_desk(self, raw_door: DoorOutput, door: DoorOutput) -> DoorDesk | None:
        """The door contact and exit button serviced on their own thread (None: none wired)."""
        inputs = self._inputs or build_inputs(self._config.door, raw_door)
        watch = build_watch(self._config.door, inputs)
        if watch is None:
            return None
        db_path, events = self._db_path, self._config.events
        desk = DoorDesk(watch, door, lambda: sqlite_events(db_path, events),
                        on_report=self.door.emit)
        desk.start()
        return desk

    @staticmethod
    def _shut(desk: DoorDesk | None, *stops: Callable[[], None] | None) -> None:
        if desk is not None:
            desk.stop()
        for stop in stops:
            if stop is not None:
                stop()

    def _give_up(self, message: str) -> None:
        self.heartbeat.status(f"out of service: {message}")
        self.failed.emit(message)

    def _show(self, frame: Frame) -> None:
        if self._stop.is_set() or self._preview_pending.is_set():
            return
        self._preview_pending.set()
        self.preview.emit(to_qimage(frame.image))

    def _preview_taken(self, _image: QImage) -> None:
        self._preview_pending.clear()

    def _status(self, status: CameraStatus) -> None:
        if self._reader is not None:
            # A camera unplugged or covered is what tampering with a kiosk looks like.
            self._reader.report_tamper(status.state is CameraState.LOST)
        self.camera.emit(status)


def _update(result: FrameResult, thumbnail: Callable[[int], bytes | None],
            enrolled: int | None = None) -> KioskUpdate:
    decision = result.decision
    chosen = decision.face.box if decision.face is not None else None
    pid = decision.match.person_id if decision.match else None
    # Only a grant shows the enrolled picture: an UNKNOWN's nearest match is someone else.
    granted = decision.outcome is Outcome.GRANTED
    picture = thumbnail(pid) if granted and pid is not None else None
    height, width = result.frame.image.shape[:2]
    return KioskUpdate(decision, result.final, tuple(f.box for f in result.faces), chosen,
                       (width, height), picture,
                       result.door.opened if result.door is not None else None, result.light,
                       enrolled)
