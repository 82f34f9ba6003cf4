"""The sign-in page, and the sign-in dialog that authorises one action (quitting the kiosk).

Neither ever creates an account: the panel opens from a gesture anyone at the kiosk can make,
so the first administrator is made by the installer at the PC's own account
(`turnstile accounts create`), never here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.accounts import Accounts, AuthError, PermissionDeniedError, User
from turnstile.admin.roles import Permission
from turnstile.gui.admin.widgets import MessageLabel


def no_account() -> str:
    """What the panel says while no account exists (and refuses every sign-in)."""
    return QCoreApplication.translate(
        "LoginPage", "No administrator account exists yet. The installer creates the first "
        "one on this PC, signed in as the kiosk account:\n"
        "    turnstile accounts create NAME --role administrator")


class LoginPage(QWidget):
    """Name and password; `logged_in(User)` fires on success."""

    logged_in = Signal(object)

    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._accounts = accounts
        self.title = QLabel(self.tr("Sign in to the admin panel"))
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = QPushButton(self.tr("Sign in"))
        self.message = MessageLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.submit)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.reset()

    @property
    def first_run(self) -> bool:
        return self._accounts.first_run()

    def reset(self, message: str = "") -> None:
        """Back to an empty form (after locking, the password must be typed again)."""
        self.password.clear()
        if self.first_run:
            self.message.error(no_account())
        else:
            self.message.info(message)  # "Signed out" is news, not an error

    def _submit(self) -> None:
        name, password = self.name.text(), self.password.text()
        self.password.clear()
        if self.first_run:
            self.message.error(no_account())
            return
        try:
            user: User = self._accounts.login(name, password)
        except AuthError as exc:
            self.message.error(str(exc))
            return
        self.message.setText("")
        self.logged_in.emit(user)


class AuthoriseDialog(QDialog):
    """An administrator's name and password for one action; accepted only when the core
    says that account may do `permission`."""

    def __init__(self, accounts: Accounts, permission: Permission, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._accounts, self._permission = accounts, permission
        self.user: User | None = None
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = MessageLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Administrator"), self.name)
        form.addRow(self.tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def submit(self) -> None:
        name, password = self.name.text(), self.password.text()
        self.password.clear()
        try:
            self.user = self._accounts.authorise(name, password, self._permission)
        except (AuthError, PermissionDeniedError) as exc:
            self.message.error(str(exc))
            return
        self.accept()
