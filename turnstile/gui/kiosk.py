"""The full-screen kiosk: live video with face boxes and a large banner saying what to do."""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from turnstile.access.pipeline import CameraState, CameraStatus
from turnstile.config import KioskConfig
from turnstile.gui.assets import Sounds, icon, stylesheet
from turnstile.gui.qimage import pixmap_from_bytes
from turnstile.gui.worker import KioskUpdate
from turnstile.redact import redact_text
from turnstile.types import Box, DenyReason, Outcome, PendingReason
from turnstile.vision.light import FillLight, LightHint

#: Key that asks for the admin panel (the panel itself asks for the password).
ADMIN_KEY = "Ctrl+Shift+A"
#: Key that closes the kiosk; full screen, an administrator must sign in first.
QUIT_KEY = "Ctrl+Q"
#: Taps in the top-left corner, within ADMIN_TAP_S seconds, that ask for the admin panel.
ADMIN_TAPS = 5
ADMIN_TAP_S = 3.0
ADMIN_CORNER_PX = 120
ICON_PX = 180
THUMB_PX = 200


class Screen(enum.Enum):
    """What the banner shows; the value is the stylesheet's `state` property."""

    STARTING = "starting"
    IDLE = "idle"
    GRANTED = "granted"
    DENIED = "denied"
    UNKNOWN = "unknown"
    SPOOF = "spoof"
    ONE_AT_A_TIME = "one_at_a_time"
    HINT = "hint"
    CAMERA_LOST = "camera_lost"


@dataclass(frozen=True)
class Message:
    screen: Screen
    title: str
    subtitle: str
    icon: str


_REFUSALS = {
    DenyReason.INACTIVE: "Your access is not active. Please see reception.",
    DenyReason.NOT_YET_VALID: "Your access has not started yet. Please see reception.",
    DenyReason.EXPIRED: "Your access has expired. Please see reception.",
    DenyReason.OUT_OF_SCHEDULE: "No access at this time. Please see reception.",
    DenyReason.NOT_IN_GROUP: "No access through this door. Please see reception.",
    DenyReason.SUSPENDED: "Face access is suspended. Please see reception.",
}
BOX_COLOURS = {Screen.GRANTED: QColor("#2ecc71"), Screen.DENIED: QColor("#ff5a4f"),
               Screen.UNKNOWN: QColor("#ff5a4f"), Screen.SPOOF: QColor("#ff5a4f")}
IDLE = Message(Screen.IDLE, "Please look at the camera", "One person at a time", "idle")
#: A face refused by the liveness check. A real person wrongly refused must know that the
#: refusal holds while they stay in view, and how to get a fresh check; it is not DENIED
#: (their access rights are fine), so it has its own screen and words.
SPOOF = Message(Screen.SPOOF, "Live face not confirmed",
                "Please step out of view, then come back and look at the camera.", "spoof")


#: What the kiosk says when the light, not the person, is the problem.
LIGHT_HINTS = {
    LightHint.TOO_DARK: Message(Screen.HINT, "Too dark: step closer to the screen",
                                "The screen lights your face.", "idle"),
    LightHint.BACKLIT: Message(Screen.HINT, "Strong light behind you",
                               "Step closer to the screen, or turn away from the window.",
                               "idle"),
}
#: The video area's colour when the screen is a fill light, and otherwise.
FILL_COLOUR, DARK_COLOUR = QColor("#ffffff"), QColor("#101418")


def greeting(at: datetime) -> str:
    return ("Good morning" if at.hour < 12 else "Good afternoon" if at.hour < 18
            else "Good evening")


def message_for(update: KioskUpdate) -> Message | None:
    """The banner for a processed frame; None keeps whatever is showing."""
    decision = update.decision
    outcome = decision.outcome
    if outcome is Outcome.GRANTED:
        name = decision.match.name if decision.match and decision.match.name else ""
        return Message(Screen.GRANTED, f"Welcome, {name}",
                       f"{greeting(decision.at)}. Please go ahead.", "granted")
    if outcome is Outcome.DENIED and decision.reason is DenyReason.DOOR_FAILED:
        return Message(Screen.DENIED, "The door did not open",
                       "Please try again or see reception.", "denied")
    if outcome is Outcome.DENIED and decision.reason is DenyReason.NOT_RECORDED:
        return Message(Screen.DENIED, "The door did not open",
                       "Entries cannot be recorded right now. Please see reception.", "denied")
    if outcome is Outcome.DENIED:
        text = _REFUSALS.get(decision.reason, "Please see reception.") \
            if decision.reason else "Please see reception."
        return Message(Screen.DENIED, "Access denied", text, "denied")
    if outcome is Outcome.UNKNOWN:
        return Message(Screen.UNKNOWN, "Not recognised", "Please see reception.", "unknown")
    if outcome in (Outcome.SPOOF, Outcome.ALARM) or decision.pending is PendingReason.STEP_OUT:
        return SPOOF
    if outcome is Outcome.MULTIPLE_FACES:
        return Message(Screen.ONE_AT_A_TIME, "One person at a time",
                       "Please step up alone.", "crowd")
    if outcome is Outcome.PENDING and decision.pending is not None and decision.pending.prompt:
        prompt = decision.pending.prompt
        return Message(Screen.HINT, prompt[:1].upper() + prompt[1:], "", "idle")
    if update.light in LIGHT_HINTS and decision.pending is not PendingReason.RECENTLY_DECIDED:
        # The light, not the person, is what keeps the kiosk from deciding.
        return LIGHT_HINTS[update.light]
    if outcome is Outcome.TOO_SMALL:
        return Message(Screen.HINT, "Please come closer", "", "idle")
    return None


class VideoView(QWidget):
    """Paints the newest camera frame, scaled to fit, with the faces' boxes on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("video")
        self.setMinimumSize(320, 240)
        self._image: QImage | None = None
        self._boxes: tuple[Box, ...] = ()
        self._chosen: Box | None = None
        self._colour = QColor("#ffffff")
        self._background = DARK_COLOUR

    def set_fill(self, on: bool) -> None:
        """Paint the area around the video white: the screen as a fill light."""
        colour = FILL_COLOUR if on else DARK_COLOUR
        if colour != self._background:
            self._background = colour
            self.update()

    @property
    def filling(self) -> bool:
        return self._background == FILL_COLOUR

    def set_image(self, image: QImage) -> None:
        self._image = image
        self.update()

    def set_boxes(self, boxes: tuple[Box, ...], chosen: Box | None, colour: QColor) -> None:
        self._boxes, self._chosen, self._colour = boxes, chosen, colour
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background)
        if self._image is not None and not self._image.isNull():
            target = self._fit(self._image.width(), self._image.height())
            painter.drawImage(target, self._image)
            scale = target.width() / self._image.width()
            for box in self._boxes:
                main = box == self._chosen
                painter.setPen(QPen(self._colour if main else QColor("#c8c8c8"), 6 if main else 2))
                painter.drawRect(QRectF(target.x() + box.x * scale, target.y() + box.y * scale,
                                        box.w * scale, box.h * scale))
        painter.end()

    def _fit(self, width: int, height: int) -> QRectF:
        scale = min(self.width() / width, self.height() / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)


class KioskWindow(QWidget):
    """The screen employees see; fed by RecognitionWorker's signals, never blocking on work."""

    admin_requested = Signal()
    #: Ctrl+Q (or a close request) while quitting is guarded: someone must authorise it.
    quit_requested = Signal()

    def __init__(self, config: KioskConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk")
        self.setWindowTitle("Turnstile")
        self.setStyleSheet(stylesheet())
        self._config = config
        self._holding = False  # a final result is on screen until the timer clears it
        self._taps: list[float] = []
        #: Full screen, closing needs an administrator (allow_quit); windowed, it does not.
        self.guard_quit = False
        self._quit_allowed = False
        self._sounds = Sounds() if config.sounds else None
        self._fill = FillLight()
        self.video = VideoView(self)
        self.banner = QFrame(self)
        self.banner.setObjectName("banner")
        self.icon = QLabel(self.banner)
        self.thumbnail = QLabel(self.banner)
        self.title = QLabel(self.banner)
        self.title.setObjectName("title")
        self.subtitle = QLabel(self.banner)
        self.subtitle.setObjectName("subtitle")
        self.subtitle.setWordWrap(True)
        self._layout()
        self._reset = QTimer(self)
        self._reset.setSingleShot(True)
        self._reset.timeout.connect(self.show_idle)
        self.show_message(Message(Screen.STARTING, "Starting", "One moment, please.", "idle"))

    def _layout(self) -> None:
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.subtitle)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(48, 24, 48, 24)
        row.setSpacing(36)
        row.addWidget(self.icon)
        row.addWidget(self.thumbnail)
        row.addLayout(text, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.video, 1)
        column.addWidget(self.banner)

    @property
    def screen_state(self) -> Screen:
        return Screen(self.banner.property("state"))

    def show_message(self, message: Message, thumbnail: bytes | None = None) -> None:
        self.banner.setProperty("state", message.screen.value)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.title.setText(message.title)
        self.subtitle.setText(message.subtitle)
        self.subtitle.setVisible(bool(message.subtitle))
        self.icon.setPixmap(icon(message.icon, ICON_PX))
        picture = pixmap_from_bytes(thumbnail)
        if picture is not None:
            self.thumbnail.setPixmap(picture.scaled(
                THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        self.thumbnail.setVisible(picture is not None)

    def show_idle(self) -> None:
        self._holding = False
        self.show_message(IDLE)

    def on_preview(self, image: QImage) -> None:
        self.video.set_image(image)

    def on_update(self, update: KioskUpdate) -> None:
        self.video.set_fill(self._fill.update(update.light, bool(update.boxes),
                                              time.monotonic()))
        message = message_for(update)
        if update.final and message is not None:
            self._holding = True
            self.show_message(message, update.thumbnail)
            if self._sounds is not None:
                self._sounds.play("granted" if message.screen is Screen.GRANTED else "denied")
            self._reset.start(round(self._config.result_s * 1000))
        elif not self._holding:
            current = self.screen_state
            if message is not None:
                self.show_message(message)
            elif current is not Screen.IDLE:
                self.show_message(IDLE)
        # The face box takes the banner's colour, so the person sees which face was decided.
        colour = BOX_COLOURS.get(self.screen_state, QColor("#ffffff"))
        self.video.set_boxes(update.boxes, update.chosen, colour)

    def on_camera(self, status: CameraStatus) -> None:
        if status.state is CameraState.RUNNING:
            if self.screen_state in (Screen.CAMERA_LOST, Screen.STARTING):
                self.show_idle()
            return
        self._reset.stop()
        self._holding = False
        retry = f" Retrying in {status.retry_in_s:.0f} s." if status.retry_in_s >= 1 else ""
        self.show_message(Message(Screen.CAMERA_LOST, "Camera unavailable",
                                  f"Please see reception.{retry}", "camera_off"))

    def on_failed(self, message: str) -> None:
        self._holding = False
        self.show_message(Message(Screen.CAMERA_LOST, "Out of service",
                                  "Please see reception.", "camera_off"))
        # For the technician; visitors never see internals, nobody sees a stream's password.
        self.setToolTip(redact_text(message))

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
