"""Visitors page: issue a QR visitor pass, list passes, revoke one, save its card as PNG."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.accounts import User
from turnstile.admin.passes import IssuedPass, VisitorPasses, card, png
from turnstile.errors import TurnstileError
from turnstile.gui.admin.widgets import MessageLabel, frame_pixmap, set_role, when

# The card preview's width on the page.
PREVIEW_W = 280


class VisitorsPage(QWidget):
    def __init__(self, passes: VisitorPasses, user: User, max_valid_h: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._passes, self._user = passes, user
        self.shown: IssuedPass | None = None
        self.visitor = QLineEdit()
        self.host = QLineEdit()
        self.reason = QLineEdit()
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.25, max_valid_h)
        self.hours.setDecimals(2)
        self.hours.setValue(min(8.0, max_valid_h))
        self.hours.setSuffix(" h")
        self.issue_button = QPushButton(self.tr("Issue pass"))
        set_role(self.issue_button, "primary")
        self.current = QCheckBox(self.tr("Only passes still valid"))
        self.list = QListWidget()
        self.revoke_button = QPushButton(self.tr("Revoke selected pass"))
        set_role(self.revoke_button, "destructive")
        self.save_button = QPushButton(self.tr("Save card as PNG..."))
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message = MessageLabel()
        self._layout()
        self.issue_button.clicked.connect(self.issue)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.save_button.clicked.connect(self._ask_save)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.current.toggled.connect(lambda _: self.refresh())
        self.refresh()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Visitor"), self.visitor)
        form.addRow(self.tr("Host"), self.host)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Valid for"), self.hours)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.issue_button)
        layout.addWidget(self.message)
        layout.addWidget(self.current)
        layout.addWidget(self.list)
        layout.addWidget(self.revoke_button)
        layout.addWidget(self.save_button)
        layout.addWidget(self.preview)

    def refresh(self) -> None:
        self.list.clear()
        for record in self._passes.list(current=self.current.isChecked()):
            text = self.tr("%1: %2, %3 to %4").replace("%1", str(record.id)) \
                .replace("%2", record.visitor).replace("%3", when(record.valid_from)) \
                .replace("%4", when(record.valid_until))
            if record.host:
                text += self.tr(" (host %1)").replace("%1", record.host)
            if record.revoked:
                text += self.tr(" REVOKED")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.list.addItem(item)

    def issue(self) -> IssuedPass | None:
        try:
            issued = self._passes.issue(self._user, self.visitor.text(), host=self.host.text(),
                                        reason=self.reason.text(),
                                        valid_for=timedelta(hours=self.hours.value()))
        except TurnstileError as exc:
            self.message.error(str(exc))
            return None
        self.visitor.clear()
        self.host.clear()
        self.reason.clear()
        self.message.ok(self.tr("pass %1 issued: save or print its card").replace(
            "%1", str(issued.record.id)))
        self.refresh()
        self._select(issued.record.id)
        return issued

    def _select(self, pass_id: int) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == pass_id:
                self.list.setCurrentItem(item)

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _show_selected(self) -> None:
        selected = self._selected()
        self.shown = None if selected is None else self._passes.get(selected)
        if self.shown is None:
            self.preview.clear()
            return
        self.preview.setPixmap(frame_pixmap(card(self.shown), PREVIEW_W))

    def revoke_selected(self) -> bool:
        selected = self._selected()
        if selected is None:
            self.message.error(self.tr("select a pass first"))
            return False
        try:
            record = self._passes.revoke(self._user, selected)
        except TurnstileError as exc:
            self.message.error(str(exc))
            return False
        self.message.ok(self.tr("pass %1 revoked").replace("%1", str(record.id)))
        self.refresh()
        return True

    def save_card(self, path: Path) -> bool:
        """Write the selected pass's card as PNG to `path`."""
        if self.shown is None:
            self.message.error(self.tr("select a pass first"))
            return False
        try:
            path.write_bytes(png(card(self.shown)))
        except OSError as exc:
            self.message.error(str(exc))
            return False
        self.message.ok(self.tr("card saved to %1").replace("%1", str(path)))
        return True

    def _ask_save(self) -> None:
        if self.shown is None:
            self.message.error(self.tr("select a pass first"))
            return
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save pass card"), f"pass-{self.shown.record.id}.png",
            self.tr("PNG image (*.png)"))
        if name:
            self.save_card(Path(name))
