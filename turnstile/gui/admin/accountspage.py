"""Accounts page (administrators only): create operators and administrators, delete."""

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

from turnstile.admin.accounts import Accounts, AuthError, Role, User
from turnstile.gui.admin.widgets import MessageLabel, set_role, when


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
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Password", self.password)
        form.addRow("Role", self.role)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.delete_button)
        layout.addLayout(form)
        layout.addWidget(self.create_button)
        layout.addWidget(self.message)
        self.create_button.clicked.connect(self.create_account)
        self.delete_button.clicked.connect(self.delete_selected)
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
        except AuthError as exc:
            self.message.error(str(exc))
            return None
        finally:
            self.password.clear()
        self.name.clear()
        self.message.ok(f"account {user.name} created")
        self.refresh()
        return user

    def delete_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        try:
            self._accounts.delete(int(item.data(Qt.ItemDataRole.UserRole)), by=self._user)
        except AuthError as exc:
            self.message.error(str(exc))
            return
        self.refresh()
