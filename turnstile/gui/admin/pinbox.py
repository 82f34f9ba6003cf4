"""Kiosk PINs in the panel: the person editor's PIN row, and the face-and-PIN groups line."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from turnstile.access.pin import MAX_PIN_LENGTH, PinError
from turnstile.admin.pins import PinAdmin
from turnstile.gui.admin.widgets import MessageLabel, set_role
from turnstile.store.groups import GroupError, parse_groups
from turnstile.store.records import StoreError


class PinBox(QWidget):
    """Acts at once (each change is its own audited action), not on the editor's Save."""

    def __init__(self, pins: PinAdmin, person_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pins = pins
        self.person_id = person_id
        self.status = QLabel()
        self.pin = self._field("new PIN (digits)")
        self.again = self._field("the same again")
        self.set_button = QPushButton(self.tr("Set PIN"))
        self.clear_button = QPushButton(self.tr("Remove PIN"))
        set_role(self.clear_button, "destructive")
        self.unlock_button = QPushButton(self.tr("Unlock PIN"))
        self.message = MessageLabel()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.status, 0, 0, 1, 3)
        grid.addWidget(self.pin, 1, 0)
        grid.addWidget(self.again, 1, 1)
        grid.addWidget(self.set_button, 1, 2)
        grid.addWidget(self.clear_button, 2, 1)
        grid.addWidget(self.unlock_button, 2, 2)
        grid.addWidget(self.message, 3, 0, 1, 3)
        self.set_button.clicked.connect(self.set_pin)
        self.clear_button.clicked.connect(self.clear_pin)
        self.unlock_button.clicked.connect(self.unlock)
        self.refresh()

    def _field(self, hint: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setMaxLength(MAX_PIN_LENGTH)
        field.setPlaceholderText(hint)
        return field

    def refresh(self) -> None:
        has = self.pins.has_pin(self.person_id)
        until = self.pins.locked_until(self.person_id)
        text = "no PIN" if not has else "PIN set" + (
            f", locked until {until:%Y-%m-%d %H:%M}" if until else "")
        self.status.setText(text)
        self.clear_button.setEnabled(has)
        self.unlock_button.setEnabled(until is not None)

    def set_pin(self) -> bool:
        pin, again = self.pin.text(), self.again.text()
        self.pin.clear()
        self.again.clear()  # nothing typed stays in the dialog
        if pin != again:
            self.message.error(self.tr("the two PINs differ; nothing changed"))
            return False
        try:
            self.pins.set_pin(self.person_id, pin)
        except (PinError, StoreError) as exc:
            self.message.error(str(exc))
            return False
        self.message.ok(self.tr("PIN set"))
        self.refresh()
        return True

    def clear_pin(self) -> None:
        self.pins.clear_pin(self.person_id)
        self.message.ok(self.tr("PIN removed"))
        self.refresh()

    def unlock(self) -> None:
        self.pins.unlock(self.person_id)
        self.message.ok(self.tr("PIN unlocked"))
        self.refresh()


class PinGroupsBox(QWidget):
    """Which access groups need face and PIN on every door (comma-separated names)."""

    def __init__(self, pins: PinAdmin, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pins = pins
        self.names = QLineEdit()
        self.names.setPlaceholderText(self.tr("none (comma-separated existing groups, e.g. Lab)"))
        self.save_button = QPushButton(self.tr("Save"))
        self.message = MessageLabel()
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(QLabel(self.tr("Groups needing face and PIN on every door:")))
        line.addWidget(self.names, 1)
        line.addWidget(self.save_button)
        line.addWidget(self.message)
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def refresh(self) -> None:
        self.names.setText(", ".join(sorted(self.pins.pin_groups(), key=str.casefold)))

    def save(self) -> bool:
        try:
            self.pins.set_pin_groups(parse_groups(self.names.text()))
        except (GroupError, StoreError) as exc:
            self.message.error(str(exc))
            return False
        self.message.ok(self.tr("saved"))
        self.refresh()
        return True
