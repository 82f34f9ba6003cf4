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
        self.create_button = QPushButton(self.tr("Create account"))
        self.delete_button = QPushButton(self.tr("Delete selected account"))
        set_role(self.delete_button, "destructive")
        self.new_password = password_field()
        self.reset_button = QPushButton(self.tr("Set this password for the selected account"))
        self.unlock_button = QPushButton(self.tr("Lift the selected account's lockout"))
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Role"), self.role)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.delete_button)
        reset = QFormLayout()
        reset.addRow(self.tr("New password"), self.new_password)
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
            item = QListWidgetItem(self.tr("%1  (%2, last login %3)").replace("%1", user.name)
                                   .replace("%2", user.role.value)
                                   .replace("%3", when(user.last_login)))
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
        self.message.ok(self.tr("account %1 created").replace("%1", user.name))
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
            self.message.error(self.tr("select an account first"))
            return False
        try:
            target = self._accounts.reset_password(selected, password, by=self._user)
        except REFUSED as exc:
            self.message.error(str(exc))
            return False
        self.message.ok(self.tr("password of %1 reset; its lockout is lifted")
                        .replace("%1", target.name))
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
        self.message.ok(self.tr("%1 may sign in again").replace("%1", name))
