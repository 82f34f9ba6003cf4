"""Events page: the kiosk's decisions with their scores, filtered, live, exported as CSV."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QThread, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.eventexport import EventFilter, export_csv, select
from turnstile.config import EventsConfig
from turnstile.gui.admin.reauth import Confirm
from turnstile.gui.admin.widgets import MessageLabel
from turnstile.gui.qimage import qdatetime
from turnstile.store import database as storage
from turnstile.store.interfaces import Store
from turnstile.store.sqlite.events import EventLog
from turnstile.types import Outcome

COLUMNS = ("Time", "Outcome", "Person", "Similarity", "Runner-up", "Reason", "Door")
#: Rows shown; the CSV export has them all.
SHOWN = 500
#: How often the page looks for new events while the kiosk runs.
POLL_MS = 1000


#: Outcomes that always name someone: without a name, that person was erased.
_NAMED = (Outcome.GRANTED, Outcome.DENIED, Outcome.ALARM)
#: Rows of alarms (repeated spoof attempts, face access suspended).
ALARM_BACKGROUND = QColor("#f8c9c5")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


class EventsPage(QWidget):
    """Newest first; refreshes itself when another connection (the kiosk) adds events."""

    #: Rows written by an export (-1 when it failed).
    exported = Signal(int)

    def __init__(self, store: Store, audit: AuditLog, actor: str,
                 now: Callable[[], datetime] = datetime.now,
                 parent: QWidget | None = None, *, confirm: Confirm) -> None:
        super().__init__(parent)
        self._store, self._audit, self._actor = store, audit, actor
        self._log = store.events
        self._confirm = confirm
        self._version: int | None = None
        self._job: ExportJob | None = None
        self.has_since, self.since = self._date_filter(now, days=-7)
        self.has_until, self.until = self._date_filter(now, days=1)
        self.person = QComboBox()
        self.outcome = QComboBox()
        self.outcome.addItem("any outcome", None)
        for outcome in (Outcome.GRANTED, Outcome.DENIED, Outcome.UNKNOWN, Outcome.SPOOF,
                        Outcome.ALARM):
            self.outcome.addItem(outcome.value, outcome)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.export_button = QPushButton("Export CSV...")
        self.count = QLabel()
        self.message = MessageLabel()
        filters = QHBoxLayout()
        for widget in (self.has_since, QLabel("from"), self.since, self.has_until,
                       QLabel("until"), self.until, self.person, self.outcome):
            filters.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        for signal in (self.has_since.toggled, self.has_until.toggled, self.since.dateTimeChanged,
                       self.until.dateTimeChanged, self.person.currentIndexChanged,
                       self.outcome.currentIndexChanged):
            signal.connect(self.refresh)
        self.export_button.clicked.connect(self._export_clicked)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.fill_people()
        self.refresh()

    @staticmethod
    def _date_filter(now: Callable[[], datetime], days: int) -> tuple[QCheckBox, QDateTimeEdit]:
        box = QCheckBox()
        edit = QDateTimeEdit(qdatetime(now()).addDays(days))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setEnabled(False)
        box.toggled.connect(edit.setEnabled)
        return box, edit

    def fill_people(self) -> None:
        current = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("anyone", None)
        for person in self._store.people.all():
            self.person.addItem(person.name, person.id)
        index = self.person.findData(current)
        self.person.setCurrentIndex(max(index, 0))
        self.person.blockSignals(False)

    def current_filter(self) -> EventFilter:
        def picked(box: QCheckBox, edit: QDateTimeEdit) -> datetime | None:
            value = edit.dateTime().toPython()
            return value if box.isChecked() and isinstance(value, datetime) else None
        return EventFilter(picked(self.has_since, self.since), picked(self.has_until, self.until),
                           self.person.currentData(), self.outcome.currentData())

    def poll(self) -> None:
        """Refresh only when the database changed since the last look (cheap to call)."""
        version = self._store.revision()
        if version != self._version:
            self.fill_people()
            self.refresh()

    def refresh(self) -> None:
        self._version = self._store.revision()
        where = self.current_filter()
        events = select(self._log, where, limit=SHOWN)
        self.table.setRowCount(len(events))
        for row, event in enumerate(events):
            values = (f"{event.at:%Y-%m-%d %H:%M:%S}", event.outcome.value,
                      event.name or ("(erased)" if event.outcome in _NAMED else ""),
                      _number(event.similarity), _number(event.runner_up),
                      event.reason.value if event.reason else event.detail, event.door)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if event.outcome is Outcome.ALARM:  # repeated spoofs: make it stand out
                    item.setBackground(ALARM_BACKGROUND)
                    item.setToolTip(event.detail)
                self.table.setItem(row, column, item)
        total = self._log.count(outcome=where.outcome, person_id=where.person_id,
                                since=where.since, until=where.until)
        self.count.setText(f"{total} event(s)" + (f", newest {SHOWN} shown" if total > SHOWN
                                                   else ""))

    def _export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export events", "events.csv",
                                              "CSV files (*.csv)")
        if name:
            self.export(Path(name))

    def export(self, path: Path) -> ExportJob | None:
        """Every event matching the filters (not only those shown), after the operator
        confirmed who they are, written on a worker thread (the panel stays responsive
        however long the log), audited when done; `exported` carries the row count."""
        confirmed = self._confirm("export events")
        if not confirmed.ok:
            self.message.error(confirmed.reason)
            return None
        job = ExportJob(database_file(self._store), self.current_filter(), path)
        job.done.connect(self._exported)
        job.failed.connect(self._export_failed)
        job.finished.connect(job.deleteLater)
        self._job = job
        self.export_button.setEnabled(False)
        self.message.ok(f"exporting to {path}...")
        job.start()
        return job

    def _exported(self, count: int, path: Path) -> None:
        self.export_button.setEnabled(True)
        self._audit.record(self._actor, AuditAction.EXPORT, "events",
                           {"rows": count, "file": path.name})
        self.message.ok(f"{count} event(s) written to {path}")
        self.exported.emit(count)

    def _export_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.message.error(message)
        self.exported.emit(-1)


def database_file(store: object) -> Path:
    """The file behind a store (the export thread opens its own connection to it)."""
    conn = getattr(store, "connection", None)
    name = str(conn.execute("PRAGMA database_list").fetchone()[2]) if conn is not None else ""
    if not name:
        raise ValueError("the events export needs a database file")
    return Path(name)


class ExportJob(QThread):
    """Streams the events CSV on its own thread and its own connection."""

    done = Signal(int, object)
    failed = Signal(str)

    def __init__(self, database: Path, where: EventFilter, path: Path) -> None:
        super().__init__()
        self.database, self.where, self.path = database, where, path
        self.cancel = threading.Event()

    def run(self) -> None:
        try:
            conn = storage.connect(self.database, migrate_schema=False)
        except (OSError, sqlite3.Error, storage.SchemaError) as exc:
            self.failed.emit(f"cannot read the events: {exc}")
            return
        try:
            count = export_csv(EventLog(conn, EventsConfig()), self.where, self.path,
                               cancel=self.cancel)
        except OSError as exc:
            self.failed.emit(f"cannot write {self.path}: {exc.strerror}")
        except sqlite3.Error as exc:
            self.failed.emit(f"cannot read the events: {exc}")
        else:
            self.done.emit(count, self.path)
        finally:
            conn.close()
