"""Events page: the kiosk's decisions with their faces and reasons, filtered and live; CSV
exports of the events and of daily attendance; a missed employee's face added to them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QIcon
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

from turnstile.admin import attendance
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.enrolment import Enroller
from turnstile.admin.eventexport import EventFilter, export_csv, select
from turnstile.admin.eventfaces import add_event_face
from turnstile.admin.people import PeopleAdmin
from turnstile.gui.admin.eventwords import COLOURS, outcome_words, reason_words, similarity_words
from turnstile.gui.admin.exportworker import ExportJob, ExportRunner, ExportWorker
from turnstile.gui.admin.reauth import Confirm
from turnstile.gui.admin.widgets import MessageLabel, jpeg_pixmap, set_role
from turnstile.gui.qimage import qdatetime
from turnstile.store.interfaces import EventStore, Store
from turnstile.store.records import Event, StoreError
from turnstile.types import Outcome

#: Column titles (translated where the table is built).
COLUMNS = ("Face", "Time", "Outcome", "Person", "Similarity", "Runner-up", "Reason", "Door")
FACE_PX = 48
#: Rows shown; the CSV export has them all.
SHOWN = 500
#: How often the page looks for new events while the kiosk runs.
POLL_MS = 1000


#: Outcomes of a face decision that name someone: without a name, that person was erased
#: (a door alarm or an unreadable pass names nobody and has no similarity).
_NAMED = (Outcome.GRANTED, Outcome.DENIED, Outcome.ALARM)
#: Rows of alarms (repeated spoof attempts, face access suspended).
ALARM_BACKGROUND = COLOURS[Outcome.ALARM]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


class EventsPage(QWidget):
    """Newest first; refreshes itself when another connection (the kiosk) adds events."""

    #: An export ran to its end: the rows written.
    exported = Signal(int)
    #: An export failed or was cancelled: why.
    export_failed = Signal(str)

    def __init__(self, store: Store, audit: AuditLog, actor: str,
                 now: Callable[[], datetime] = datetime.now,
                 parent: QWidget | None = None, *, confirm: Confirm,
                 open_store: Callable[[], Store],
                 enroller: Enroller | None = None, people: PeopleAdmin | None = None) -> None:
        super().__init__(parent)
        self._store, self._audit, self._actor = store, audit, actor
        self._log = store.events
        self._confirm = confirm
        self._enroller, self._people = enroller, people
        self._version: int | None = None
        self._events: list[Event] = []
        self._faces: dict[int, QIcon] = {}
        self.has_since, self.since = self._date_filter(now, self.tr("From"), days=-7)
        self.has_until, self.until = self._date_filter(now, self.tr("Until"), days=1)
        self.person = QComboBox()
        self.outcome = QComboBox()
        self.outcome.addItem(self.tr("Any outcome"), None)
        for outcome in (Outcome.GRANTED, Outcome.VISITOR, Outcome.DENIED, Outcome.UNKNOWN,
                        Outcome.SPOOF, Outcome.ALARM, Outcome.EXIT, Outcome.PIN_REQUIRED):
            self.outcome.addItem(outcome_words(outcome), outcome)
        self.table = self._make_table()
        self.export_button = QPushButton(self.tr("Export CSV..."))
        self.attendance_button = QPushButton(self.tr("Attendance report..."))
        self.cancel_export_button = QPushButton(self.tr("Cancel export"))
        #: Exports read on their own thread through their own connection.
        self.exports = ExportRunner(open_store, (self.export_button, self.attendance_button),
                                    self.cancel_export_button)
        self.exports.succeeded.connect(self._export_done)
        self.exports.failed.connect(self._export_stopped)
        self.target = QComboBox()
        self.add_face_button = QPushButton(self.tr("Add this face to"))
        self.add_anyway_button = QPushButton(self.tr("Add anyway"))
        set_role(self.add_anyway_button, "destructive")
        self.add_anyway_button.hide()
        self.count = QLabel()
        self.message = MessageLabel()
        self._lay_out()
        for signal in (self.has_since.toggled, self.has_until.toggled, self.since.dateTimeChanged,
                       self.until.dateTimeChanged, self.person.currentIndexChanged,
                       self.outcome.currentIndexChanged):
            signal.connect(self.refresh)
        self.export_button.clicked.connect(self._export_clicked)
        self.attendance_button.clicked.connect(self._attendance_clicked)
        self.add_face_button.clicked.connect(lambda: self.add_face(confirmed=False))
        self.add_anyway_button.clicked.connect(lambda: self.add_face(confirmed=True))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.fill_people()
        self.refresh()

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels([
            self.tr("Face"), self.tr("Time"), self.tr("Outcome"), self.tr("Person"),
            self.tr("Similarity"), self.tr("Runner-up"), self.tr("Reason"), self.tr("Door")])
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Reason"), QHeaderView.ResizeMode.Stretch)
        table.setIconSize(QSize(FACE_PX, FACE_PX))
        table.verticalHeader().setDefaultSectionSize(FACE_PX + 6)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        return table

    def _lay_out(self) -> None:
        filters = QHBoxLayout()
        widget: QWidget
        for widget in (self.has_since, self.since, self.has_until, self.until, self.person,
                       self.outcome):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        for widget in (self.add_face_button, self.target, self.add_anyway_button,
                       self.attendance_button, self.export_button, self.cancel_export_button):
            bottom.addWidget(widget)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        can_add = self._enroller is not None and self._people is not None
        for control in (self.add_face_button, self.target):
            control.setVisible(can_add)
            control.setEnabled(False)

    @staticmethod
    def _date_filter(now: Callable[[], datetime], label: str,
                     days: int) -> tuple[QCheckBox, QDateTimeEdit]:
        box = QCheckBox(label)
        edit = QDateTimeEdit(qdatetime(now()).addDays(days))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setEnabled(False)
        box.toggled.connect(edit.setEnabled)
        return box, edit

    def fill_people(self) -> None:
        people = self._store.people.all()
        for combo, anyone in ((self.person, self.tr("Anyone")), (self.target, None)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if anyone is not None:
                combo.addItem(anyone, None)
            for person in people:
                combo.addItem(person.name, person.id)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

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
            self.refresh()

    def refresh(self) -> None:
        self._version = self._store.revision()
        self.fill_people()  # people enrolled or renamed meanwhile, here or elsewhere
        where = self.current_filter()
        self._events = events = select(self._log, where, limit=SHOWN)
        self.table.setRowCount(len(events))
        for row, event in enumerate(events):
            self._fill_row(row, event)
        total = self._log.count(outcome=where.outcome, person_id=where.person_id,
                                since=where.since, until=where.until)
        text = self.tr("%1 event(s), updated live").replace("%1", str(total))
        if total > SHOWN:
            text += self.tr(", newest %1 shown").replace("%1", str(SHOWN))
        self.count.setText(text)
        self._selection_changed()

    def _fill_row(self, row: int, event: Event) -> None:
        recognition = self._enroller.config.recognition if self._enroller else None
        values = ("", f"{event.at:%Y-%m-%d %H:%M:%S}", outcome_words(event.outcome),
                  event.name or (self.tr("(erased)") if event.outcome in _NAMED
                                 and event.similarity is not None else ""),
                  _number(event.similarity), _number(event.runner_up), reason_words(event),
                  event.door)
        colour = COLOURS.get(event.outcome)
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if colour is not None:
                item.setBackground(colour)
            if recognition is not None and column == COLUMNS.index("Similarity"):
                item.setToolTip(similarity_words(event, recognition.threshold,
                                                 recognition.margin))
            self.table.setItem(row, column, item)
        face, cell = self._face(event), self.table.item(row, 0)
        if face is not None and cell is not None:
            cell.setIcon(face)

    def _face(self, event: Event) -> QIcon | None:
        """The event's face picture, read once per event (events never change)."""
        if not event.has_thumbnail:
            return None
        if event.id not in self._faces:
            self._faces[event.id] = QIcon(jpeg_pixmap(self._log.thumbnail(event.id), FACE_PX))
        return self._faces[event.id]

    # Adding a face ---------------------------------------------------------------------
    def selected_event(self) -> Event | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self._events[rows.pop()] if len(rows) == 1 else None

    def _selection_changed(self) -> None:
        event = self.selected_event()
        usable = event is not None and event.has_thumbnail and self.target.count() > 0
        self.add_face_button.setEnabled(usable)
        self.target.setEnabled(usable)
        if event is not None and event.person_id is not None:
            self.target.setCurrentIndex(max(self.target.findData(event.person_id), 0))
        self.add_anyway_button.hide()

    def add_face(self, confirmed: bool) -> bool:
        """Add the selected event's face to the person chosen in `target`."""
        event, person_id = self.selected_event(), self.target.currentData()
        if event is None or person_id is None or self._enroller is None or self._people is None:
            return False
        try:
            result = add_event_face(self._enroller, self._people, self._log, event.id,
                                    int(person_id), confirmed)
        except StoreError as exc:
            self.message.error(str(exc))
            return False
        name = self.target.currentText()
        if result.duplicate is not None and not result.added:
            self.message.error(self.tr(
                "This face is closer to %1 (similarity %2) than a new template should be. "
                "Add it to %3 only if you are sure it is them.")
                .replace("%1", result.duplicate.name)
                .replace("%2", f"{result.duplicate.similarity:.2f}").replace("%3", name))
            self.add_anyway_button.show()
            return False
        self.add_anyway_button.hide()
        self.message.ok(self.tr("The face was added to %1").replace("%1", name))
        return True

    def _export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export events"), "events.csv",
                                              self.tr("CSV files (*.csv)"))
        if name:
            self.export(Path(name))

    def _attendance_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Attendance report"),
                                              "attendance.csv", self.tr("CSV files (*.csv)"))
        if name:
            self.export_attendance(Path(name))

    def export_attendance(self, path: Path) -> ExportWorker | None:
        """First and last grant per person and day within the date filters, written on a
        worker thread and audited when done; None when refused."""
        where = self.current_filter()

        def job(log: EventStore, target: Path, cancel: threading.Event) -> int:
            return attendance.write_csv(attendance.attendance(
                attendance.grants(log, where.since, where.until, cancel)), target)

        return self._start_export("export attendance", "attendance", path, job)

    def export(self, path: Path) -> ExportWorker | None:
        """Every event matching the filters (not only those shown), written on a worker
        thread and audited when done; None when refused."""
        where = self.current_filter()

        def job(log: EventStore, target: Path, cancel: threading.Event) -> int:
            return export_csv(log, where, target, cancel)

        return self._start_export("export events", "events", path, job)

    def _start_export(self, what: str, kind: str, path: Path,
                      job: ExportJob) -> ExportWorker | None:
        if self.exports.running:
            self.message.error(self.tr("An export is already running"))
            return None
        confirmed = self._confirm(what)  # names and times leave the panel
        if not confirmed.ok:
            self.message.error(confirmed.reason)
            return None
        self.message.ok(self.tr("Writing %1...").replace("%1", str(path)))
        return self.exports.start(kind, path, job)

    def _export_done(self, kind: str, path: Path, count: int) -> None:
        self._audit.record(self._actor, AuditAction.EXPORT, kind,
                           {"rows": count, "file": path.name})
        words = (self.tr("%1 event(s) written to %2") if kind == "events"
                 else self.tr("%1 attendance row(s) written to %2"))
        self.message.ok(words.replace("%1", str(count)).replace("%2", str(path)))
        self.exported.emit(count)

    def _export_stopped(self, reason: str) -> None:
        self.message.error(reason)
        self.export_failed.emit(reason)
