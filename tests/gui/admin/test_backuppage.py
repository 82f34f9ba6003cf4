"""The Backup page: a checked copy while the database is in use; a restore that waits for the
kiosk's next start; refusals that change nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.cli import main
from turnstile.gui.admin.backuppage import BackupPage
from turnstile.gui.admin.window import AdminWindow
from turnstile.store import upkeep
from turnstile.store.sqlite import SQLiteStore


def _page(window: AdminWindow) -> BackupPage:
    assert window.open_page("backup")
    page = window.pages["backup"]
    assert isinstance(page, BackupPage)
    return page


def test_backup_then_restore_at_the_next_start(qtbot: QtBot, admin_window: AdminWindow,
                                               context: AdminContext, tmp_path: Path) -> None:
    context.store.people.add("Ada Lovelace")
    page = _page(admin_window)
    target = tmp_path / "saved" / "backup.db"
    with qtbot.waitSignal(page.done, timeout=20000):
        assert page.backup(target) is not None
    assert target.exists() and target.stat().st_mode & 0o077 == 0  # private: templates inside
    assert "integrity checked" in page.message.text()

    context.store.people.add("Grace Hopper")  # after the backup: the restore loses her
    with qtbot.waitSignal(page.done, timeout=20000):
        assert page.restore(target) is not None
    pending = upkeep.pending_restore(context.database)
    assert pending.exists() and "next starts" in page.message.text()
    # Nothing is swapped under the open connections: the panel still sees both people.
    assert [p.name for p in context.store.people.all()] == ["Ada Lovelace", "Grace Hopper"]
    actions = [e.action for e in context.audit.entries()
               if e.action is not AuditAction.REAUTHENTICATED]
    assert actions[:2] == [AuditAction.RESTORE_CHOSEN, AuditAction.BACKUP]

    # The kiosk's next start (the panel's connection, still open, keeps the replaced file).
    aside = upkeep.apply_pending_restore(context.database)
    assert aside is not None and aside.exists() and not pending.exists()
    store = SQLiteStore.open(context.database)
    assert [p.name for p in store.people.all()] == ["Ada Lovelace"]
    store.close()
    assert upkeep.apply_pending_restore(context.database) is None  # done once


def test_a_damaged_backup_is_refused_and_nothing_waits(qtbot: QtBot, admin_window: AdminWindow,
                                                       context: AdminContext,
                                                       tmp_path: Path) -> None:
    page = _page(admin_window)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    with qtbot.waitSignal(page.failed, timeout=20000) as failed:
        assert page.restore(damaged) is not None
    assert "damaged" in failed.args[0] or "not a Turnstile database" in failed.args[0]
    assert not upkeep.pending_restore(context.database).exists()
    assert page.backup_button.isEnabled() and "next starts" not in page.message.text()


def test_a_wrong_password_refuses_the_backup(qtbot: QtBot, admin_window: AdminWindow,
                                             tmp_path: Path) -> None:
    admin_window.ask_password = lambda purpose: "not her password"
    page = _page(admin_window)
    assert page.backup(tmp_path / "backup.db") is None
    assert not (tmp_path / "backup.db").exists() and "not confirmed" in page.message.text()


def test_the_kiosk_start_applies_a_chosen_restore(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "turnstile.db"
    store = SQLiteStore.open(database)
    store.people.add("Ada Lovelace")
    store.close()
    backup = upkeep.backup(database, tmp_path / "backup.db")
    store = SQLiteStore.open(database)
    store.people.add("Grace Hopper")
    store.close()
    upkeep.stage_restore(database, backup)
    seen: list[list[str]] = []

    def run_app(config: object, path: Path, **_: object) -> int:
        """The kiosk's window, reduced to what it finds in the database when it opens it."""
        with sqlite3.connect(path) as conn:
            seen.append([row[0] for row in conn.execute("SELECT name FROM people")])
        conn.close()
        return 0

    monkeypatch.setattr("turnstile.gui.app.run_app", run_app)
    assert main(["kiosk", "--db", str(database), "--windowed"]) == 0
    assert seen == [["Ada Lovelace"]] and not upkeep.pending_restore(database).exists()
