"""Helpers for screenshot tests: a drawn (synthetic) person and checks that text fits."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QLabel, QWidget

from turnstile.gui.fitlabel import text_rect
from turnstile.types import Box

#: Where the face sits in `person()`'s 640x480 picture.
FACE = Box(245, 105, 150, 190)


def person(width: int = 640, height: int = 480) -> QImage:
    """A drawn person in front of an office wall: an illustration, nobody's real face."""
    image = QImage(width, height, QImage.Format.Format_RGB888)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    wall = QLinearGradient(0, 0, 0, height)
    wall.setColorAt(0, QColor("#cfd8dc"))
    wall.setColorAt(1, QColor("#90a4ae"))
    p.fillRect(image.rect(), wall)
    p.fillRect(QRect(40, 60, 120, 160), QColor("#b0bec5"))  # a door frame behind
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#37474f"))  # shoulders
    p.drawEllipse(QRectF(150, 330, 340, 260))
    p.setBrush(QColor("#e0ac69"))  # neck and head
    p.drawRect(QRectF(295, 270, 50, 70))
    p.drawEllipse(QRectF(FACE.x, FACE.y, FACE.w, FACE.h))
    p.setBrush(QColor("#4e342e"))  # hair
    hair = QPainterPath()
    hair.moveTo(245, 190)
    hair.cubicTo(240, 80, 400, 80, 395, 190)
    hair.cubicTo(380, 130, 260, 130, 245, 190)
    p.drawPath(hair)
    p.setBrush(QColor("#ffffff"))
    for x in (287, 353):
        p.drawEllipse(QPointF(x, 195), 14, 9)
    p.setBrush(QColor("#3e2723"))
    for x in (287, 353):
        p.drawEllipse(QPointF(x, 195), 6, 6)
    p.setPen(QPen(QColor("#8d5524"), 4))
    p.drawLine(QPoint(320, 205), QPoint(314, 240))
    p.setPen(QPen(QColor("#a1443a"), 5))
    p.drawArc(QRectF(290, 235, 60, 30), 200 * 16, 140 * 16)
    p.end()
    return image


def jpeg(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")  # type: ignore[call-overload]  # the stubs want bytes, Qt a str
    return bytes(data.data())


def outside(window: QWidget) -> list[str]:
    """Every visible label whose box or text reaches outside the window or its own box."""
    problems = []
    bounds = window.rect()
    for label in window.findChildren(QLabel):
        if not label.isVisible():
            continue
        box = QRect(label.mapTo(window, QPoint(0, 0)), label.size())
        name = label.objectName() or "label"
        if not bounds.contains(box):
            problems.append(f"{name} {box} outside the window {bounds}")
        if label.pixmap() is not None and not label.pixmap().isNull():
            size = label.pixmap().deviceIndependentSize()
            if size.width() > label.width() or size.height() > label.height():
                problems.append(f"{name}'s picture {size} is larger than its box {box}")
        if label.text():
            area = label.contentsRect()
            need = text_rect(label.font(), label.text(), area.width()) if label.wordWrap() \
                else label.fontMetrics().boundingRect(label.text())
            if need.width() > area.width() or need.height() > area.height():
                problems.append(f"{name} needs {need.width()}x{need.height()} for "
                                f"{label.text()!r} but has {area.width()}x{area.height()}")
    return problems


def screenshot_dir(default: Path) -> Path:
    """$TURNSTILE_SCREENSHOTS when set (CI keeps it as an artefact), else pytest's tmp dir."""
    folder = Path(os.environ.get("TURNSTILE_SCREENSHOTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
