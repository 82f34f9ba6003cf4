"""Events page: the kiosk's decisions with their scores, filtered, live, exported as CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTimer
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
from turnstile.gui.admin.reauth import Confirm
from turnstile.gui.admin.widgets import MessageLabel
from turnstile.gui.qimage import qdatetime
from turnstile.store.interfaces import Store
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

    def __init__(self, store: Store, audit: AuditLog, actor: str,
                 now: Callable[[], datetime] = datetime.now,
                 parent: QWidget | None = None, *, confirm: Confirm) -> None:
        super().__init__(parent)
        self._store, self._audit, self._actor = store, audit, actor
        self._log = store.events
        self._confirm = confirm
        self._version: int | None = None
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

    def export(self, path: Path) -> int:
        """Every event matching the filters (not only those shown), audited."""
        confirmed = self._confirm("export events")
        if not confirmed.ok:
            self.message.error(confirmed.reason)
            return 0
        try:
            count = export_csv(self._log, self.current_filter(), path)
        except OSError as exc:
            self.message.error(f"cannot write {path}: {exc.strerror}")
            return 0
        self._audit.record(self._actor, AuditAction.EXPORT, "events",
                           {"rows": count, "file": path.name})
        self.message.ok(f"{count} event(s) written to {path}")
        return count
