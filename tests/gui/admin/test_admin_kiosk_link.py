"""From the running kiosk: the hidden gesture opens the panel; saved settings reach the worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDoubleSpinBox
from pytestqt.qtbot import QtBot

from tests.admin.conftest import CHEAP_COST, INSTALLER
from tests.conftest import dataset
from tests.gui.admin.conftest import ADMIN_PASSWORD, sign_in
from turnstile.admin.accounts import Role
from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.config import Config
from turnstile.gui.admin.kiosklink import AdminLink
from turnstile.gui.admin.settingspage import SettingsPage
from turnstile.gui.app import Kiosk
from turnstile.gui.kiosk import ADMIN_TAPS, KioskWindow
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
                                                       storage.connect(db_path), engine,
                                                       password_cost=CHEAP_COST))
    kiosk.window.show()
    kiosk.start()
    try:
        assert link.window is None
        for _ in range(ADMIN_TAPS):
            QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
        window = link.window
        assert window is not None and window.isVisible()
        assert window.locked and window.login.first_run  # no account: none made here
        sign_in(qtbot, window, "alice", ADMIN_PASSWORD)
        assert window.locked
        assert link.context is not None
        link.context.accounts.create("alice", ADMIN_PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
        window.ask_password = lambda purpose: ADMIN_PASSWORD
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


def test_full_screen_kiosk_quits_only_for_an_administrator(
        qtbot: QtBot, config: Config, engine: Engine, tmp_path: Path) -> None:
    db_path, config_path = tmp_path / "turnstile.db", tmp_path / "config.toml"
    window = KioskWindow(config.kiosk)
    qtbot.addWidget(window)
    link = AdminLink(window.admin_requested, config, config_path, db_path,
                     make_context=lambda: AdminContext(config, config_path, db_path,
                                                       storage.connect(db_path), engine,
                                                       password_cost=CHEAP_COST))
    window.guard_quit = True  # as run_app sets it for the full-screen kiosk
    window.quit_requested.connect(lambda: link.authorise_quit(window.allow_quit))
    window.show()
    try:
        QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        dialog = link.quit_dialog
        assert window.isVisible() and dialog is not None and dialog.isVisible()
        assert "turnstile accounts create" in dialog.message.text()  # no account yet
        assert link.context is not None
        accounts = link.context.accounts
        admin = accounts.create("alice", ADMIN_PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
        accounts.create("bob", "operator password", Role.OPERATOR, by=admin)
        window.close()  # a window manager's close is guarded the same way
        assert window.isVisible()
        for name, password, refusal in (("alice", "wrong", "wrong name or password"),
                                        ("bob", "operator password", "may not quit")):
            dialog.name.setText(name)
            dialog.password.setText(password)
            dialog.submit()
            assert window.isVisible() and refusal in dialog.message.text()
            assert dialog.password.text() == ""
        dialog.name.setText("alice")
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.submit()
        assert not window.isVisible()
        entry = link.context.audit.entries()[0]
        assert entry.action is AuditAction.AUTHORISED and entry.actor == "alice"
    finally:
        link.close()
