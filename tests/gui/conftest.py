"""Kiosk tests run on Qt's own plugins, not the ones importing cv2 pointed Qt at."""

from __future__ import annotations

from turnstile.gui import release_qt_env

release_qt_env()
