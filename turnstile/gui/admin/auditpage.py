"""Audit page (administrators only): who did what and when, newest first."""

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

COLUMNS = ("When", "Who", "Action", "About", "Details")


class AuditPage(QWidget):
    def __init__(self, audit: AuditLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._audit = audit
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.refresh_button = QPushButton("Refresh")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.refresh_button)
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        entries = self._audit.entries()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            details = ", ".join(f"{k}={v}" for k, v in entry.detail.items())
            values = (f"{entry.at:%Y-%m-%d %H:%M:%S}", entry.actor,
                      entry.action.value.replace("_", " "), entry.target, details)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
