"""Starting the admin panel on its own (`turnstile admin`) or from the kiosk."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget

from turnstile.admin.context import AdminContext
from turnstile.gui import i18n, release_qt_env
from turnstile.gui.admin.window import AdminWindow


def open_panel(context: AdminContext, parent: QWidget | None = None) -> AdminWindow:
    """A shown panel window; it asks for the password (or the first account) itself."""
    window = AdminWindow(context)
    if parent is not None:
        window.setParent(parent, window.windowFlags())
    window.show()
    return window


def run_panel(context: AdminContext) -> int:
    # Like the kiosk: cv2 (imported by the engine) points Qt at its own, incompatible plugins.
    release_qt_env()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.install(context.config.kiosk.language)
    window = open_panel(context)
    window.raise_()
    try:
        return int(app.exec())
    finally:
        context.close()
