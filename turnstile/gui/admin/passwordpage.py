"""Password page (every signed-in user): change your own password, the current one asked."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from turnstile.admin.accounts import Accounts, AuthError, User
from turnstile.gui.admin.widgets import MessageLabel


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class PasswordPage(QWidget):
    def __init__(self, accounts: Accounts, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._accounts, self._user = accounts, user
        self.current = password_field()
        self.new = password_field()
        self.repeat = password_field()
        self.change_button = QPushButton(self.tr("Change password"))
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow(self.tr("Current password"), self.current)
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("Repeat new password"), self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Your password (%1)").replace("%1", user.name)))
        layout.addLayout(form)
        layout.addWidget(self.change_button)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.change_button.clicked.connect(self.change)

    def change(self) -> bool:
        current, new, repeat = self.current.text(), self.new.text(), self.repeat.text()
        for field in (self.current, self.new, self.repeat):
            field.clear()  # never left in the fields, whatever happens
        if new != repeat:
            self.message.error(self.tr("the two new passwords differ"))
            return False
        try:
            self._accounts.change_password(self._user, current, new)
        except AuthError as exc:
            self.message.error(str(exc))
            return False
        self.message.ok(self.tr("password changed"))
        return True
