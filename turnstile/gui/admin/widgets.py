"""Small Qt helpers shared by the admin pages: images, messages, timestamps."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from turnstile.types import Image

#: Colours of inline messages: readable on the default light and dark palettes.
ERROR_STYLE = "color: #c62828; font-weight: bold;"
OK_STYLE = "color: #2e7d32; font-weight: bold;"


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
    """An inline message (modal boxes would block the kiosk and the tests)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    def error(self, text: str) -> None:
        self.setStyleSheet(ERROR_STYLE)
        self.setText(text)

    def ok(self, text: str) -> None:
        self.setStyleSheet(OK_STYLE)
        self.setText(text)
