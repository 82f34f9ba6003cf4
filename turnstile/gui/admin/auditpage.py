"""Audit page (administrators only): who did what and when, newest first; checks the chain."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.audit import AuditLog
from turnstile.admin.roles import Actor
from turnstile.gui.admin.widgets import MessageLabel

COLUMNS = ("When", "Who", "Action", "About", "Details")


class AuditPage(QWidget):
    def __init__(self, audit: AuditLog, user: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._audit, self._user = audit, user
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels((self.tr("When"), self.tr("Who"), self.tr("Action"),
                                              self.tr("About"), self.tr("Details")))
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.verify_button = QPushButton(self.tr("Check that no entry was changed"))
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.refresh_button)
        layout.addWidget(self.verify_button)
        layout.addWidget(self.message)
        self.verify_button.clicked.connect(self.verify)
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        entries = self._audit.read(self._user)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            details = ", ".join(f"{k}={v}" for k, v in entry.detail.items())
            values = (f"{entry.at:%Y-%m-%d %H:%M:%S}", entry.actor,
                      entry.action.value.replace("_", " "), entry.target, details)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def verify(self) -> bool:
        """The hash chain, as `turnstile audit verify` checks it."""
        result = self._audit.verify()
        if result.ok:
            self.message.ok(self.tr("intact: %1 entries chain up; head %2")
                            .replace("%1", str(result.checked)).replace("%2", result.head[:16]))
        else:
            self.message.error(self.tr("changed: %1").replace("%1", result.problem))
        return result.ok
