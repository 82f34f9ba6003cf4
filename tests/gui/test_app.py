"""`turnstile kiosk` end to end: the main command starts the window, which survives no camera."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from turnstile.cli import main
from turnstile.config import Config
from turnstile.gui.app import Kiosk
from turnstile.gui.kiosk import KioskWindow, Screen
from turnstile.vision.engine import Engine


def test_kiosk_command_starts_without_a_camera(qtbot: QtBot, config: Config, tmp_path: Path,
                                               models_dir: Path) -> None:
    seen: list[Screen] = []

    def look_then_close() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow)]
        seen.extend(w.screen_state for w in windows)
        for window in windows:
            window.close()

    config_file = tmp_path / "kiosk.toml"
    config_file.write_text(f'[models]\ndir = "{models_dir.as_posix()}"\ndevice = "cpu"\n')
    QTimer.singleShot(4000, look_then_close)
    status = main(["kiosk", "--source", str(tmp_path / "no-camera"), "--windowed",
                   "--db", str(tmp_path / "site.db"), "--config", str(config_file)])
    assert status == 0
    assert seen == [Screen.CAMERA_LOST]
    assert (tmp_path / "site.db").exists()


def test_start_up_failure_is_out_of_service(qtbot: QtBot, config: Config,
                                            tmp_path: Path) -> None:
    def broken() -> Engine:
        raise FileNotFoundError("detector model is missing")

    kiosk = Kiosk(config, tmp_path / "site.db", str(tmp_path), engine_factory=broken)
    qtbot.addWidget(kiosk.window)
    with qtbot.waitSignal(kiosk.worker.failed, timeout=10_000) as blocker:
        kiosk.start()
    kiosk.stop()
    assert blocker.args == ["detector model is missing"]
    assert kiosk.window.screen_state is Screen.CAMERA_LOST
    assert kiosk.window.title.text() == "Out of service"
    assert "missing" not in kiosk.window.subtitle.text()
