"""The Qt screens; the only package that imports PySide6 (and it never imports cv2 itself)."""

from __future__ import annotations

import os


def release_qt_env() -> None:
    """Undo what importing cv2 did to Qt's environment; call before creating QApplication.

    opencv-python points Qt at its own bundled plugins and fonts (for its highgui windows).
    Left in place, PySide6 loads OpenCV's incompatible "xcb" plugin and aborts on a real
    display.
    """
    for name in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR"):
        if f"cv2{os.sep}qt" in os.environ.get(name, ""):
            del os.environ[name]
