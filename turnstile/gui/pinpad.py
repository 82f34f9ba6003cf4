"""The on-screen keypad: employee number then PIN, or the PIN a recognised face is asked for.

Drawn over the whole kiosk window with keys sized from its shorter side (about a tenth of
it: 108 px on a 1920x1080 screen, 80 px at 1280x800 or portrait 800x1280), so fingers hit
them; the PIN shows as dots only. It closes by itself after pin.entry_timeout_s without a
key, on Cancel, or when the kiosk shows the entry's result.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from turnstile.access.pin import MAX_NUMBER_LENGTH, MAX_PIN_LENGTH
from turnstile.access.pindesk import PinEntry
from turnstile.gui.fitlabel import FitLabel
from turnstile.types import Decision

translate = QCoreApplication.translate

#: The fewest digits OK sends (the shortest PIN the config allows).
MIN_DIGITS = 4
BACK = "back"
OK = "ok"
CANCEL = "cancel"
# The keypad's keys, row by row, as a phone lays them out.
KEYS = (("1", "2", "3"), ("4", "5", "6"), ("7", "8", "9"), (BACK, "0", OK))
DOT = "\u25cf"


class Step(enum.Enum):
    """What the keypad is asking for."""

    CLOSED = "closed"
    NUMBER = "number"
    PIN = "pin"
    CHECKING = "checking"


class PinPad(QFrame):
    """Collects one PinEntry; `entered` carries it, `closed` says the pad went away unused."""

    entered = Signal(object)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None, timeout_s: float = 20.0) -> None:
        super().__init__(parent)
        self.setObjectName("pinpad")
        self.step = Step.CLOSED
        self._digits = ""
        self._number = ""
        self._answers: Decision | None = None
        self.title = FitLabel(2, self)
        self.title.setObjectName("pinTitle")
        self.prompt = FitLabel(2, self)
        self.prompt.setObjectName("pinPrompt")
        self.display = QLabel(self)
        self.display.setObjectName("pinDisplay")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keys: dict[str, QPushButton] = {}
        self._grid = QGridLayout()
        for row, keys in enumerate(KEYS):
            for column, key in enumerate(keys):
                button = self._key(key)
                self._grid.addWidget(button, row, column)
        self.cancel = self._key(CANCEL)
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.set_timeout(timeout_s)
        self.hide()

    def _key(self, key: str) -> QPushButton:
        words = {BACK: "\u232b", OK: translate("Kiosk", "OK"),
                 CANCEL: translate("Kiosk", "Cancel")}
        button = QPushButton(words.get(key, key), self)
        button.setObjectName("pinKey" if key.isdigit() else f"pin_{key}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda: self.press(key))
        self.keys[key] = button
        return button

    def _build(self) -> None:
        self._column = QVBoxLayout()
        self._column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.prompt, self.display):
            self._column.addWidget(widget)
        self._column.addLayout(self._grid)
        self._column.addWidget(self.cancel)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self._body = QWidget(self)
        self._body.setLayout(self._column)
        outer.addWidget(self._body, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)

    def set_timeout(self, seconds: float) -> None:
        self._timer.setInterval(round(seconds * 1000))

    def set_unit(self, unit: int) -> None:
        """Sizes from the window's shorter side."""
        key_h = round(unit * 0.1)
        key_w = round(key_h * 1.7)
        gap = max(6, round(unit * 0.012))
        self._grid.setSpacing(gap)
        self._column.setSpacing(gap)
        for name, button in self.keys.items():
            font = button.font()
            font.setPixelSize(round(key_h * (0.45 if name.isdigit() else 0.32)))
            button.setFont(font)
            if name != CANCEL:
                button.setFixedSize(key_w, key_h)
        self.cancel.setFixedHeight(round(key_h * 0.8))
        self.cancel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._body.setFixedWidth(key_w * 3 + gap * 2)
        for label, px, min_px in ((self.title, round(unit * 0.05), round(unit * 0.03)),
                                  (self.prompt, round(unit * 0.03), round(unit * 0.02))):
            label.set_pixel_sizes(px, min_px, 2)
            # Two lines' height, fixed: the keys below must never be squeezed by a wrap.
            font = QFont(label.font())
            font.setPixelSize(px)
            metrics = QFontMetrics(font)
            label.setFixedHeight(metrics.lineSpacing() + metrics.height() + 2)
        font = self.display.font()
        font.setPixelSize(round(unit * 0.05))
        self.display.setFont(font)
        self.display.setFixedHeight(round(unit * 0.075))

    def ask_number(self) -> None:
        """PIN alone: the employee number first."""
        self._answers = None
        self._number = ""
        self._open(Step.NUMBER, translate("Kiosk", "Enter your employee number"),
                   translate("Kiosk", "Then press OK."))

    def ask_pin(self, answers: Decision | None = None, name: str = "") -> None:
        """The PIN: after the employee number, or for the face in `answers`."""
        self._answers = answers
        prompt = (translate("Kiosk", "Hello, %1. The door needs your PIN too.").replace(
            "%1", name) if answers is not None else translate("Kiosk", "Then press OK."))
        self._open(Step.PIN, translate("Kiosk", "Enter your PIN"), prompt)

    def _open(self, step: Step, title: str, prompt: str) -> None:
        self.step = step
        self._digits = ""
        self.title.set_full_text(title)
        self.prompt.set_full_text(prompt)
        self._show_digits()
        self._enable(True)
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self._timer.start()

    def press(self, key: str) -> None:
        """One key, as a tap on it does."""
        if self.step in (Step.CLOSED, Step.CHECKING):
            return
        self._timer.start()
        limit = MAX_NUMBER_LENGTH if self.step is Step.NUMBER else MAX_PIN_LENGTH
        if key == CANCEL:
            self.dismiss()
        elif key == BACK:
            self._digits = self._digits[:-1]
        elif key == OK:
            self._ok()
        elif key.isdigit() and len(self._digits) < limit:
            self._digits += key
        self._show_digits()

    def _ok(self) -> None:
        if self.step is Step.NUMBER:
            if self._digits:
                self._number = self._digits
                self.ask_pin()
            return
        if len(self._digits) < MIN_DIGITS:
            return
        entry = PinEntry(self._digits, self._number, self._answers)
        self._digits = ""
        self.step = Step.CHECKING
        self.title.set_full_text(translate("Kiosk", "Checking"))
        self.prompt.set_full_text(translate("Kiosk", "One moment, please."))
        self._enable(False)
        self.entered.emit(entry)

    def _enable(self, enabled: bool) -> None:
        for key, button in self.keys.items():
            button.setEnabled(enabled or key == CANCEL)

    def _show_digits(self) -> None:
        shown = self._digits if self.step is Step.NUMBER else DOT * len(self._digits)
        self.display.setText(shown)

    @property
    def answers(self) -> Decision | None:
        """The face decision the open PIN entry answers (None: PIN alone)."""
        return self._answers

    def finish(self) -> None:
        """The entry's result is on screen: the pad goes, nothing typed stays."""
        self._timer.stop()
        self.step = Step.CLOSED
        self._digits = self._number = ""
        self._answers = None
        self.hide()

    def dismiss(self) -> None:
        """Cancel or time-out: nothing was sent (or its answer no longer matters)."""
        was_open = self.step is not Step.CLOSED
        self.finish()
        if was_open:
            self.closed.emit()
