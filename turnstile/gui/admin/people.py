"""The people list: searchable, with thumbnails, status, templates and last seen."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from turnstile.access.policy import deny_reason
from turnstile.access.schedule import AccessRule
from turnstile.admin.enrolment import Enroller
from turnstile.admin.people import PeopleAdmin, PersonRow
from turnstile.admin.pins import PinAdmin
from turnstile.gui.admin.editor import PersonEditor
from turnstile.gui.admin.pinbox import PinGroupsBox
from turnstile.gui.admin.reauth import Confirm
from turnstile.gui.admin.widgets import MessageLabel, jpeg_pixmap, set_role, when
from turnstile.store.records import EditConflictError, Window

COLUMNS = ("Photo", "Name", "Employee id", "Status", "Templates", "Last seen")
THUMB = 48


def _status(row: PersonRow, windows: tuple[Window, ...], now: datetime) -> str:
    """What the kiosk would do with this person right now (the policy's own rule)."""
    reason = deny_reason(AccessRule(row.person, windows), now)
    return "active" if reason is None else reason.value.replace("_", " ")


class PeoplePage(QWidget):
    """Everyone enrolled; double-click (or Edit) opens the editor."""

    changed = Signal()

    def __init__(self, people: PeopleAdmin, enroller: Enroller | None = None,
                 parent: QWidget | None = None, *, confirm: Confirm,
                 card_format: str | None = None, pins: PinAdmin | None = None) -> None:
        super().__init__(parent)
        self.people = people
        #: osdp.card_format, which the editor checks card numbers against.
        self.card_format = card_format
        self.pins = pins
        self._confirm = confirm
        self.enroller = enroller
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name or employee id"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 4)
        self.edit_button = QPushButton(self.tr("Edit..."))
        self.toggle_button = QPushButton(self.tr("Activate / deactivate"))
        self.export_button = QPushButton(self.tr("Export data..."))
        self.delete_button = QPushButton(self.tr("Delete (erase)"))
        set_role(self.delete_button, "destructive")
        self.message = MessageLabel()
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.toggle_button, self.export_button,
                       self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        #: Face-and-PIN groups (None: this panel cannot set PINs).
        self.pin_groups = PinGroupsBox(pins) if pins is not None else None
        if self.pin_groups is not None:
            layout.addWidget(self.pin_groups)
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
            picture = self.people.store.templates.thumbnail(row.person.id)
            thumb.setIcon(QIcon(jpeg_pixmap(picture, THUMB)))
            status = _status(row, self.people.schedule(row.person.id), now)
            values = (row.person.name, row.person.employee_id or "", status,
                      str(row.person.templates), when(row.last_seen))
            self.table.setItem(index, 0, thumb)
            for column, value in enumerate(values, start=1):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.table.setIconSize(QSize(THUMB, THUMB))

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
        self.editor = PersonEditor(self.people, row, self.enroller, self, self.card_format,
                                   pins=self.pins)
        self.editor.finished.connect(lambda _: self._after_change())
        self.editor.open()
        return self.editor

    def toggle_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            # Over the version this list shows: flipping someone else's newer save back
            # would undo it without anyone noticing.
            self.people.set_active(row.person.id, not row.person.active, row.person.version)
        except EditConflictError:
            self.message.error(self.tr("%1 was changed by someone else meanwhile; reloaded: "
                                       "check and try again").replace("%1", row.person.name))
        self._after_change()

    def delete_selected(self) -> None:
        """Erase the selected person (the button asks first; this is the action itself)."""
        row = self.selected()
        if row is not None:
            confirmed = self._confirm(f"erase {row.person.name}")
            if not confirmed.ok:
                self.message.error(confirmed.reason)
                return
            self.people.delete(row.person.id)
            self.message.ok(self.tr("%1 erased with every template").replace("%1", row.person.name))
            self._after_change()

    def export_selected(self, folder: Path) -> Path | None:
        row = self.selected()
        if row is None:
            return None
        confirmed = self._confirm(f"export the data of {row.person.name}")
        if not confirmed.ok:
            self.message.error(confirmed.reason)
            return None
        target = self.people.export(row.person.id, folder)
        self.message.ok(self.tr("exported to %1").replace("%1", str(target)))
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
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to folder"))
        if folder:
            self.export_selected(Path(folder))

    def _after_change(self) -> None:
        self.refresh()
        self.changed.emit()
