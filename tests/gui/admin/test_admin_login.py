"""Login page: no account made from the kiosk, wrong-password lockout, roles, idle lock."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.admin.conftest import INSTALLER
from tests.gui.admin.conftest import ADMIN_PASSWORD, OPERATOR_PASSWORD, cell, sign_in
from turnstile.admin.accounts import Role, User
from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.gui.admin.window import AdminWindow


def test_first_run_is_refused_from_the_kiosk(qtbot: QtBot, window: AdminWindow,
                                             context: AdminContext) -> None:
    """Whoever opens the panel before any account exists gets no way to make one."""
    assert window.login.first_run
    assert "turnstile accounts create" in window.login.message.text()
    for name, password in (("alice", ADMIN_PASSWORD), ("", "")):
        sign_in(qtbot, window, name, password)
        assert window.locked and "turnstile accounts create" in window.login.message.text()
    assert context.accounts.first_run() and context.accounts.users() == []
    texts = [w.text() for w in window.login.findChildren(QPushButton)]
    assert texts == ["Sign in"]  # no "create administrator" anywhere
    assert not any(e.action is AuditAction.ACCOUNT_CREATED for e in context.audit.entries())
    # Made at the PC's own account, the administrator then signs in.
    context.accounts.create("alice", ADMIN_PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    sign_in(qtbot, window, "alice", ADMIN_PASSWORD)
    assert not window.locked and window.user is not None
    assert window.user.role is Role.ADMINISTRATOR
    assert set(window.pages) == {"people", "enrol", "import", "events", "settings", "accounts",
                                  "audit", "password"}
    assert window.open_settings()


def test_wrong_password_locks_out(qtbot: QtBot, admin: User, window: AdminWindow,
                                  context: AdminContext) -> None:
    for _ in range(3):
        sign_in(qtbot, window, "alice", "wrong password")
        assert window.locked and "wrong name or password" in window.login.message.text()
    sign_in(qtbot, window, "alice", ADMIN_PASSWORD)
    assert window.locked and "try again in 30 s" in window.login.message.text()
    assert window.login.password.text() == ""  # never left in the field
    context.clock.advance(31)  # type: ignore[attr-defined]
    sign_in(qtbot, window, "alice", ADMIN_PASSWORD)
    assert not window.locked


def test_operator_cannot_open_settings(qtbot: QtBot, admin: User, window: AdminWindow,
                                       context: AdminContext) -> None:
    context.accounts.create("bob", OPERATOR_PASSWORD, Role.OPERATOR, by=admin)
    sign_in(qtbot, window, "bob", OPERATOR_PASSWORD)
    assert window.user is not None and window.user.role is Role.OPERATOR
    assert not window.open_settings()
    assert not {"settings", "accounts", "audit"} & set(window.pages)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["People", "Enrol", "Import photos", "Events", "Password"]


def test_idle_session_locks_itself(qtbot: QtBot, admin_window: AdminWindow,
                                   context: AdminContext) -> None:
    admin_window.idle.setInterval(50)
    admin_window.idle.start()
    qtbot.waitUntil(lambda: admin_window.locked, timeout=2000)
    assert admin_window.pages == {} and "inactivity" in admin_window.login.message.text()
    assert context.audit.entries()[0].action is AuditAction.LOGOUT


def test_admin_creates_an_operator(qtbot: QtBot, admin_window: AdminWindow,
                                   context: AdminContext) -> None:
    page = admin_window.pages["accounts"]
    page.name.setText("carol")  # type: ignore[attr-defined]
    page.password.setText("short")  # type: ignore[attr-defined]
    page.create_account()  # type: ignore[attr-defined]
    assert "at least 8" in page.message.text()  # type: ignore[attr-defined]
    page.name.setText("carol")  # type: ignore[attr-defined]
    page.password.setText(OPERATOR_PASSWORD)  # type: ignore[attr-defined]
    page.create_account()  # type: ignore[attr-defined]
    assert [u.name for u in context.accounts.users()] == ["alice", "carol"]
    audit = admin_window.pages["audit"]
    audit.refresh()  # type: ignore[attr-defined]
    assert cell(audit.table, 0, 2) == "account created"  # type: ignore[attr-defined]
    assert cell(audit.table, 0, 3) == "carol"  # type: ignore[attr-defined]


def test_no_secret_reaches_logs_or_the_database_text(
        qtbot: QtBot, admin: User, window: AdminWindow, context: AdminContext, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in(qtbot, window, "alice", ADMIN_PASSWORD)
    window.lock()
    sign_in(qtbot, window, "alice", "a wrong guess!")
    stored = context.conn.execute("SELECT password FROM users").fetchone()[0]
    salt, digest = stored.split("$")[4:]
    audit = "\n".join(str(entry) for entry in context.audit.entries())
    for secret in (ADMIN_PASSWORD, "a wrong guess!", salt, digest):
        assert secret not in caplog.text and secret not in audit


def test_open_panel_shows_the_sign_in(qtbot: QtBot, context: AdminContext) -> None:
    from turnstile.gui.admin.app import open_panel

    panel = open_panel(context)
    qtbot.addWidget(panel)
    assert panel.isVisible() and panel.locked
    assert panel.stack.currentWidget() is panel.login and panel.login.first_run
    assert "turnstile accounts create" in panel.login.message.text()
