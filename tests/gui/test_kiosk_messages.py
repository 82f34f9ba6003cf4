"""The kiosk's wording for refusals: every deny reason gets its own visitor-readable line."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from turnstile.config import KioskConfig
from turnstile.gui.kiosk import KioskWindow, Screen, message_for
from turnstile.gui.worker import KioskUpdate
from turnstile.types import Box, Decision, DenyReason, Match, Outcome


def _denied(reason: DenyReason) -> KioskUpdate:
    decision = Decision(Outcome.DENIED, datetime(2026, 3, 2, 9), Match(1, "Alice", 0.8, 0.1),
                        reason=reason)
    return KioskUpdate(decision, True, (), None, (640, 480))


@pytest.mark.parametrize("reason", [r for r in DenyReason if r is not DenyReason.DOOR_FAILED])
def test_each_refusal_has_its_own_text(reason: DenyReason) -> None:
    message = message_for(_denied(reason))
    assert message is not None and message.screen is Screen.DENIED
    others = {r: message_for(_denied(r)) for r in DenyReason if r is not reason}
    assert all(m is None or m.subtitle != message.subtitle for m in others.values())


def test_an_unrecorded_grant_says_the_door_stays_shut() -> None:
    message = message_for(_denied(DenyReason.NOT_RECORDED))
    assert message is not None and message.screen is Screen.DENIED
    assert message.title == "Entries cannot be recorded"
    assert "door stays shut" in message.subtitle and "Alice" not in message.title


def test_not_in_group_names_the_door() -> None:
    message = message_for(_denied(DenyReason.NOT_IN_GROUP))
    assert message is not None and "this door" in message.subtitle


def _unknown(face: Box, enrolled: int = 5) -> KioskUpdate:
    decision = Decision(Outcome.UNKNOWN, datetime(2026, 3, 2, 9), Match(None, None, 0.3, 0.1))
    return KioskUpdate(decision, True, (face,), face, (640, 480), enrolled=enrolled)


def test_a_small_face_in_the_background_is_asked_closer_not_refused() -> None:
    far = message_for(_unknown(Box(500, 40, 40, 48)))  # someone across the room
    near = message_for(_unknown(Box(220, 120, 180, 220)))  # the person at the kiosk
    assert far is not None and far.screen is Screen.HINT and far.title == "Please come closer"
    assert near is not None and near.screen is Screen.UNKNOWN


def test_not_recognised_says_how_to_try_again() -> None:
    message = message_for(_unknown(Box(220, 120, 180, 220)), cooldown_s=8.0)
    assert message is not None
    assert "Step out of view for 8 seconds" in message.subtitle
    assert "Live face" not in message.title and "reception" in message.subtitle
    quick = message_for(_unknown(Box(220, 120, 180, 220)), cooldown_s=0.0)
    assert quick is not None and quick.subtitle.startswith("Step back and look at the camera")


def test_an_empty_gallery_guides_the_installer_instead_of_refusing(qtbot: QtBot) -> None:
    window = KioskWindow(KioskConfig(result_s=5.0))
    qtbot.addWidget(window)
    window.on_update(_unknown(Box(220, 120, 180, 220), enrolled=0))
    assert window.screen_state is Screen.FIRST_RUN
    assert "turnstile accounts create" in window.subtitle.full_text()
    window.on_update(_unknown(Box(220, 120, 180, 220), enrolled=1))  # someone was enrolled
    assert state(window) is Screen.UNKNOWN


def state(window: KioskWindow) -> Screen:
    return window.screen_state  # read afresh (mypy narrows a repeated attribute read)
