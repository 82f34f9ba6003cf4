"""Accounts page (administrators only): create, delete, reset a password, lift a lockout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.accounts import Accounts, AuthError, PermissionDeniedError, Role, User
from turnstile.gui.admin.passwordpage import password_field
from turnstile.gui.admin.widgets import MessageLabel, set_role, when

#: Everything the core may refuse here; its message is shown as it is.
REFUSED = (AuthError, PermissionDeniedError)


class AccountsPage(QWidget):
    def __init__(self, accounts: Accounts, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._accounts, self._user = accounts, user
        self.list = QListWidget()
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        self.role.addItems([r.value for r in Role])
        self.role.setCurrentText(Role.OPERATOR.value)
        self.create_button = QPushButton("Create account")
        self.delete_button = QPushButton("Delete selected account")
        set_role(self.delete_button, "destructive")
        self.new_password = password_field()
        self.reset_button = QPushButton("Set this password for the selected account")
        self.unlock_button = QPushButton("Lift the selected account's lockout")
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Password", self.password)
        form.addRow("Role", self.role)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.delete_button)
        reset = QFormLayout()
        reset.addRow("New password", self.new_password)
        layout.addLayout(reset)
        layout.addWidget(self.reset_button)
        layout.addWidget(self.unlock_button)
        layout.addLayout(form)
        layout.addWidget(self.create_button)
        layout.addWidget(self.message)
        self.create_button.clicked.connect(self.create_account)
        self.delete_button.clicked.connect(self.delete_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for user in self._accounts.users():
            item = QListWidgetItem(f"{user.name}  ({user.role.value}, last login "
                                   f"{when(user.last_login)})")
            item.setData(Qt.ItemDataRole.UserRole, user.id)
            self.list.addItem(item)

    def create_account(self) -> User | None:
        try:
            user = self._accounts.create(self.name.text(), self.password.text(),
                                         Role(self.role.currentText()), by=self._user)
        except REFUSED as exc:
            self.message.error(str(exc))
            return None
        finally:
            self.password.clear()
        self.name.clear()
        self.message.ok(f"account {user.name} created")
        self.refresh()
        return user

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def delete_selected(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        try:
            self._accounts.delete(selected, by=self._user)
        except REFUSED as exc:
            self.message.error(str(exc))
            return
        self.refresh()

    def reset_selected(self) -> bool:
        """A forgotten password: the administrator sets a new one (and tells them)."""
        selected, password = self._selected(), self.new_password.text()
        self.new_password.clear()
        if selected is None:
            self.message.error("select an account first")
            return False
        try:
            target = self._accounts.reset_password(selected, password, by=self._user)
        except REFUSED as exc:
            self.message.error(str(exc))
            return False
        self.message.ok(f"password of {target.name} reset; its lockout is lifted")
        return True

    def unlock_selected(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        try:
            name = self._accounts.user(selected).name
            self._accounts.unlock(name, by=self._user)
        except REFUSED as exc:
            self.message.error(str(exc))
            return
        self.message.ok(f"{name} may sign in again")
