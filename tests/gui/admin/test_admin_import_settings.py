"""Import page (worker thread, progress, rejections) and the settings page."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.gui.admin.conftest import cell
from turnstile import config as config_module
from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.gui.admin.importpage import ImportPage
from turnstile.gui.admin.people import PeoplePage
from turnstile.gui.admin.settingspage import SettingsPage
from turnstile.gui.admin.window import AdminWindow
from turnstile.vision.imageio import read_image


def test_import_folder_shows_progress_and_rejections(
        qtbot: QtBot, admin_window: AdminWindow, context: AdminContext, examples: Path,
        tmp_path: Path) -> None:
    root = tmp_path / "staff"
    for person, photo in (("Barack_Obama", "obama.jpg"), ("Barack_Obama", "two_people.jpg"),
                          ("Joe_Biden", "biden.jpg"), ("Not_Obama", "obama2.jpg")):
        (root / person).mkdir(parents=True, exist_ok=True)
        os.symlink(examples / photo, root / person / photo)
    cv2.imwrite(str(root / "Joe_Biden" / "empty.jpg"), read_image(examples / "biden.jpg")[1200:])
    page = admin_window.pages["import"]
    assert isinstance(page, ImportPage)
    page.consent.setChecked(True)
    assert page.start(root)
    assert not page.folder_button.isEnabled()
    qtbot.waitUntil(lambda: page.report is not None, timeout=60_000)
    assert page.progress.value() == page.progress.maximum() == 5
    rows = {cell(page.rejected, r, 0): cell(page.rejected, r, 2)
            for r in range(page.rejected.rowCount())}
    assert rows == {"two_people.jpg": "several faces (2)", "empty.jpg": "no face",
                    "obama2.jpg": rows["obama2.jpg"]}
    assert rows["obama2.jpg"].startswith("duplicate of Barack Obama")
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage) and people.table.rowCount() == 2
    assert context.audit.entries()[0].action is AuditAction.IMPORT
    assert page.folder_button.isEnabled()


def test_import_refuses_a_bad_source(admin_window: AdminWindow, tmp_path: Path) -> None:
    page = admin_window.pages["import"]
    assert isinstance(page, ImportPage)
    assert not page.start(tmp_path / "missing")
    assert "not a folder" in page.message.text()


def test_settings_page_saves_validated_values(
        admin_window: AdminWindow, context: AdminContext, tmp_path: Path) -> None:
    (tmp_path / "calibration.json").write_text(
        json.dumps({"thresholds": [0.3, 0.4, 0.5], "far": [1e-2, 1e-3, 1e-4]}))
    admin_window._build_tabs(admin_window.user)  # type: ignore[arg-type]  # re-read calibration
    assert admin_window.open_settings()
    page = admin_window.pages["settings"]
    assert isinstance(page, SettingsPage)
    saved: list[object] = []
    admin_window.settings_saved.connect(saved.append)
    page.widgets["recognition.threshold"].setValue(0.4)  # type: ignore[attr-defined]
    assert "1.0e-03" in page.far_label.text()
    page.widgets["policy.cooldown_s"].setValue(7.5)  # type: ignore[attr-defined]
    page.widgets["events.store_thumbnails"].setChecked(False)  # type: ignore[attr-defined]
    assert page.save() is not None
    loaded = config_module.load(context.config_path)
    assert loaded.recognition.threshold == 0.4 and loaded.policy.cooldown_s == 7.5
    assert not loaded.events.store_thumbnails and saved
    assert context.enroller.config.recognition.threshold == 0.4
    changed = {e.target for e in context.audit.entries()
               if e.action is AuditAction.SETTING_CHANGE}
    assert changed == {"recognition.threshold", "policy.cooldown_s", "events.store_thumbnails"}


def test_settings_without_calibration_say_so(admin_window: AdminWindow) -> None:
    page = admin_window.pages["settings"]
    assert isinstance(page, SettingsPage)
    assert "not calibrated" in page.far_label.text()


def test_settings_never_show_the_camera_password(admin_window: AdminWindow,
                                                 context: AdminContext) -> None:
    stream = "rtsp://viewer:hunter2@10.0.0.5/stream"
    context.settings.save({"camera.source": stream}, by=admin_window.user)  # type: ignore[arg-type]
    admin_window._build_tabs(admin_window.user)  # type: ignore[arg-type]
    page = admin_window.pages["settings"]
    assert isinstance(page, SettingsPage)
    field = page.widgets["camera.source"]
    assert isinstance(field, QLineEdit) and field.text() == "rtsp://***@10.0.0.5/stream"
    page.widgets["policy.cooldown_s"].setValue(9.0)  # type: ignore[attr-defined]
    assert page.save() is not None
    assert config_module.load(context.config_path).camera.source == stream  # kept
    audit = " ".join(str(e) for e in context.audit.entries())
    assert "hunter2" not in audit and "rtsp://***@10.0.0.5/stream" in audit
    field.setText("rtsp://viewer:new-secret@10.0.0.6/stream")
    assert page.save() is not None
    assert config_module.load(context.config_path).camera.source.endswith("@10.0.0.6/stream")
