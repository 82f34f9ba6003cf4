"""The full-screen kiosk: live video with face boxes and a large banner saying what to do.

Sizes follow the window (landscape or portrait, 800 px to 4K): fonts, icons and margins are
shares of its shorter side, and the banner's labels wrap, shrink and finally elide rather than
ever asking for more width than the screen has.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QLocale, QSize, Qt, QTime, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from turnstile.access.doordesk import DoorReport
from turnstile.access.doorwatch import DoorSignal
from turnstile.access.osdpdoor import PanelStatus
from turnstile.access.pipeline import CameraState, CameraStatus
from turnstile.config import KioskConfig
from turnstile.configlinks import PinConfig
from turnstile.gui.assets import icon, stylesheet
from turnstile.gui.feedback import Announcer, Feedback
from turnstile.gui.fitlabel import FitLabel
from turnstile.gui.kioskmessages import (
    Message,
    Screen,
    camera_lost,
    door_alarm,
    first_run,
    idle,
    message_for,
    out_of_service,
    panel_offline,
    starting,
)
from turnstile.gui.pinpad import PinPad, Step
from turnstile.gui.qimage import pixmap_from_bytes
from turnstile.gui.video import VideoView
from turnstile.gui.worker import KioskUpdate
from turnstile.redact import redact_text
from turnstile.types import Credential, Outcome
from turnstile.vision.light import FillLight

__all__ = ["ADMIN_CORNER_PX", "ADMIN_KEY", "ADMIN_TAPS", "KioskWindow", "Message", "Screen",
           "Sizes", "message_for"]

#: Key that asks for the admin panel (the panel itself asks for the password).
ADMIN_KEY = "Ctrl+Shift+A"
#: Key that closes the kiosk; full screen, an administrator must sign in first.
QUIT_KEY = "Ctrl+Q"
#: Taps in the top-left corner, within ADMIN_TAP_S seconds, that ask for the admin panel.
ADMIN_TAPS = 5
ADMIN_TAP_S = 3.0
ADMIN_CORNER_PX = 120


#: Which standing door alarm a signal raises or ends (the strip shows one line per alarm).
_ALARM_SLOT = {DoorSignal.FORCED_OPEN: "door", DoorSignal.HELD_OPEN: "door",
               DoorSignal.SECURED: "door", DoorSignal.INPUTS_LOST: "inputs",
               DoorSignal.INPUTS_BACK: "inputs"}

BOX_COLOURS = {Screen.GRANTED: QColor("#2ecc71"), Screen.DENIED: QColor("#ff5a4f"),
               Screen.UNKNOWN: QColor("#ff5a4f"), Screen.SPOOF: QColor("#ff5a4f")}


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes of the banner's parts for one window size."""

    title_px: int
    title_min_px: int
    title_lines: int
    subtitle_px: int
    subtitle_min_px: int
    subtitle_lines: int
    detail_px: int
    clock_px: int
    icon_px: int
    thumb_px: int
    margin: int
    portrait: bool

    @classmethod
    def for_window(cls, width: int, height: int) -> Sizes:
        # The shorter side sets the scale: 1080 (a 1920x1080 screen) gives an 81 px title,
        # readable from two metres; a portrait screen's extra height buys more lines.
        unit = max(min(width, height), 240)
        portrait = height > width
        return cls(title_px=round(unit * 0.075), title_min_px=round(unit * 0.04),
                   title_lines=3 if portrait else 2,
                   subtitle_px=round(unit * 0.042), subtitle_min_px=round(unit * 0.025),
                   subtitle_lines=5 if portrait else 3,
                   detail_px=max(12, round(unit * 0.018)), clock_px=round(unit * 0.04),
                   icon_px=round(unit * 0.14), thumb_px=round(unit * 0.17),
                   margin=round(unit * 0.03), portrait=portrait)


class KioskWindow(QWidget):
    """The screen employees see; fed by RecognitionWorker's signals, never blocking on work."""

    admin_requested = Signal()
    #: Ctrl+Q (or a close request) while quitting is guarded: someone must authorise it.
    quit_requested = Signal()
    #: A PinEntry from the keypad, for the recognition worker to decide.
    pin_entered = Signal(object)

    def __init__(self, config: KioskConfig, parent: QWidget | None = None, *,
                 cooldown_s: float = 5.0, feedback: Announcer | None = None,
                 pin: PinConfig | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk")
        self.setWindowTitle(self.tr("Turnstile"))
        self.setStyleSheet(stylesheet())
        self._config = config
        self._cooldown_s = cooldown_s
        self._holding = False  # a final result is on screen until the timer clears it
        self._empty = False  # the gallery has nobody: the first-run screen replaces idle
        self._taps: list[float] = []
        #: Full screen, closing needs an administrator (allow_quit); windowed, it does not.
        self.guard_quit = False
        self._quit_allowed = False
        self._feedback = feedback if feedback is not None else Feedback(
            config.sounds, config.speak, config.language)
        self._shown: tuple[Message, bytes | None] | None = None
        self._shown_detail = ""
        # A line under every message while the access panel (OSDP) is offline.
        self._panel_note = ""
        self._fill = FillLight()
        #: Door alarms standing now (forced/held open, input board silent), by slot.
        self._door_alarms: dict[str, str] = {}
        #: A strip over the video while a door alarm stands, whatever the banner says.
        self.door_alarm = FitLabel(4, self)
        self.door_alarm.setObjectName("doorAlarm")
        self.door_alarm.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.door_alarm.setVisible(False)
        self.video = VideoView(self, mirrored=config.mirror)
        self.banner = QFrame(self)
        self.banner.setObjectName("banner")
        self.icon = QLabel(self.banner)
        self.thumbnail = QLabel(self.banner)
        self.title = FitLabel(2, self.banner)
        self.title.setObjectName("title")
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.subtitle = FitLabel(3, self.banner)
        self.subtitle.setObjectName("subtitle")
        #: The reason behind "Out of service", small, for the technician at the screen.
        self.detail = FitLabel(2, self.banner)
        self.detail.setObjectName("detail")
        self.clock = QLabel(self.banner)
        self.clock.setObjectName("clock")
        self.clock.setFont(bold)
        self.clock.setVisible(config.clock)
        # "Use PIN": the way in for someone the camera does not recognise (pin.enabled).
        self.pin_button = QPushButton(self.tr("Use PIN"), self.banner)
        self.pin_button.setObjectName("pinButton")
        self.pin_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pin_button.clicked.connect(self.open_pin)
        self.pinpad = PinPad(self)
        self.pinpad.entered.connect(self.pin_entered)
        self.pinpad.closed.connect(self._pin_closed)
        self._pin = PinConfig()
        self.set_pin_config(pin or PinConfig())
        self._layout()
        self._sizes = Sizes.for_window(self.width(), self.height())
        self._reset = QTimer(self)
        self._reset.setSingleShot(True)
        self._reset.timeout.connect(self.show_idle)
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._tick)
        if config.clock:
            self._ticker.start(1000)
        self._tick()
        self.show_message(starting())

    def _layout(self) -> None:
        self._text = QWidget(self.banner)
        text = QVBoxLayout(self._text)
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(4)
        for label in (self.title, self.subtitle, self.detail):
            label.setParent(self._text)
            text.addWidget(label)
        text.addStretch(1)
        self._grid = QGridLayout(self.banner)
        self._portrait: bool | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.door_alarm)
        column.addWidget(self.video, 1)
        column.addWidget(self.banner)
        self._arrange(portrait=False)

    def _arrange(self, portrait: bool) -> None:
        """Landscape: pictures, text and clock side by side. Portrait: pictures and clock
        above, the text below across the whole width (a narrow row would squeeze names)."""
        if portrait == self._portrait:
            return
        self._portrait = portrait
        grid, top = self._grid, Qt.AlignmentFlag.AlignTop
        for widget in (self.icon, self.thumbnail, self._text, self.clock, self.pin_button):
            grid.removeWidget(widget)
        grid.addWidget(self.icon, 0, 0, top)
        grid.addWidget(self.thumbnail, 0, 1, top)
        grid.addWidget(self.clock, 0, 3, top | Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.pin_button, 0, 4, top | Qt.AlignmentFlag.AlignRight)
        if portrait:
            grid.addWidget(self._text, 1, 0, 1, 5)
        else:
            grid.addWidget(self._text, 0, 2)
        for column_ in range(5):
            grid.setColumnStretch(column_, 1 if column_ == 2 else 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(320, 240)  # whatever the text: it adapts to the window, never the reverse

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        sizes = Sizes.for_window(event.size().width(), event.size().height())
        if sizes != self._sizes:
            self._sizes = sizes
            self._apply_sizes()
        self.pinpad.setGeometry(self.rect())
        self.pinpad.set_unit(max(min(event.size().width(), event.size().height()), 240))
        super().resizeEvent(event)

    def _apply_sizes(self) -> None:
        s = self._sizes
        self._arrange(s.portrait)
        self._grid.setContentsMargins(s.margin, s.margin * 2 // 3, s.margin, s.margin * 2 // 3)
        self._grid.setHorizontalSpacing(s.margin)
        self._grid.setVerticalSpacing(s.margin // 2)
        self.title.set_pixel_sizes(s.title_px, s.title_min_px, s.title_lines)
        self.subtitle.set_pixel_sizes(s.subtitle_px, s.subtitle_min_px, s.subtitle_lines)
        self.detail.set_pixel_sizes(s.detail_px, s.detail_px, 2)
        self.door_alarm.set_pixel_sizes(s.subtitle_px, s.subtitle_min_px, 4)
        self.door_alarm.setContentsMargins(s.margin, s.margin // 3, s.margin, s.margin // 3)
        font = self.clock.font()
        font.setPixelSize(s.clock_px)
        self.clock.setFont(font)
        font = self.pin_button.font()
        font.setPixelSize(s.subtitle_px)
        font.setBold(True)
        self.pin_button.setFont(font)
        self.pin_button.setMinimumHeight(round(s.icon_px * 0.6))
        if self._shown is not None:
            self._render(*self._shown)

    @property
    def screen_state(self) -> Screen:
        return Screen(self.banner.property("state"))

    def show_message(self, message: Message, thumbnail: bytes | None = None,
                     detail: str = "") -> None:
        detail = detail or self._panel_note
        if self._shown == (message, thumbnail) and detail == self._shown_detail:
            return  # the same banner again (every frame while nobody is there)
        self._shown, self._shown_detail = (message, thumbnail), detail
        self.banner.setProperty("state", message.screen.value)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.title.set_full_text(message.title)
        self.subtitle.set_full_text(message.subtitle)
        self.subtitle.setVisible(bool(message.subtitle))
        self.detail.set_full_text(detail)
        self.detail.setVisible(bool(detail))
        self._offer_pin()
        self._render(message, thumbnail)

    def _render(self, message: Message, thumbnail: bytes | None) -> None:
        """The pictures, at the current window's sizes."""
        self.icon.setPixmap(icon(message.icon, self._sizes.icon_px))
        picture = pixmap_from_bytes(thumbnail)
        if picture is not None:
            size = self._sizes.thumb_px
            self.thumbnail.setPixmap(picture.scaled(
                size, size, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        self.thumbnail.setVisible(picture is not None)

    def set_pin_config(self, pin: PinConfig) -> None:
        self._pin = pin
        self.pinpad.set_timeout(pin.entry_timeout_s)
        self._offer_pin()

    def _offer_pin(self) -> None:
        """"Use PIN" while someone might need it: PIN alone is on here, and the kiosk is
        running and not greeting someone (a face-and-PIN door takes no PIN alone)."""
        state = self.banner.property("state")
        busy = state in (Screen.STARTING.value, Screen.CAMERA_LOST.value,
                         Screen.GRANTED.value, Screen.FIRST_RUN.value)
        self.pin_button.setVisible(self._pin.enabled and not self._pin.face_and_pin
                                   and not busy)

    def open_pin(self) -> None:
        """The keypad for PIN alone: employee number, then PIN."""
        if self._pin.enabled and not self._pin.face_and_pin:
            self.pinpad.ask_number()

    def _pin_closed(self) -> None:
        if not self._holding:
            self.show_idle()

    def _follow_pin(self, update: KioskUpdate) -> None:
        """Open the keypad for a face that needs its PIN; close it once an entry's result
        (or someone else's decision) is on screen."""
        if not update.final:
            return
        decision = update.decision
        if decision.outcome is Outcome.PIN_REQUIRED:
            name = decision.match.name if decision.match and decision.match.name else ""
            self.pinpad.ask_pin(decision, name)
        elif decision.credential is not Credential.FACE or self.pinpad.answers is not None:
            self.pinpad.finish()

    @property
    def pin_step(self) -> Step:
        return self.pinpad.step

    def show_idle(self) -> None:
        self._holding = False
        self.show_message(first_run() if self._empty else idle())

    def _tick(self) -> None:
        self.clock.setText(QLocale().toString(QTime.currentTime(),
                                              QLocale.FormatType.ShortFormat))

    def on_preview(self, image: QImage) -> None:
        self.video.set_image(image)

    def on_update(self, update: KioskUpdate) -> None:
        self.video.set_fill(self._fill.update(update.light, bool(update.boxes),
                                              time.monotonic()))
        if update.enrolled is not None:
            self._empty = update.enrolled == 0
        self._follow_pin(update)
        message = message_for(update, self._cooldown_s)
        if self._empty and (message is None or message.screen is Screen.UNKNOWN):
            message = first_run()  # nobody can be recognised yet: guide, do not refuse
        if update.final and message is not None and message.screen is not Screen.FIRST_RUN:
            self._holding = True
            self.show_message(message, update.thumbnail)
            self._announce(message)
            self._reset.start(round(self._config.result_s * 1000))
        elif not self._holding:
            if message is not None:
                self.show_message(message)
            elif self.screen_state is not Screen.IDLE:
                self.show_idle()
        # The face box takes the banner's colour, so the person sees which face was decided.
        colour = BOX_COLOURS.get(self.screen_state, QColor("#ffffff"))
        self.video.set_boxes(update.boxes, update.chosen, colour)

    def _announce(self, message: Message) -> None:
        granted = message.screen is Screen.GRANTED
        if message.screen in BOX_COLOURS:  # a result, not a hint
            self._feedback.play("granted" if granted else "denied")
        if granted:
            self._feedback.say(message.title)

    def on_camera(self, status: CameraStatus) -> None:
        if status.state is CameraState.RUNNING:
            if self.screen_state in (Screen.CAMERA_LOST, Screen.STARTING):
                self.show_idle()
            return
        self._reset.stop()
        self._holding = False
        self.pinpad.finish()  # nothing would decide an entry without the loop running
        self.video.clear()
        self.show_message(camera_lost(status.retry_in_s))

    def on_panel(self, status: PanelStatus) -> None:
        """The access panel's state: while it is offline every screen says so."""
        self._panel_note = "" if status.online else panel_offline()
        if self._shown is not None:
            self.show_message(*self._shown)

    def on_door(self, report: DoorReport) -> None:
        """The door thread's news: an alarm raises the strip, the door closing (or the input
        board answering again) ends it."""
        signal = report.notice.signal
        slot = _ALARM_SLOT.get(signal)
        if slot is None:
            return  # an exit: the door opens, nothing to show
        text = door_alarm(signal)
        if text is None:
            self._door_alarms.pop(slot, None)
        else:
            self._door_alarms[slot] = text
        self.door_alarm.set_full_text("\n".join(self._door_alarms.values()))
        self.door_alarm.setVisible(bool(self._door_alarms))

    @property
    def door_alarms(self) -> list[str]:
        """The door alarms on screen now (empty: none)."""
        return list(self._door_alarms.values())

    def on_beep(self) -> None:
        """The access panel sounded the reader's buzzer: the kiosk's speaker is it."""
        self._feedback.play("denied")

    def on_failed(self, message: str) -> None:
        self._holding = False
        self.pinpad.finish()
        self.video.clear()
        # Visitors read the big lines; the technician at the screen reads the small one
        # (and nobody a stream's password).
        safe = redact_text(message)
        self.show_message(out_of_service(),
                          detail=self.tr("Technical detail: %1").replace("%1", safe))
        self.setToolTip(safe)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        # Handled here, not with QShortcut, so they work whichever child has the focus.
        pressed = QKeySequence(event.keyCombination())
        if pressed.matches(QKeySequence(ADMIN_KEY)) is QKeySequence.SequenceMatch.ExactMatch:
            self.admin_requested.emit()
        elif pressed.matches(QKeySequence(QUIT_KEY)) is QKeySequence.SequenceMatch.ExactMatch:
            self.close()  # closeEvent asks for an administrator when guarded
        else:
            super().keyPressEvent(event)

    def allow_quit(self) -> None:
        """An administrator authorised quitting: close for real."""
        self._quit_allowed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        # Full screen, a keyboard must not leave the kiosk account's desktop (and the
        # database) to whoever holds it: the close waits for an administrator's sign-in.
        if self.guard_quit and not self._quit_allowed:
            event.ignore()
            self.quit_requested.emit()
            return
        super().closeEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        point = event.position()
        if point.x() < ADMIN_CORNER_PX and point.y() < ADMIN_CORNER_PX:
            now = time.monotonic()
            self._taps = [t for t in self._taps if now - t < ADMIN_TAP_S] + [now]
            if len(self._taps) >= ADMIN_TAPS:
                self._taps.clear()
                self.admin_requested.emit()
        super().mousePressEvent(event)
