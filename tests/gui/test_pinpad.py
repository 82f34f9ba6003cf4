"""The kiosk's keypad: what it sends, when it opens and closes, and that it fits every screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.gui.screens import FACE, outside, person, screenshot_dir
from tests.gui.test_kiosk_layout import SIZES, settle
from turnstile.access.pindesk import PinEntry
from turnstile.access.pipeline import CameraState, CameraStatus
from turnstile.config import KioskConfig
from turnstile.configlinks import PinConfig
from turnstile.gui import i18n
from turnstile.gui.kiosk import KioskWindow, Screen
from turnstile.gui.pinpad import BACK, CANCEL, DOT, OK, Step
from turnstile.gui.worker import KioskUpdate
from turnstile.types import Box, Credential, Decision, DenyReason, Match, Outcome

AT = datetime(2026, 3, 2, 9, 5)
#: Touch targets: no key smaller than this on any supported screen.
MIN_KEY_PX = 64


@pytest.fixture
def kiosk(qtbot: QtBot) -> Iterator[Callable[..., KioskWindow]]:
    def make(width: int = 1280, height: int = 800,
             pin: PinConfig | None = None) -> KioskWindow:
        window = KioskWindow(KioskConfig(result_s=30.0), pin=pin or PinConfig(enabled=True))
        qtbot.addWidget(window)
        window.resize(width, height)
        window.show()
        qtbot.waitExposed(window)
        window.on_camera(CameraStatus(CameraState.RUNNING))
        window.on_preview(person())
        window.show_idle()
        return window

    yield make


def step(window: KioskWindow) -> Step:
    """The keypad's step, read afresh (a plain attribute read would be narrowed by mypy)."""
    return window.pin_step


def screen(window: KioskWindow) -> Screen:
    return window.screen_state


def _type(window: KioskWindow, keys: str) -> None:
    for key in keys:
        window.pinpad.press(key)


def _sent(window: KioskWindow) -> list[PinEntry]:
    entries: list[PinEntry] = []
    window.pin_entered.connect(entries.append)
    return entries


def _update(decision: Decision) -> KioskUpdate:
    return KioskUpdate(decision, True, (FACE,), FACE, (640, 480))


def _asked() -> Decision:
    return Decision(Outcome.PIN_REQUIRED, AT, Match(1, "Dana Whitfield", 0.8, 0.2))


def test_use_pin_asks_number_then_pin_and_sends_both(kiosk: Callable[..., KioskWindow]) -> None:
    window = kiosk()
    sent = _sent(window)
    assert not window.pin_button.isHidden()
    window.pin_button.click()
    assert step(window) is Step.NUMBER and window.pinpad.isVisible()
    _type(window, "1001")
    assert window.pinpad.display.text() == "1001"
    window.pinpad.press(OK)
    assert step(window) is Step.PIN
    _type(window, "48291")
    window.pinpad.press(BACK)
    _type(window, "55")
    assert window.pinpad.display.text() == DOT * 6  # the PIN is never shown
    window.pinpad.press(OK)
    assert step(window) is Step.CHECKING
    assert [(e.employee_id, e.pin, e.answers) for e in sent] == [("1001", "482955", None)]
    _type(window, "9")  # keys do nothing while the entry is checked
    assert len(sent) == 1


def test_ok_needs_a_number_and_four_digits(kiosk: Callable[..., KioskWindow]) -> None:
    window = kiosk()
    sent = _sent(window)
    window.open_pin()
    window.pinpad.press(OK)
    assert step(window) is Step.NUMBER
    _type(window, "7")
    window.pinpad.press(OK)
    _type(window, "123")
    window.pinpad.press(OK)
    assert step(window) is Step.PIN and sent == []


def test_cancel_closes_and_returns_to_idle(kiosk: Callable[..., KioskWindow]) -> None:
    window = kiosk()
    window.open_pin()
    _type(window, "12")
    window.pinpad.press(CANCEL)
    assert step(window) is Step.CLOSED and window.pinpad.isHidden()
    assert window.screen_state is Screen.IDLE


def test_the_pad_closes_by_itself_when_nobody_types(kiosk: Callable[..., KioskWindow],
                                                    qtbot: QtBot) -> None:
    window = kiosk(pin=PinConfig(enabled=True, entry_timeout_s=5.0))
    window.pinpad.set_timeout(0.05)  # the configured wait, shortened for the test
    window.open_pin()
    qtbot.waitUntil(lambda: step(window) is Step.CLOSED)
    assert window.pinpad.isHidden()


def test_use_pin_is_offered_only_where_pin_alone_may_open(
        kiosk: Callable[..., KioskWindow]) -> None:
    assert kiosk(pin=PinConfig(enabled=False)).pin_button.isHidden()
    door = kiosk(pin=PinConfig(enabled=True, face_and_pin=True))
    assert door.pin_button.isHidden()
    door.open_pin()
    assert step(door) is Step.CLOSED
    window = kiosk()
    window.on_camera(CameraStatus(CameraState.LOST, "gone", 2.0))
    assert window.pin_button.isHidden()


def test_a_face_that_needs_its_pin_opens_the_pad_for_that_person(
        kiosk: Callable[..., KioskWindow]) -> None:
    window = kiosk(pin=PinConfig(face_and_pin=True))
    sent = _sent(window)
    asked = _asked()
    window.on_update(_update(asked))
    assert step(window) is Step.PIN and window.pinpad.answers == asked
    assert window.screen_state is Screen.PIN
    assert "Dana Whitfield" in window.pinpad.prompt.full_text()
    _type(window, "482915")
    window.pinpad.press(OK)
    assert [(e.pin, e.answers) for e in sent] == [("482915", asked)]
    granted = Decision(Outcome.GRANTED, AT, asked.match, credential=Credential.FACE_AND_PIN)
    window.on_update(_update(granted))
    assert step(window) is Step.CLOSED and screen(window) is Screen.GRANTED


def test_a_pin_result_closes_the_pad_and_says_why(kiosk: Callable[..., KioskWindow]) -> None:
    window = kiosk()
    window.open_pin()
    refused = Decision(Outcome.DENIED, AT, None, reason=DenyReason.PIN_LOCKED,
                       credential=Credential.PIN)
    window.on_update(_update(refused))
    assert step(window) is Step.CLOSED
    assert window.screen_state is Screen.DENIED and "locked" in window.subtitle.text()


def test_a_face_decision_leaves_a_pin_alone_entry_open(kiosk: Callable[..., KioskWindow]
                                                        ) -> None:
    window = kiosk()
    window.open_pin()
    _type(window, "10")
    unknown = Decision(Outcome.UNKNOWN, AT, Match(None, None, 0.2, 0.1))
    window.on_update(_update(unknown))
    assert step(window) is Step.NUMBER and window.pinpad.display.text() == "10"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory.mktemp("pin-screens"))


def _buttons(window: KioskWindow) -> list[QPushButton]:
    """The buttons a finger can reach: the keypad's while it covers the kiosk."""
    top = window.pinpad if window.pinpad.isVisible() else window
    return [b for b in top.findChildren(QPushButton) if b.isVisible()]


def _check(window: KioskWindow, size: tuple[int, int], name: str, folder: Path) -> None:
    settle()
    problems = outside(window)
    assert not problems, f"{name} at {size}: " + "; ".join(problems)
    assert window.size() == QSize(*size)
    boxes = [(b, QRect(b.mapTo(window, QPoint(0, 0)), b.size())) for b in _buttons(window)]
    for button, box in boxes:
        assert window.rect().contains(box), f"{name}: {button.text()} {box} outside"
        assert min(box.width(), box.height()) >= MIN_KEY_PX, f"{button.text()} is {box}"
        fits = button.fontMetrics().horizontalAdvance(button.text()) <= box.width()
        assert fits, f"{name}: {button.text()!r} wider than its key"
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1:]:
            assert not a.intersects(b), f"{name}: {first.text()} overlaps {second.text()}"
    assert window.grab().save(str(folder / f"{name}-{size[0]}x{size[1]}.png"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_keypad_and_its_button_fit_every_screen(kiosk: Callable[..., KioskWindow],
                                                    shots: Path, size: tuple[int, int]) -> None:
    window = kiosk(*size)
    _check(window, size, "use-pin", shots)
    window.open_pin()
    _type(window, "1001")
    _check(window, size, "pin-number", shots)
    window.on_update(_update(_asked()))
    _type(window, "4829")
    _check(window, size, "pin-face", shots)
    keys = [window.pinpad.keys[k] for k in "0123456789"]
    assert min(k.height() for k in keys) >= size[1] * 0.06  # large, whatever the screen


def test_the_german_keypad_fits_1280x800(kiosk: Callable[..., KioskWindow],
                                         shots: Path) -> None:
    assert i18n.install("de") == "de"
    try:
        window = kiosk(1280, 800)
        window.pin_button.setText(window.tr("Use PIN"))
        _check(window, (1280, 800), "de-use-pin", shots)
        window.on_update(_update(_asked()))
        _check(window, (1280, 800), "de-pin-face", shots)
        assert window.pinpad.title.full_text() == "PIN eingeben"
    finally:
        i18n.install("en")


def test_no_pin_button_when_the_banner_greets(kiosk: Callable[..., KioskWindow]) -> None:
    window = kiosk()
    granted = Decision(Outcome.GRANTED, AT, Match(1, "Dana", 0.8, 0.2))
    window.on_update(KioskUpdate(granted, True, (Box(1, 1, 50, 50),), None, (640, 480)))
    assert window.pin_button.isHidden()
    assert Qt.FocusPolicy.NoFocus == window.pin_button.focusPolicy()
