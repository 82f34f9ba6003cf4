"""Conversions between the core's numpy images or JPEG bytes and Qt images."""

from __future__ import annotations

from PySide6.QtGui import QImage, QPixmap

from turnstile.types import Image


def to_qimage(image: Image) -> QImage:
    """A deep copy of a BGR uint8 frame as a QImage (safe to hand to another thread)."""
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected a height x width x 3 BGR image, got shape {image.shape}")
    height, width = image.shape[:2]
    data = image if image.flags["C_CONTIGUOUS"] else image.copy()
    view = QImage(data.data, width, height, int(data.strides[0]), QImage.Format.Format_BGR888)
    return view.copy()  # the view borrows numpy's buffer; the copy owns its pixels


def pixmap_from_bytes(data: bytes | None) -> QPixmap | None:
    """Decode an encoded image (the gallery's JPEG thumbnails); None when absent or broken."""
    if not data:
        return None
    pixmap = QPixmap()
    return pixmap if pixmap.loadFromData(data) else None
