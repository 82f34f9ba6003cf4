"""The login page, which on first run creates the first administrator instead."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from turnstile.admin.accounts import Accounts, AuthError, Role, User
from turnstile.gui.admin.widgets import MessageLabel


class LoginPage(QWidget):
    """Name and password; `logged_in(User)` fires on success."""

    logged_in = Signal(object)

    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._accounts = accounts
        self.title = QLabel()
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = QPushButton()
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Password", self.password)
        self._confirm_label = QLabel("Repeat password")
        form.addRow(self._confirm_label, self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.submit)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.confirm.returnPressed.connect(self._submit)
        self.reset()

    @property
    def first_run(self) -> bool:
        return self._accounts.first_run()

    def reset(self, message: str = "") -> None:
        """Back to an empty form (after locking, the password must be typed again)."""
        first = self.first_run
        self.title.setText("Create the first administrator account" if first
                           else "Sign in to the admin panel")
        self.submit.setText("Create administrator" if first else "Sign in")
        self.confirm.setVisible(first)
        self._confirm_label.setVisible(first)
        self.password.clear()
        self.confirm.clear()
        self.message.info(message)  # "Signed out" is news, not an error

    def _submit(self) -> None:
        name, password = self.name.text(), self.password.text()
        self.password.clear()
        try:
            if self.first_run:
                if password != self.confirm.text():
                    raise AuthError("the two passwords differ")
                self._accounts.create(name, password, Role.ADMINISTRATOR, by=None)
            user: User = self._accounts.login(name, password)
        except AuthError as exc:
            self.confirm.clear()
            self.message.error(str(exc))
            return
        self.confirm.clear()
        self.message.setText("")
        self.logged_in.emit(user)
