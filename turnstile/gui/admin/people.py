"""The people list (searchable, with thumbnails) and the person editor."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.enrolment import Enroller
from turnstile.admin.people import PeopleAdmin, PersonRow
from turnstile.admin.schedules import format_schedule, parse_schedule
from turnstile.gallery import GalleryError
from turnstile.gui.admin.widgets import MessageLabel, jpeg_pixmap, when
from turnstile.schedule import ScheduleError

COLUMNS = ("Photo", "Name", "Employee id", "Status", "Templates", "Last seen")
THUMB = 48


def _status(row: PersonRow, now: datetime) -> str:
    person = row.person
    if not person.active:
        return "inactive"
    if person.valid_from and now < person.valid_from:
        return "not yet valid"
    if person.valid_until and now > person.valid_until:
        return "expired"
    return "active"


class PeoplePage(QWidget):
    """Everyone enrolled; double-click (or Edit) opens the editor."""

    changed = Signal()

    def __init__(self, people: PeopleAdmin, enroller: Enroller | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people = people
        self.enroller = enroller
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name or employee id")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 4)
        self.edit_button = QPushButton("Edit...")
        self.toggle_button = QPushButton("Activate / deactivate")
        self.export_button = QPushButton("Export data...")
        self.delete_button = QPushButton("Delete (erase)")
        self.message = MessageLabel()
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.toggle_button, self.export_button,
                       self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.search.textChanged.connect(self.refresh)
        self.table.cellDoubleClicked.connect(lambda *_: self.edit_selected())
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.export_button.clicked.connect(self._export_clicked)
        self.delete_button.clicked.connect(self._delete_clicked)
        self._rows: list[PersonRow] = []
        self.editor: PersonEditor | None = None
        self.refresh()

    def refresh(self) -> None:
        self._rows = self.people.rows(self.search.text())
        now = datetime.now()
        self.table.setRowCount(len(self._rows))
        for index, row in enumerate(self._rows):
            thumb = QTableWidgetItem()
            thumb.setIcon(QIcon(jpeg_pixmap(self.people.gallery.thumbnail(row.person.id), THUMB)))
            values = (row.person.name, row.person.employee_id or "", _status(row, now),
                      str(row.person.templates), when(row.last_seen))
            self.table.setItem(index, 0, thumb)
            for column, value in enumerate(values, start=1):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.table.setIconSize(self.table.iconSize().expandedTo(
            self.table.iconSize().__class__(THUMB, THUMB)))

    def select(self, person_id: int) -> bool:
        for index, row in enumerate(self._rows):
            if row.person.id == person_id:
                self.table.selectRow(index)
                return True
        return False

    def selected(self) -> PersonRow | None:
        index = self.table.currentRow()
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def edit_selected(self) -> PersonEditor | None:
        row = self.selected()
        if row is None:
            return None
        self.editor = PersonEditor(self.people, row, self.enroller, self)
        self.editor.finished.connect(lambda _: self._after_change())
        self.editor.open()
        return self.editor

    def toggle_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.people.set_active(row.person.id, not row.person.active)
            self._after_change()

    def delete_selected(self) -> None:
        """Erase the selected person (the button asks first; this is the action itself)."""
        row = self.selected()
        if row is not None:
            self.people.delete(row.person.id)
            self.message.ok(f"{row.person.name} erased with every template")
            self._after_change()

    def export_selected(self, folder: Path) -> Path | None:
        row = self.selected()
        if row is None:
            return None
        target = self.people.export(row.person.id, folder)
        self.message.ok(f"exported to {target}")
        return target

    def _delete_clicked(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(
            self, "Erase person", f"Erase {row.person.name} with every template and photo? "
            "Their access events stay, without their name. This cannot be undone.")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_selected()

    def _export_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to folder")
        if folder:
            self.export_selected(Path(folder))

    def _after_change(self) -> None:
        self.refresh()
        self.changed.emit()


def _optional_date(value: datetime | None) -> tuple[QCheckBox, QDateTimeEdit]:
    box = QCheckBox()
    edit = QDateTimeEdit(QDateTime(value) if value else QDateTime.currentDateTime())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    box.setChecked(value is not None)
    edit.setEnabled(value is not None)
    box.toggled.connect(edit.setEnabled)
    return box, edit


class PersonEditor(QDialog):
    """Name, employee id, active, validity dates, consent and templates of one person."""

    def __init__(self, people: PeopleAdmin, row: PersonRow, enroller: Enroller | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enroller = enroller
        self.setWindowTitle(f"Edit {row.person.name}")
        self.people = people
        self.person_id = row.person.id
        self.name = QLineEdit(row.person.name)
        self.employee_id = QLineEdit(row.person.employee_id or "")
        self.active = QCheckBox("Active (may pass)")
        self.active.setChecked(row.person.active)
        self.has_from, self.valid_from = _optional_date(row.person.valid_from)
        self.has_until, self.valid_until = _optional_date(row.person.valid_until)
        self.schedule = QLineEdit(format_schedule(people.schedule(row.person.id)))
        self.schedule.setPlaceholderText("any time (e.g. Mon-Fri 08:00-18:00; Sat 09:00-13:00)")
        self.consent = QCheckBox(f"Consent recorded ({when(row.consent_at)})")
        self.consent.setChecked(row.consent_at is not None)
        self.templates = QListWidget()
        self.remove_template = QPushButton("Remove selected template")
        self.add_photos_button = QPushButton("Add photos...")
        self.add_photos_button.setEnabled(enroller is not None)
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Employee id", self.employee_id)
        form.addRow("", self.active)
        for label, box, edit in (("Valid from", self.has_from, self.valid_from),
                                 ("Valid until", self.has_until, self.valid_until)):
            line = QHBoxLayout()
            line.addWidget(box)
            line.addWidget(edit)
            form.addRow(label, line)
        form.addRow("Weekly schedule", self.schedule)
        form.addRow("", self.consent)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.templates)
        template_buttons = QHBoxLayout()
        template_buttons.addWidget(self.add_photos_button)
        template_buttons.addWidget(self.remove_template)
        layout.addLayout(template_buttons)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.remove_template.clicked.connect(self._remove_template)
        self.add_photos_button.clicked.connect(self._add_photos_clicked)
        self._fill_templates()

    def _fill_templates(self) -> None:
        self.templates.clear()
        for template in self.people.gallery.templates(self.person_id):
            item = QListWidgetItem(f"{template.source or 'template'}  "
                                   f"({template.created:%Y-%m-%d})")
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            self.templates.addItem(item)

    def _remove_template(self) -> None:
        item = self.templates.currentItem()
        if item is not None:
            self.people.remove_template(int(item.data(Qt.ItemDataRole.UserRole)))
            self._fill_templates()

    def _add_photos_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "More photos of this person", "",
                                                "Images (*.jpg *.jpeg *.png *.bmp *.webp)")
        if names:
            self.add_photos([Path(n) for n in names])

    def add_photos(self, paths: list[Path]) -> int:
        """Templates from photos that pass the gate and match no one else; returns how many."""
        if self.enroller is None:
            return 0
        problems, templates = [], []
        for path in paths:
            verdict = self.enroller.assess_file(path)
            if verdict.face is None:
                problems.append(f"{path.name}: {verdict.detail}")
                continue
            other = self.enroller.duplicate([verdict.face.embedding], exclude=self.person_id)
            if other is not None:
                problems.append(f"{path.name}: looks like {other.name} "
                                f"({other.similarity:.2f})")
                continue
            templates.append(verdict.template())
        if templates:
            self.people.add_templates(self.person_id, templates)
            self._fill_templates()
        note = f"{len(templates)} photo(s) added"
        if problems:
            self.message.error(note + "; not used: " + "; ".join(problems))
        else:
            self.message.ok(note)
        return len(templates)

    def save(self) -> bool:
        """Apply every change; on an error nothing closes and the message says why."""
        before = self.people.rows()
        row = next(r for r in before if r.person.id == self.person_id)
        person = row.person
        valid_from = _picked(self.has_from, self.valid_from)
        valid_until = _picked(self.has_until, self.valid_until)
        if valid_from and valid_until and valid_until < valid_from:
            self.message.error("the validity ends before it starts")
            return False
        try:
            windows = sorted(parse_schedule(self.schedule.text()),
                             key=lambda w: (w.weekday, w.start))
        except ScheduleError as exc:
            self.message.error(str(exc))
            return False
        try:
            if (self.name.text().strip(), self.employee_id.text().strip() or None) != (
                    person.name, person.employee_id):
                self.people.edit(self.person_id, self.name.text(), self.employee_id.text())
            if self.active.isChecked() != person.active:
                self.people.set_active(self.person_id, self.active.isChecked())
            if (valid_from, valid_until) != (person.valid_from, person.valid_until):
                self.people.set_validity(self.person_id, valid_from, valid_until)
            if tuple(windows) != self.people.schedule(self.person_id):
                self.people.set_schedule(self.person_id, windows)
            if self.consent.isChecked() != (row.consent_at is not None):
                self.people.set_consent(self.person_id, self.consent.isChecked())
        except GalleryError as exc:
            self.message.error(str(exc))
            return False
        self.accept()
        return True


def _picked(box: QCheckBox, edit: QDateTimeEdit) -> datetime | None:
    if not box.isChecked():
        return None
    value = edit.dateTime().toPython()
    if not isinstance(value, datetime):
        raise TypeError(f"unexpected date value {value!r}")
    return value.replace(second=0, microsecond=0)
