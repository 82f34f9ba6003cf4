"""The settings page's camera row: a camera picked by name fills camera.source; the preview
shows the source the form names with the recognition area drawn; a bad source is explained."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.admin.conftest import FakeClock
from turnstile.access.cameras import CameraDevice
from turnstile.admin.audit import AuditLog
from turnstile.admin.roles import Role, SystemUser
from turnstile.admin.settings import SettingsStore
from turnstile.admin.source import CameraFrames
from turnstile.config import CameraConfig
from turnstile.gui.admin.camerapicker import PREVIEW_WIDTH, ROI_COLOUR
from turnstile.gui.admin.reauth import Confirmation
from turnstile.gui.admin.settingspage import SettingsPage
from turnstile.store import database as storage


@pytest.fixture
def page(qtbot: QtBot, tmp_path: Path) -> Iterator[SettingsPage]:
    config = tmp_path / "config.toml"
    config.write_text("[policy]\nroi = [64, 48, 320, 240]\n")
    conn = storage.connect(tmp_path / "audit.db")
    store = SettingsStore(config, AuditLog(conn, FakeClock()))
    widget = SettingsPage(store, SystemUser("alice", Role.ADMINISTRATOR), lambda: None,
                          confirm=lambda _: Confirmation(True),
                          open_source=lambda spec: CameraFrames.open(spec, CameraConfig()),
                          cameras=[CameraDevice(0, "Integrated Camera"),
                                   CameraDevice(2, "Logitech C920")])
    qtbot.addWidget(widget)
    yield widget
    if widget.camera is not None:
        widget.camera.stop()
    conn.close()


def _video(path: Path, frames: int = 60) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (640, 480))
    for _ in range(frames):
        writer.write(np.full((480, 640, 3), 40, np.uint8))
    writer.release()
    return path


def test_a_camera_picked_by_name_fills_the_source(page: SettingsPage) -> None:
    picker = page.camera
    assert picker is not None
    labels = [picker.devices.itemText(i) for i in range(picker.devices.count())]
    assert labels[1:] == ["0: Integrated Camera", "2: Logitech C920"]
    picker.devices.setCurrentIndex(2)
    picker.devices.activated.emit(2)
    source = page.widgets["camera.source"]
    assert isinstance(source, QLineEdit) and source.text() == "2"


def test_the_preview_draws_the_recognition_area(qtbot: QtBot, page: SettingsPage,
                                                tmp_path: Path) -> None:
    picker = page.camera
    assert picker is not None
    source = page.widgets["camera.source"]
    assert isinstance(source, QLineEdit)
    source.setText(str(_video(tmp_path / "door.avi")))
    assert picker.start() and picker.previewing
    qtbot.waitUntil(lambda: not picker.picture.pixmap().isNull(), timeout=10000)
    image = picker.picture.pixmap().toImage()
    scale = PREVIEW_WIDTH / 640
    edge = image.pixelColor(round(64 * scale) + round(320 * scale) // 4, round(48 * scale))
    inside = image.pixelColor(round(200 * scale), round(150 * scale))
    assert abs(edge.red() - ROI_COLOUR.red()) < 40 and abs(edge.green() - ROI_COLOUR.green()) < 40
    assert inside.red() < 80  # the dark picture itself, no outline across it
    picker.stop()
    assert not picker.previewing and picker.picture.pixmap().isNull()


def test_a_source_that_cannot_open_is_explained(page: SettingsPage, tmp_path: Path) -> None:
    picker = page.camera
    assert picker is not None
    source = page.widgets["camera.source"]
    assert isinstance(source, QLineEdit)
    source.setText("rtsp://127.0.0.1:9/none")
    assert not picker.start()
    assert "cannot open" in picker.message.text() and not picker.previewing


def test_without_cameras_the_list_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    conn = storage.connect(tmp_path / "audit.db")
    store = SettingsStore(tmp_path / "config.toml", AuditLog(conn, FakeClock()))
    page = SettingsPage(store, SystemUser("alice", Role.ADMINISTRATOR), lambda: None,
                        confirm=lambda _: Confirmation(True),
                        open_source=lambda spec: CameraFrames.open(spec, CameraConfig()))
    qtbot.addWidget(page)
    assert page.camera is not None and not page.camera.devices.isEnabled()
    assert "No camera" in page.camera.devices.itemText(0)
    conn.close()
