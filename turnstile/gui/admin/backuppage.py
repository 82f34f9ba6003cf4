"""Backup page (administrators only): copy the database while the kiosk runs, choose a backup
to restore at the kiosk's next start. Both are checked, confirmed with the password, audited."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.errors import TurnstileError
from turnstile.gui.admin.reauth import Confirm
from turnstile.gui.admin.widgets import MessageLabel
from turnstile.store import upkeep


class FileTask(QThread):
    """One backup or staged restore off the GUI thread (the full integrity check reads the
    whole file); emits the file it wrote or why it failed."""

    succeeded = Signal(Path)
    failed = Signal(str)

    def __init__(self, work: Callable[[], Path]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        try:
            self.succeeded.emit(self._work())
        except (OSError, TurnstileError, sqlite3.Error) as exc:
            self.failed.emit(str(exc))


class BackupPage(QWidget):
    """Back up now; restore a backup at the next start (never under the running kiosk)."""

    #: A backup or restore choice finished: the file written.
    done = Signal(Path)
    #: A backup or restore choice failed: why (nothing was changed).
    failed = Signal(str)

    def __init__(self, database: Path, audit: AuditLog, actor: str, *, confirm: Confirm,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database, self._audit, self._actor = database, audit, actor
        self._confirm = confirm
        self._task: FileTask | None = None
        self.backup_button = QPushButton(self.tr("Back up now..."))
        self.restore_button = QPushButton(self.tr("Restore from a backup..."))
        self.message = MessageLabel()
        self.message.setWordWrap(True)
        about = QLabel(self.tr(
            "A backup holds every person, face template and event: keep it as safe as the kiosk "
            "PC. A restore replaces the database when the kiosk next starts; the replaced file "
            "is kept beside it."))
        about.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (about, self.backup_button, self.restore_button, self.message):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.backup_button.clicked.connect(self._backup_clicked)
        self.restore_button.clicked.connect(self._restore_clicked)
        self.show_pending()

    def show_pending(self) -> None:
        if upkeep.pending_restore(self._database).exists():
            self.message.info(self.tr("A restore is waiting for the kiosk's next start."))

    def _backup_clicked(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Back up the database"),
            # Named as `turnstile backup` names them: erasing a person reaches them too.
            str(self._database.with_name(
                f"{self._database.stem}.backup-{stamp}{self._database.suffix}")),
            self.tr("Database files (*.db)"))
        if name:
            self.backup(Path(name))

    def _restore_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a backup"),
                                              str(self._database.parent),
                                              self.tr("Database files (*.db)"))
        if name:
            self.restore(Path(name))

    def backup(self, target: Path) -> FileTask | None:
        """Copy the database to `target` (checked, private to this account); None if refused."""
        return self._start("back up the database", AuditAction.BACKUP, target,
                           lambda: upkeep.backup(self._database, target))

    def restore(self, source: Path) -> FileTask | None:
        """Check `source` and have it replace the database at the next start; None if refused."""
        return self._start("restore a backup", AuditAction.RESTORE_CHOSEN, source,
                           lambda: upkeep.stage_restore(self._database, source))

    def _start(self, purpose: str, action: AuditAction, path: Path,
               work: Callable[[], Path]) -> FileTask | None:
        if self._task is not None:
            self.message.error(self.tr("Please wait for the running backup or restore"))
            return None
        confirmed = self._confirm(purpose)  # a backup carries every face template
        if not confirmed.ok:
            self.message.error(confirmed.reason)
            return None
        task = FileTask(work)
        task.succeeded.connect(lambda written: self._finished(action, path, written))
        task.failed.connect(self._failed)
        self._task = task
        self._busy(True)
        self.message.info(self.tr("Checking %1...").replace("%1", str(path)))
        task.start()
        return task

    def _busy(self, busy: bool) -> None:
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)

    def _end_task(self) -> None:
        task, self._task = self._task, None
        self._busy(False)
        if task is not None:
            task.wait()
            task.deleteLater()

    def stop(self) -> None:
        """Wait for a running task (the page is going away)."""
        if self._task is not None:
            self._task.wait()

    def _finished(self, action: AuditAction, path: Path, written: Path) -> None:
        self._end_task()
        self._audit.record(self._actor, action, path.name, {"file": str(path)})
        if action is AuditAction.BACKUP:
            self.message.ok(self.tr("Backed up to %1 (integrity checked)")
                            .replace("%1", str(written)))
        else:
            self.message.ok(self.tr("%1 is checked and will replace the database when the "
                                    "kiosk next starts").replace("%1", str(path)))
        self.done.emit(written)

    def _failed(self, reason: str) -> None:
        self._end_task()
        self.message.error(reason)
        self.failed.emit(reason)
