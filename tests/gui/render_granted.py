"""Render the kiosk's granted screen to a PNG: `python render_granted.py DB CLIP OUT.png`.

Run under a real X server (Xvfb) by the kiosk tests, so fonts and sizes are what a kiosk shows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from turnstile.access.door import SimulatedDoor
from turnstile.config import Config, KioskConfig, LivenessConfig, ModelsConfig
from turnstile.gui import release_qt_env
from turnstile.gui.app import Kiosk, present
from turnstile.gui.kiosk import Screen


def main(db: str, clip: str, out: str) -> int:
    release_qt_env()
    app = QApplication(sys.argv[:1])
    # The screenshot is of the granted screen; liveness has its own kiosk tests.
    config = Config(models=ModelsConfig(device="cpu"), kiosk=KioskConfig(result_s=30.0),
                    liveness=LivenessConfig(motion=False))
    kiosk = Kiosk(config, Path(db), clip, door=SimulatedDoor())
    present(kiosk.window, fullscreen=True)
    saved: list[bool] = []

    def poll() -> None:
        if kiosk.window.screen_state is Screen.GRANTED and not saved:
            # Let a few more preview frames paint before the picture is taken.
            QTimer.singleShot(500, save)
            saved.append(True)

    def save() -> None:
        kiosk.window.grab().save(out)
        app.quit()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    QTimer.singleShot(60_000, lambda: app.exit(1))
    kiosk.start()
    status = app.exec()
    kiosk.stop()
    return int(status)


if __name__ == "__main__":
    code = main(*sys.argv[1:4])
    sys.stdout.flush()
    # Skip interpreter teardown: under heavy load it once aborted in native code ("terminate
    # called without an active exception") after the picture was saved; cause not yet found.
    os._exit(code)
