"""The kiosk's way into the admin panel (its hidden gesture opens the panel's sign-in), and
the administrator's sign-in that quitting the full-screen kiosk needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, SignalInstance

from turnstile.admin.context import AdminContext
from turnstile.admin.roles import Permission
from turnstile.config import Config, default_config_path
from turnstile.gui.admin.login import AuthoriseDialog, no_account
from turnstile.gui.admin.window import AdminWindow
from turnstile.vision.engine import EngineFactory


class AdminLink(QObject):
    """Opens one panel window per request (raising it when already open).

    The panel's context (its own database connection and engine) is built on first use, so a
    kiosk nobody administers never loads a second engine.
    """

    def __init__(self, request: SignalInstance, config: Config, config_path: Path | None,
                 db_path: Path, on_settings: Callable[[Config], None] | None = None,
                 make_context: Callable[[], AdminContext] | None = None,
                 engines: EngineFactory | None = None) -> None:
        super().__init__()
        self._make_context = make_context or (lambda: AdminContext.open(
            config, config_path or default_config_path(), db_path, engines=engines))
        self._on_settings = on_settings
        self.context: AdminContext | None = None
        self.window: AdminWindow | None = None
        self.quit_dialog: AuthoriseDialog | None = None
        request.connect(self.open)

    def _context(self) -> AdminContext:
        self.context = self.context or self._make_context()
        return self.context

    def authorise_quit(self, allow: Callable[[], None]) -> AuthoriseDialog:
        """Ask for an administrator's sign-in; `allow` runs once one is accepted."""
        if self.quit_dialog is None:
            dialog = AuthoriseDialog(self._context().accounts, Permission.QUIT_KIOSK,
                                     "An administrator must sign in to quit the kiosk")
            dialog.accepted.connect(allow)
            dialog.finished.connect(self._quit_dialog_closed)
            self.quit_dialog = dialog
        if self._context().accounts.first_run():
            self.quit_dialog.message.error(no_account())
        self.quit_dialog.open()
        self.quit_dialog.raise_()
        return self.quit_dialog

    def _quit_dialog_closed(self) -> None:
        if self.quit_dialog is not None:
            self.quit_dialog.deleteLater()
            self.quit_dialog = None

    def open(self) -> AdminWindow:
        if self.window is None:
            self.window = AdminWindow(self._context())
            if self._on_settings is not None:
                self.window.settings_saved.connect(self._on_settings)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def close(self) -> None:
        if self.quit_dialog is not None:
            self.quit_dialog.reject()
        if self.window is not None:
            self.window.close()
            self.window = None
        if self.context is not None:
            self.context.close()
            self.context = None
