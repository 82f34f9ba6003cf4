"""The person editor: name, id, card number, active, validity, schedule, groups, consent,
PIN, templates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.enrolment import Enroller
from turnstile.admin.people import PeopleAdmin, PersonEdit, PersonRow
from turnstile.admin.pins import PinAdmin
from turnstile.admin.schedules import format_schedule, parse_schedule
from turnstile.gui.admin.pinbox import PinBox
from turnstile.gui.admin.widgets import MessageLabel, set_role, when
from turnstile.gui.qimage import qdatetime
from turnstile.store.groups import GroupError, parse_groups
from turnstile.store.records import EditConflictError, ScheduleError, StoreError


def _optional_date() -> tuple[QCheckBox, QDateTimeEdit]:
    box = QCheckBox()
    edit = QDateTimeEdit(QDateTime.currentDateTime())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setEnabled(False)
    box.toggled.connect(edit.setEnabled)
    return box, edit


def _show_date(box: QCheckBox, edit: QDateTimeEdit, value: datetime | None) -> None:
    edit.setDateTime(qdatetime(value) if value else QDateTime.currentDateTime())
    box.setChecked(value is not None)
    edit.setEnabled(value is not None)


class PersonEditor(QDialog):
    """Name, employee id, active, validity dates, consent and templates of one person."""

    def __init__(self, people: PeopleAdmin, row: PersonRow, enroller: Enroller | None = None,
                 parent: QWidget | None = None, card_format: str | None = None, *,
                 pins: PinAdmin | None = None) -> None:
        super().__init__(parent)
        #: osdp.card_format: the range a card number must fit.
        self.card_format = card_format
        self.enroller = enroller
        self.setWindowTitle(self.tr("Edit %1").replace("%1", row.person.name))
        self.people = people
        self.person_id = row.person.id
        self.name = QLineEdit()
        self.employee_id = QLineEdit()
        self.card = QLineEdit()
        self.card.setPlaceholderText(self.tr("none (the card number the access panel knows)"))
        self.active = QCheckBox(self.tr("Active (may pass)"))
        self.has_from, self.valid_from = _optional_date()
        self.has_until, self.valid_until = _optional_date()
        self.schedule = QLineEdit()
        self.schedule.setPlaceholderText(
            self.tr("any time (e.g. Mon-Fri 08:00-18:00; Sat 09:00-13:00)"))
        self.groups = QLineEdit()
        self.groups.setPlaceholderText(self.tr("none (comma-separated, e.g. Staff, Night shift)"))
        self.consent = QCheckBox()
        self._show(row)
        self.templates = QListWidget()
        self.remove_template = QPushButton(self.tr("Remove selected template"))
        set_role(self.remove_template, "destructive")
        self.add_photos_button = QPushButton(self.tr("Add photos..."))
        self.add_photos_button.setEnabled(enroller is not None)
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Employee id"), self.employee_id)
        form.addRow(self.tr("Card number"), self.card)
        form.addRow("", self.active)
        for label, box, edit in (("Valid from", self.has_from, self.valid_from),
                                 ("Valid until", self.has_until, self.valid_until)):
            line = QHBoxLayout()
            line.addWidget(box)
            line.addWidget(edit)
            form.addRow(label, line)
        form.addRow(self.tr("Weekly schedule"), self.schedule)
        form.addRow(self.tr("Access groups"), self.groups)
        form.addRow("", self.consent)
        #: The kiosk PIN (None: this panel cannot set PINs).
        self.pin = PinBox(pins, row.person.id) if pins is not None else None
        if self.pin is not None:
            form.addRow(self.tr("Kiosk PIN"), self.pin)
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

    def _show(self, row: PersonRow) -> None:
        """Fill the fields from the stored person and remember the version they are."""
        person = row.person
        self.version = person.version
        self.name.setText(person.name)
        self.employee_id.setText(person.employee_id or "")
        self.card.setText("" if person.credential is None else str(person.credential))
        self.active.setChecked(person.active)
        _show_date(self.has_from, self.valid_from, person.valid_from)
        _show_date(self.has_until, self.valid_until, person.valid_until)
        self.schedule.setText(format_schedule(self.people.schedule(person.id)))
        self.groups.setText(", ".join(self.people.groups(person.id)))
        self.consent.setText(self.tr("Consent recorded (%1)").replace("%1", when(row.consent_at)))
        self.consent.setChecked(row.consent_at is not None)

    def _fill_templates(self) -> None:
        self.templates.clear()
        for template in self.people.store.templates.of(self.person_id):
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
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("More photos of this person"), "",
            self.tr("Images (*.jpg *.jpeg *.png *.bmp *.webp)"))
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
        """Apply every change at once over the version shown; on an error nothing closes and
        the message says why (a newer save by someone else reloads the editor first)."""
        valid_from = _picked(self.has_from, self.valid_from)
        valid_until = _picked(self.has_until, self.valid_until)
        if valid_from and valid_until and valid_until < valid_from:
            self.message.error(self.tr("the validity ends before it starts"))
            return False
        try:
            windows = sorted(parse_schedule(self.schedule.text()),
                             key=lambda w: (w.weekday, w.start))
            groups = parse_groups(self.groups.text())
            card = _card(self.card.text())
        except (ScheduleError, GroupError, ValueError) as exc:
            self.message.error(str(exc))
            return False
        edit = PersonEdit(self.name.text(), self.employee_id.text(), self.active.isChecked(),
                          valid_from, valid_until, tuple(windows), tuple(groups),
                          self.consent.isChecked(), card, self.card_format)
        try:
            self.people.save(self.person_id, self.version, edit)
        except EditConflictError:
            self.reload()
            self.message.error(self.tr("changed by someone else meanwhile; reloaded: check "
                                       "their changes and save again"))
            return False
        except StoreError as exc:
            self.message.error(str(exc))
            return False
        self.accept()
        return True

    def reload(self) -> bool:
        """Show the person as stored now (False when they were erased meanwhile)."""
        row = next((r for r in self.people.rows() if r.person.id == self.person_id), None)
        if row is None:
            self.message.error(self.tr("this person was erased meanwhile"))
            return False
        self._show(row)
        self._fill_templates()
        return True


def _card(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"the card number must be a whole number, not {text!r}")
    return int(text)


def _picked(box: QCheckBox, edit: QDateTimeEdit) -> datetime | None:
    if not box.isChecked():
        return None
    value = edit.dateTime().toPython()
    if not isinstance(value, datetime):
        raise TypeError(f"unexpected date value {value!r}")
    return value.replace(second=0, microsecond=0)
