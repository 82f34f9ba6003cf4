"""The one wiring point: QApplication, kiosk window and recognition worker."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from turnstile.access.door import DoorOutput
from turnstile.access.doorinputs import DoorInputs
from turnstile.access.health import EXIT_FAULT
from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.access.pindesk import PinEntry
from turnstile.config import Config
from turnstile.gui import i18n, release_qt_env
from turnstile.gui.admin.kiosklink import AdminLink
from turnstile.gui.kiosk import KioskWindow
from turnstile.gui.worker import RecognitionWorker
from turnstile.vision.engine import Engine, EngineFactory

#: How long "Out of service" stays on screen before the process exits for a restart.
FAULT_EXIT_MS = 5000


class Kiosk:
    """The window and its worker, connected; start() begins recognition, stop() joins it."""

    def __init__(self, config: Config, db_path: Path, source: str | None = None,
                 loop: bool = False, engine: Engine | None = None, model: Path | None = None,
                 door: DoorOutput | None = None, liveness: LivenessCheck | None = None,
                 engine_factory: Callable[[], Engine] | None = None,
                 inputs: DoorInputs | None = None) -> None:
        self.window = KioskWindow(config.kiosk, cooldown_s=config.policy.cooldown_s,
                                  pin=config.pin)
        self.window.pin_entered.connect(self._submit_pin)
        self._args = (db_path, source, loop, engine, door, liveness, inputs)
        self._engine_factory = engine_factory
        #: The one factory carrying --model: the worker's engine and the admin panel's.
        self.engines = EngineFactory(model)
        self.config = config
        #: Called (after the screen said "Out of service") when recognition gave up.
        self.on_fault: Callable[[str], None] | None = None
        self.worker = self._make_worker(config)

    def _make_worker(self, config: Config) -> RecognitionWorker:
        db_path, source, loop, engine, door, liveness, inputs = self._args
        worker = RecognitionWorker(
            config, db_path, source if source is not None else config.camera.source,
            loop or config.camera.loop, engine, door, liveness,
            engine_factory=self._engine_factory or (lambda: self.engines(config)),
            inputs=inputs)
        worker.preview.connect(self.window.on_preview)
        worker.update.connect(self.window.on_update)
        worker.camera.connect(self.window.on_camera)
        worker.panel.connect(self.window.on_panel)
        worker.beep.connect(self.window.on_beep)
        worker.door.connect(self.window.on_door)
        worker.failed.connect(self.window.on_failed)
        worker.failed.connect(self._failed)
        return worker

    def _submit_pin(self, entry: PinEntry) -> None:
        # The worker of the moment: reconfigure() replaces it.
        self.worker.submit_pin(entry)

    def _failed(self, message: str) -> None:
        if self.on_fault is not None:
            self.on_fault(message)

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
        self.worker.wait()

    def reconfigure(self, config: Config) -> None:
        """Apply settings saved in the admin panel: recognition restarts with them, in place."""
        running = self.worker.isRunning()
        self.stop()
        self.config = config
        self.window.set_pin_config(config.pin)
        self.worker = self._make_worker(config)
        if running:
            self.start()


def present(window: QWidget, fullscreen: bool) -> None:
    """Show the window full screen (cursor hidden) or as a 1280x800 window."""
    if not fullscreen:
        window.resize(1280, 800)
        window.show()
        return
    window.setCursor(Qt.CursorShape.BlankCursor)
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        # Kiosks often run X without a window manager, which ignores the full-screen hint.
        window.setGeometry(screen.geometry())
    window.showFullScreen()


def run_app(config: Config, db_path: Path, source: str | None = None, loop: bool = False,
            model: Path | None = None, fullscreen: bool = True,
            config_path: Path | None = None) -> int:
    """Show the kiosk until the window is closed (or Ctrl+C); returns the exit status."""
    release_qt_env()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.install(config.kiosk.language)
    kiosk = Kiosk(config, db_path, source, loop, model=model)
    # The hidden gesture opens the admin panel, which asks for the password itself.
    link = AdminLink(kiosk.window.admin_requested, config, config_path, db_path,
                     on_settings=kiosk.reconfigure, engines=kiosk.engines)
    # Full screen, Ctrl+Q asks for an administrator's sign-in before the kiosk closes.
    kiosk.window.guard_quit = fullscreen
    kiosk.window.quit_requested.connect(lambda: link.authorise_quit(kiosk.window.allow_quit))
    present(kiosk.window, fullscreen)
    # Let Ctrl+C in the terminal close the kiosk instead of being swallowed by Qt's loop.
    previous = signal.signal(signal.SIGINT, lambda *_: app.quit())
    # A kiosk out of service ends with a non-zero status once the screen has said so: the
    # service manager starts a fresh process (a new camera, database connection, door).
    kiosk.on_fault = lambda _message: QTimer.singleShot(FAULT_EXIT_MS,
                                                        lambda: app.exit(EXIT_FAULT))
    kiosk.start()
    try:
        return int(app.exec())
    finally:
        link.close()
        kiosk.stop()
        signal.signal(signal.SIGINT, previous)
