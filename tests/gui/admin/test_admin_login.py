"""Login page: no account made from the kiosk, wrong-password lockout, roles, idle lock."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.admin.conftest import INSTALLER
from tests.gui.admin.conftest import ADMIN_PASSWORD, OPERATOR_PASSWORD, cell, sign_in
from turnstile.admin.accounts import Role, User
from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.admin.roles import PermissionDeniedError
from turnstile.config import Config
from turnstile.gui.admin.accountspage import AccountsPage
from turnstile.gui.admin.auditpage import AuditPage
from turnstile.gui.admin.eventspage import EventsPage
from turnstile.gui.admin.passwordpage import PasswordPage
from turnstile.gui.admin.people import PeoplePage
from turnstile.gui.admin.settingspage import SettingsPage
from turnstile.gui.admin.window import AdminWindow
from turnstile.gui.kiosk import KioskWindow


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
                                  "audit", "backup", "password", "visitors"}
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
    assert not {"settings", "accounts", "audit", "backup"} & set(window.pages)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["People", "Enrol", "Import photos", "Visitors", "Events", "Password"]


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
    assert panel.stack.currentWidget() is panel.login_page and panel.login.first_run
    assert "turnstile accounts create" in panel.login.message.text()


def test_user_changes_own_password(qtbot: QtBot, admin: User, window: AdminWindow,
                                   context: AdminContext) -> None:
    context.accounts.create("bob", OPERATOR_PASSWORD, Role.OPERATOR, by=admin)
    sign_in(qtbot, window, "bob", OPERATOR_PASSWORD)
    page = window.pages["password"]
    assert isinstance(page, PasswordPage)
    page.current.setText("not my password")
    page.new.setText("bob's new password")
    page.repeat.setText("bob's new password")
    assert not page.change() and "wrong name or password" in page.message.text()
    page.current.setText(OPERATOR_PASSWORD)
    page.new.setText("bob's new password")
    page.repeat.setText("something else entirely")
    assert not page.change() and "differ" in page.message.text()
    page.current.setText(OPERATOR_PASSWORD)
    page.new.setText("bob's new password")
    page.repeat.setText("bob's new password")
    assert page.change() and page.current.text() == page.new.text() == ""
    window.lock()
    sign_in(qtbot, window, "bob", "bob's new password")
    assert not window.locked


def test_administrator_resets_a_forgotten_password(qtbot: QtBot, admin_window: AdminWindow,
                                                   context: AdminContext, admin: User) -> None:
    bob = context.accounts.create("bob", OPERATOR_PASSWORD, Role.OPERATOR, by=admin)
    page = admin_window.pages["accounts"]
    assert isinstance(page, AccountsPage)
    page.refresh()
    rows = [page.list.item(i) for i in range(page.list.count())]
    page.list.setCurrentItem(next(r for r in rows if r is not None and r.text().startswith("bob")))
    page.new_password.setText("short")
    assert not page.reset_selected() and "at least 8" in page.message.text()
    page.new_password.setText("bob's reset password")
    assert page.reset_selected() and page.new_password.text() == ""
    assert context.accounts.login("bob", "bob's reset password").id == bob.id
    # The page is the GUI's; the core refuses the same call from an operator.
    with pytest.raises(PermissionDeniedError):
        context.accounts.reset_password(admin.id, "taken over!", by=bob)


def test_sensitive_steps_ask_for_the_password_again(
        qtbot: QtBot, admin_window: AdminWindow, context: AdminContext, tmp_path: Path) -> None:
    asked: list[str] = []
    answer: list[str | None] = ["a wrong password"]

    def ask(purpose: str) -> str | None:
        asked.append(purpose)
        return answer[0]

    admin_window.ask_password = ask
    ada = context.store.people.add("Ada Lovelace")
    people = admin_window.pages["people"]
    events = admin_window.pages["events"]
    settings = admin_window.pages["settings"]
    assert isinstance(people, PeoplePage) and isinstance(events, EventsPage)
    assert isinstance(settings, SettingsPage)
    people.refresh()
    assert people.select(ada.id)
    for refusal in ("not confirmed", "cancelled"):  # wrong answers count like sign-ins
        people.delete_selected()
        assert people.export_selected(tmp_path / "export") is None
        assert events.export(tmp_path / "events.csv") is None
        assert settings.save() is None
        assert refusal in settings.message.text() and refusal in people.message.text()
        answer[0] = None  # then the user cancels the prompt
    assert [p.name for p in context.store.people.all()] == ["Ada Lovelace"]
    assert not (tmp_path / "export").exists() and not (tmp_path / "events.csv").exists()
    assert asked[:4] == ["erase Ada Lovelace", "export the data of Ada Lovelace",
                         "export events", "change the settings"]
    assert context.accounts.lockout_remaining("alice") > 0  # three wrong answers locked her
    context.clock.advance(31)  # type: ignore[attr-defined]
    answer[0] = ADMIN_PASSWORD
    with qtbot.waitSignal(events.exported, timeout=10000):
        assert events.export(tmp_path / "events.csv") is not None
    assert (tmp_path / "events.csv").exists()
    people.delete_selected()
    assert context.store.people.all() == []
    assert any(e.action is AuditAction.REAUTHENTICATED for e in context.audit.entries())


def test_idle_lock_counts_only_the_panel_s_own_input(qtbot: QtBot, admin_window: AdminWindow,
                                                    config: Config) -> None:
    kiosk = KioskWindow(config.kiosk)
    qtbot.addWidget(kiosk)
    kiosk.show()
    admin_window.idle.start(1000)
    for _ in range(3):  # someone keeps tapping the kiosk's screen
        QTest.mouseClick(kiosk, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    assert admin_window.idle.remainingTime() < 2000  # not restarted (the full time is 300 s)
    qtbot.waitUntil(lambda: admin_window.locked, timeout=3000)
    sign_in(qtbot, admin_window, "alice", ADMIN_PASSWORD)
    admin_window.idle.start(1000)
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage)
    QTest.keyClick(people.search, Qt.Key.Key_A)  # the operator's own typing keeps it open
    assert admin_window.idle.remainingTime() > 100_000  # restarted with the full 300 s


def test_audit_page_finds_an_edited_entry(admin_window: AdminWindow,
                                          context: AdminContext) -> None:
    page = admin_window.pages["audit"]
    assert isinstance(page, AuditPage)
    assert page.verify() and "intact" in page.message.text()
    context.conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 1")
    assert not page.verify() and "changed after it was written" in page.message.text()
