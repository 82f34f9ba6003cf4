"""The kiosk says what the light is doing and turns its screen into a fill light."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from turnstile.config import KioskConfig
from turnstile.gui.kiosk import KioskWindow, Screen, message_for
from turnstile.gui.worker import KioskUpdate
from turnstile.types import Box, Decision, Match, Outcome, PendingReason
from turnstile.vision.light import FillLight, LightHint

FACE = Box(200, 120, 160, 200)


def frame(outcome: Outcome, light: LightHint, faces: bool = True,
          pending: PendingReason | None = None) -> KioskUpdate:
    match = Match(1, "Dana", 0.5, 0.1) if outcome is Outcome.PENDING else None
    decision = Decision(outcome, datetime(2026, 3, 2, 9), match, pending=pending)
    boxes = (FACE,) if faces else ()
    return KioskUpdate(decision, False, boxes, FACE if faces else None, (640, 480), light=light)


@pytest.mark.parametrize(("outcome", "faces"), [(Outcome.NO_FACE, False),
                                                (Outcome.PENDING, True),
                                                (Outcome.TOO_SMALL, True)])
def test_dark_and_backlit_faces_get_their_own_words(outcome: Outcome, faces: bool) -> None:
    dark = message_for(frame(outcome, LightHint.TOO_DARK, faces))
    assert dark is not None and dark.screen is Screen.HINT
    assert dark.title == "Too dark: step closer to the screen"
    backlit = message_for(frame(outcome, LightHint.BACKLIT, faces))
    assert backlit is not None and backlit.title == "Strong light behind you"


def test_good_light_changes_nothing() -> None:
    assert message_for(frame(Outcome.NO_FACE, LightHint.OK, faces=False)) is None
    assert message_for(frame(Outcome.PENDING, LightHint.OK)) is None
    small = message_for(frame(Outcome.TOO_SMALL, LightHint.OK))
    assert small is not None and small.title == "Please come closer"


def test_a_liveness_prompt_wins_over_the_light() -> None:
    update = frame(Outcome.PENDING, LightHint.TOO_DARK, pending=PendingReason.MOVE_HEAD)
    message = message_for(update)
    assert message is not None and message.title == "Move your head a little"
    decided = frame(Outcome.PENDING, LightHint.TOO_DARK,
                    pending=PendingReason.RECENTLY_DECIDED)
    assert message_for(decided) is None  # the decision stays on screen


def test_fill_light_holds_while_the_face_stays_and_then_goes_out() -> None:
    fill = FillLight(hold_s=5.0)
    assert not fill.update(LightHint.OK, True, 0.0)
    assert fill.update(LightHint.TOO_DARK, True, 1.0)
    # Lit by the screen the face is no longer dark; the light must not flicker off.
    assert all(fill.update(LightHint.OK, True, 1.0 + i / 10) for i in range(300))
    assert fill.update(LightHint.OK, False, 34.0)  # the person left: held a little longer
    assert not fill.update(LightHint.OK, False, 36.0)
    assert fill.update(LightHint.BACKLIT, True, 37.0)


def state(window: KioskWindow) -> Screen:
    """Read afresh (a plain attribute read would be narrowed by mypy)."""
    return window.screen_state


def test_kiosk_shows_the_hint_and_lights_the_screen(qtbot: QtBot) -> None:
    window = KioskWindow(KioskConfig(result_s=5.0))
    qtbot.addWidget(window)
    window.show_idle()
    window.on_update(frame(Outcome.NO_FACE, LightHint.OK, faces=False))
    assert window.screen_state is Screen.IDLE and not window.video.filling
    window.on_update(frame(Outcome.PENDING, LightHint.TOO_DARK))
    assert state(window) is Screen.HINT and window.video.filling
    assert window.title.text() == "Too dark: step closer to the screen"
    window.on_update(replace(frame(Outcome.PENDING, LightHint.OK)))
    assert window.video.filling  # the face is in view: the fill light stays on
    window.on_update(frame(Outcome.NO_FACE, LightHint.BACKLIT, faces=False))
    assert window.title.text() == "Strong light behind you"
