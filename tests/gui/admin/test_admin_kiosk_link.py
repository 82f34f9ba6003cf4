"""From the running kiosk: the hidden gesture opens the panel; saved settings reach the worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDoubleSpinBox
from pytestqt.qtbot import QtBot

from tests.conftest import dataset
from tests.gui.admin.conftest import ADMIN_PASSWORD, sign_in
from turnstile.admin.context import AdminContext
from turnstile.config import Config
from turnstile.gui.admin.kiosklink import AdminLink
from turnstile.gui.admin.settingspage import SettingsPage
from turnstile.gui.app import Kiosk
from turnstile.gui.kiosk import ADMIN_TAPS
from turnstile.store import database as storage
from turnstile.vision.engine import Engine


def test_gesture_opens_the_panel_and_settings_restart_recognition(
        qtbot: QtBot, config: Config, engine: Engine, tmp_path: Path) -> None:
    db_path, config_path = tmp_path / "turnstile.db", tmp_path / "config.toml"
    kiosk = Kiosk(config, db_path, source=str(dataset("videos", "evm_mit_face.mp4")),
                  loop=True, engine=engine)
    qtbot.addWidget(kiosk.window)
    link = AdminLink(kiosk.window.admin_requested, config, config_path, db_path,
                     on_settings=kiosk.reconfigure,
                     make_context=lambda: AdminContext(config, config_path, db_path,
                                                       storage.connect(db_path), engine))
    kiosk.window.show()
    kiosk.start()
    try:
        assert link.window is None
        for _ in range(ADMIN_TAPS):
            QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
        window = link.window
        assert window is not None and window.isVisible()
        assert window.locked  # behind the password: here the first administrator is made
        sign_in(qtbot, window, "alice", ADMIN_PASSWORD)
        assert not window.locked and window.open_settings()
        page = window.pages["settings"]
        assert isinstance(page, SettingsPage)
        old_worker = kiosk.worker
        threshold = page.widgets["recognition.threshold"]
        assert isinstance(threshold, QDoubleSpinBox)
        threshold.setValue(0.5)
        assert page.save() is not None
        assert kiosk.config.recognition.threshold == 0.5
        assert kiosk.worker is not old_worker and kiosk.worker.isRunning()
        assert old_worker.isFinished()
        window.close()
        assert link.open() is window and window.locked  # reopened: password again
    finally:
        link.close()
        kiosk.stop()
