"""CSV exports on a worker thread with its own database connection: the panel never freezes."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QPushButton

from turnstile.errors import TurnstileError
from turnstile.store.interfaces import EventStore, Store
from turnstile.store.records import StoreError

#: Writes one export from the event log to a file; stops early when the event is set.
ExportJob = Callable[[EventStore, Path, threading.Event], int]


class ExportWorker(QThread):
    """Runs one export job; SQLite connections stay per thread, so it opens its own store."""

    #: Rows written (emitted only when the export ran to its end).
    succeeded = Signal(int)
    #: Why the export failed or that it was cancelled; the partial file is removed.
    failed = Signal(str)

    def __init__(self, open_store: Callable[[], Store], job: ExportJob, path: Path) -> None:
        super().__init__()
        self._open_store = open_store
        self._job = job
        self.path = path
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Stop after the current page; the partial file is removed."""
        self._cancel.set()

    def run(self) -> None:
        try:
            store = self._open_store()
        except (TurnstileError, sqlite3.Error, OSError) as exc:
            self.failed.emit(f"cannot open the database: {exc}")
            return
        try:
            count = self._job(store.events, self.path, self._cancel)
        except OSError as exc:
            self._remove_partial()
            self.failed.emit(f"cannot write {self.path}: {exc.strerror or exc}")
            return
        except (StoreError, sqlite3.Error) as exc:
            self._remove_partial()
            self.failed.emit(f"cannot read the events: {exc}")
            return
        finally:
            store.close()
        if self._cancel.is_set():
            self._remove_partial()
            self.failed.emit("export cancelled")
        else:
            self.succeeded.emit(count)

    def _remove_partial(self) -> None:
        # A half-written report would be read as the whole truth later.
        with contextlib.suppress(OSError):
            self.path.unlink()


class ExportRunner(QObject):
    """One export at a time for a page: starts the worker, greys the export buttons while it
    runs, shows the cancel button, and hands the outcome back on the GUI thread."""

    #: The export's kind, file and rows written.
    succeeded = Signal(str, Path, int)
    #: Why the export failed, or that it was cancelled.
    failed = Signal(str)

    def __init__(self, open_store: Callable[[], Store], buttons: Sequence[QPushButton],
                 cancel_button: QPushButton) -> None:
        super().__init__()
        self._open_store = open_store
        self._buttons = tuple(buttons)
        self._cancel_button = cancel_button
        self._worker: ExportWorker | None = None
        cancel_button.hide()
        cancel_button.clicked.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self, kind: str, path: Path, job: ExportJob) -> ExportWorker:
        """Start one export; callers check `running` first."""
        worker = ExportWorker(self._open_store, job, path)
        worker.succeeded.connect(lambda count: self._done(kind, path, count))
        worker.failed.connect(self._stopped)
        self._worker = worker
        self._show(True)
        worker.start()
        return worker

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def stop(self) -> None:
        """Cancel a running export and wait for its thread (the page is going away)."""
        if self._worker is not None:
            self._worker.cancel()
            self._finish()

    def _show(self, running: bool) -> None:
        for button in self._buttons:
            button.setEnabled(not running)
        self._cancel_button.setVisible(running)

    def _finish(self) -> None:
        worker, self._worker = self._worker, None
        self._show(False)
        if worker is not None:
            worker.wait()
            worker.deleteLater()

    def _done(self, kind: str, path: Path, count: int) -> None:
        self._finish()
        self.succeeded.emit(kind, path, count)

    def _stopped(self, reason: str) -> None:
        self._finish()
        self.failed.emit(reason)
