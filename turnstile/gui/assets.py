"""The kiosk's icons, stylesheets and sounds, shipped inside the package (turnstile/assets)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from turnstile.resources import assets_dir

ICONS = ("idle", "granted", "denied", "unknown", "spoof", "crowd", "camera_off")


def asset_dir() -> Path:
    return assets_dir()  # also right inside the one-folder application


def stylesheet(name: str = "kiosk") -> str:
    """The kiosk's ("kiosk") or the admin panel's ("admin") stylesheet."""
    return (asset_dir() / f"{name}.qss").read_text(encoding="utf-8")


def icon(name: str, size: int) -> QPixmap:
    """One of ICONS rendered from its SVG at `size` x `size` pixels."""
    path = asset_dir() / "icons" / f"{name}.svg"
    if not path.exists():
        raise FileNotFoundError(f"icon {path} is missing")
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        raise ValueError(f"icon {path} is not a valid SVG")
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


def sound_path(name: str) -> Path:
    """One of the outcome sounds ("granted", "denied") as a WAV file."""
    path = asset_dir() / "sounds" / f"{name}.wav"
    if not path.exists():
        raise FileNotFoundError(f"sound {path} is missing")
    return path

