"""The kiosk's way into the admin panel: its hidden gesture opens the panel's sign-in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, SignalInstance

from turnstile.admin.context import AdminContext
from turnstile.config import Config, default_config_path
from turnstile.gui.admin.window import AdminWindow


class AdminLink(QObject):
    """Opens one panel window per request (raising it when already open).

    The panel's context (its own database connection and engine) is built on first use, so a
    kiosk nobody administers never loads a second engine.
    """

    def __init__(self, request: SignalInstance, config: Config, config_path: Path | None,
                 db_path: Path, on_settings: Callable[[Config], None] | None = None,
                 make_context: Callable[[], AdminContext] | None = None) -> None:
        super().__init__()
        self._make_context = make_context or (lambda: AdminContext.open(
            config, config_path or default_config_path(), db_path))
        self._on_settings = on_settings
        self.context: AdminContext | None = None
        self.window: AdminWindow | None = None
        request.connect(self.open)

    def open(self) -> AdminWindow:
        if self.window is None:
            self.context = self.context or self._make_context()
            self.window = AdminWindow(self.context)
            if self._on_settings is not None:
                self.window.settings_saved.connect(self._on_settings)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window = None
        if self.context is not None:
            self.context.close()
            self.context = None
