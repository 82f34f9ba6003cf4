"""The admin panel window: login first, then tabs by role; locks itself when left idle."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from turnstile.access.cameras import list_cameras
from turnstile.admin.accounts import User
from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.admin.source import CameraFrames, FrameSource
from turnstile.errors import TurnstileError
from turnstile.gui.admin.accountspage import AccountsPage
from turnstile.gui.admin.auditpage import AuditPage
from turnstile.gui.admin.backuppage import BackupPage
from turnstile.gui.admin.enrol import EnrolPage
from turnstile.gui.admin.eventspage import EventsPage
from turnstile.gui.admin.importpage import ImportPage
from turnstile.gui.admin.login import LoginPage
from turnstile.gui.admin.passwordpage import PasswordPage
from turnstile.gui.admin.people import PeoplePage
from turnstile.gui.admin.reauth import Reauthenticator, ask_in_dialog
from turnstile.gui.admin.settingspage import SettingsPage
from turnstile.gui.admin.visitorspage import VisitorsPage
from turnstile.gui.admin.widgets import MessageLabel
from turnstile.gui.assets import stylesheet
from turnstile.vision.engine import Engine

#: The sign-in form's width: a form across a 1000 px window reads badly.
LOGIN_WIDTH = 440

#: Input events that count as activity and keep the session open.
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel}


def _card(form: QWidget) -> QWidget:
    """`form` in a narrow white card, centred in the window."""
    card = QFrame()
    card.setObjectName("loginCard")
    card.setMinimumWidth(LOGIN_WIDTH * 3 // 4)
    card.setMaximumWidth(LOGIN_WIDTH)
    QVBoxLayout(card).addWidget(form)
    page = QWidget()
    page.setObjectName("adminCentral")
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
    outer.addStretch(2)
    return page


class AdminWindow(QMainWindow):
    """Everything behind the password. `settings_saved(Config)` tells the kiosk."""

    settings_saved = Signal(object)
    people_changed = Signal()

    def __init__(self, context: AdminContext,
                 open_source: Callable[[], FrameSource] | None = None,
                 make_engine: Callable[[], Engine] | None = None,
                 live_clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.setObjectName("admin")
        self.setWindowTitle(self.tr("Turnstile administration"))
        self.setStyleSheet(stylesheet("admin"))
        self.context = context
        self._open_source = open_source or (
            lambda: CameraFrames.open(self.context.config.camera.source,
                                      self.context.config.camera))
        self._make_engine = make_engine or (lambda: self.context.engines(self.context.config))
        self._live_clock = live_clock
        #: Asks the signed-in user's password again before erase, export and settings.
        self.ask_password = ask_in_dialog(self)
        self.user: User | None = None
        self.login = LoginPage(context.accounts)
        self.tabs = QTabWidget()
        self.stack = QStackedWidget()
        self.login_page = _card(self.login)
        self.stack.addWidget(self.login_page)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        self.pages: dict[str, QWidget] = {}
        self._scrolls: dict[str, QScrollArea] = {}
        self.login.logged_in.connect(self._open_session)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(lambda: self.lock(self.tr("Locked after inactivity")))
        self.resize(1000, 760)

    # Session ---------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.user is None

    def _open_session(self, user: User) -> None:
        self.user = user
        self._build_tabs(user)
        self.stack.setCurrentWidget(self.tabs)
        self._touch()

    def lock(self, message: str = "") -> None:
        """Close the session: pages go away and the password is needed again."""
        if self.user is not None:
            self.context.audit.record(self.user.name, AuditAction.LOGOUT, self.user.name,
                                      {"reason": message or "signed out"})
        self.user = None
        self.idle.stop()
        self._clear_tabs()
        self.login.reset(message)
        self.stack.setCurrentWidget(self.login_page)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Only input to this panel (or its dialogs) keeps it open: taps on the kiosk's
        # screen by whoever stands there must not.
        if event.type() in _ACTIVITY and self.user is not None and self._owns(watched):
            self._touch()
        return False

    def _owns(self, watched: QObject) -> bool:
        widget = watched if isinstance(watched, QWidget) else None
        while widget is not None:
            if widget is self:
                return True
            widget = widget.parentWidget()
        return False

    def _touch(self) -> None:
        seconds = self.context.config.admin.lock_after_s
        if seconds > 0:
            self.idle.start(int(seconds * 1000))

    # Pages -----------------------------------------------------------------------------
    def _build_tabs(self, user: User) -> None:
        self._clear_tabs()
        confirm = Reauthenticator(self.context.accounts, user,
                                  lambda purpose: self.ask_password(purpose))
        people = self.context.people(user.name)
        page = PeoplePage(people, self.context.enroller, confirm=confirm,
                          card_format=self.context.config.osdp.card_format,
                          pins=self.context.pins(user.name))
        page.changed.connect(self.people_changed.emit)
        self._add("people", self.tr("People"), page)
        enrol = EnrolPage(self.context.enroller, people, self._open_source, self._live_clock)
        enrol.enrolled.connect(lambda _: self._people_refresh())
        self._add("enrol", self.tr("Enrol"), enrol)
        imports = ImportPage(self.context.database, self.context.config, self._make_engine,
                             user.name, self.context.clock)
        imports.imported.connect(lambda _: self._people_refresh())
        self._add("import", self.tr("Import photos"), imports)
        self._add_visitors(user)
        events = EventsPage(self.context.store, self.context.audit, user.name,
                            confirm=confirm, open_store=self.context.open_store,
                            enroller=self.context.enroller, people=people)
        self._add("events", self.tr("Events"), events)
        if user.role.manages_settings:
            settings = SettingsPage(
                self.context.settings, user, self.context.far_curve, confirm=confirm,
                open_source=lambda spec: CameraFrames.open(spec, self.context.config.camera),
                cameras=list_cameras())
            settings.saved.connect(self._settings_saved)
            self._add("settings", self.tr("Settings"), settings)
            self._add("accounts", self.tr("Accounts"), AccountsPage(self.context.accounts, user))
            self._add("audit", self.tr("Audit log"), AuditPage(self.context.audit, user))
            self._add("backup", self.tr("Backup"),
                      BackupPage(self.context.database, self.context.audit, user.name,
                                 confirm=confirm))
        self._add("password", self.tr("Password"), PasswordPage(self.context.accounts, user))

    def _add_visitors(self, user: User) -> None:
        """The Visitors page; an unusable pass key shows why instead of the page."""
        from turnstile.admin.passes import VisitorPasses

        try:
            passes = VisitorPasses.open(self.context.conn, self.context.config.passes,
                                        self.context.database, self.context.audit,
                                        self.context.clock,
                                        self.context.config.events.retention_days)
        except TurnstileError as exc:
            problem = MessageLabel()
            problem.error(str(exc))
            self._add("visitors", self.tr("Visitors"), problem)
            return
        self._add("visitors", self.tr("Visitors"),
                  VisitorsPage(passes, user, self.context.config.passes.max_valid_h))

    def _add(self, key: str, title: str, page: QWidget) -> None:
        self.pages[key] = page
        # A long page scrolls instead of making the whole window taller than the screen.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self._scrolls[key] = scroll
        self.tabs.addTab(scroll, title)

    def _clear_tabs(self) -> None:
        enrol = self.pages.get("enrol")
        if isinstance(enrol, EnrolPage):
            enrol.stop_camera()
        events = self.pages.get("events")
        if isinstance(events, EventsPage):
            events.timer.stop()
            events.exports.stop()
        settings = self.pages.get("settings")
        if isinstance(settings, SettingsPage) and settings.camera is not None:
            settings.camera.stop()
        backup = self.pages.get("backup")
        if isinstance(backup, BackupPage):
            backup.stop()
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        self.pages = {}
        self._scrolls = {}

    def _tab_shown(self, index: int) -> None:
        # Lists show what others changed meanwhile (the kiosk, another operator).
        scroll = self.tabs.widget(index)
        page = scroll.widget() if isinstance(scroll, QScrollArea) else scroll
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()

    def _people_refresh(self) -> None:
        page = self.pages.get("people")
        if isinstance(page, PeoplePage):
            page.refresh()
        self.people_changed.emit()

    def _settings_saved(self, config: object) -> None:
        self.context.reload_config()
        self.settings_saved.emit(config)

    def open_page(self, key: str) -> bool:
        """Show a page when this user may see it; False (and nothing shown) otherwise."""
        page = self.pages.get(key)
        if page is None:
            return False
        self.tabs.setCurrentWidget(self._scrolls[key])
        return True

    def open_settings(self) -> bool:
        return self.open_page("settings")

    def showEvent(self, event: object) -> None:  # noqa: N802
        # Watch the whole application's input: any key or click keeps the session open.
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        super().showEvent(event)  # type: ignore[arg-type]

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self.lock()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        super().closeEvent(event)  # type: ignore[arg-type]
