"""Small Qt helpers shared by the admin pages: images, messages, timestamps."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from turnstile.types import Image


def set_role(button: QWidget, role: str) -> None:
    """Style a button as "primary" or "destructive" (assets/admin.qss)."""
    button.setProperty("role", role)
    button.style().unpolish(button)
    button.style().polish(button)


def frame_pixmap(frame: Image, width: int) -> QPixmap:
    """A BGR frame as a pixmap scaled to `width` pixels."""
    data = np.ascontiguousarray(frame)
    height, cols = data.shape[:2]
    image = QImage(data.data, cols, height, cols * 3, QImage.Format.Format_BGR888).copy()
    return QPixmap.fromImage(image).scaledToWidth(
        width, Qt.TransformationMode.SmoothTransformation)


def jpeg_pixmap(data: bytes | None, size: int) -> QPixmap:
    pixmap = QPixmap()
    if data:
        pixmap.loadFromData(data, "JPEG")
        pixmap = pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
    return pixmap


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


class MessageLabel(QLabel):
    """An inline message (modal boxes would block the kiosk and the tests).

    Its `kind` ("error", "ok", "info") picks the colour in assets/admin.qss.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    @property
    def kind(self) -> str:
        return str(self.property("kind") or "")

    def _show(self, kind: str, text: str) -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)

    def error(self, text: str) -> None:
        self._show("error", text)

    def ok(self, text: str) -> None:
        self._show("ok", text)

    def info(self, text: str) -> None:
        """Neutral news ("Signed out"): neither a failure nor a success."""
        self._show("info", text)
