"""The one wiring point: QApplication, kiosk window and recognition worker."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from turnstile.config import Config
from turnstile.door import DoorOutput
from turnstile.engine import Engine
from turnstile.gui.kiosk import KioskWindow
from turnstile.gui.worker import RecognitionWorker
from turnstile.policy import LivenessCheck


class Kiosk:
    """The window and its worker, connected; start() begins recognition, stop() joins it."""

    def __init__(self, config: Config, db_path: Path, source: str | None = None,
                 loop: bool = False, engine: Engine | None = None, model: Path | None = None,
                 door: DoorOutput | None = None, liveness: LivenessCheck | None = None) -> None:
        self.window = KioskWindow(config.kiosk)
        self.worker = RecognitionWorker(
            config, db_path, source if source is not None else config.camera.source,
            loop or config.camera.loop, engine, door, liveness,
            engine_factory=lambda: Engine.from_config(config, model))
        self.worker.preview.connect(self.window.on_preview)
        self.worker.update.connect(self.window.on_update)
        self.worker.camera.connect(self.window.on_camera)
        self.worker.failed.connect(self.window.on_failed)

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
        self.worker.wait()


def run_app(config: Config, db_path: Path, source: str | None = None, loop: bool = False,
            model: Path | None = None, fullscreen: bool = True) -> int:
    """Show the kiosk until the window is closed (or Ctrl+C); returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    kiosk = Kiosk(config, db_path, source, loop, model=model)
    if fullscreen:
        kiosk.window.setCursor(Qt.CursorShape.BlankCursor)
        kiosk.window.showFullScreen()
    else:
        kiosk.window.resize(1280, 800)
        kiosk.window.show()
    # Let Ctrl+C in the terminal close the kiosk instead of being swallowed by Qt's loop.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    kiosk.start()
    try:
        return int(app.exec())
    finally:
        kiosk.stop()
