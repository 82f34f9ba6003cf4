"""`turnstile admin` on its own: it undoes OpenCV's Qt plugin path before Qt starts."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from turnstile.admin.context import AdminContext
from turnstile.gui.admin.app import run_panel
from turnstile.gui.admin.window import AdminWindow


def test_panel_releases_opencvs_qt_plugins(qtbot: QtBot, context: AdminContext,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = os.path.join("site-packages", "cv2", "qt", "plugins")
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", bundled)
    shown: list[AdminWindow] = []

    def close() -> None:
        for window in QApplication.topLevelWidgets():
            if isinstance(window, AdminWindow) and window.isVisible():
                shown.append(window)
                window.close()

    QTimer.singleShot(500, close)
    assert run_panel(context) == 0
    assert shown, "the panel never opened"
    assert "QT_QPA_PLATFORM_PLUGIN_PATH" not in os.environ
