"""The kiosk's wording for refusals: every deny reason gets its own visitor-readable line."""

from __future__ import annotations

from datetime import datetime

import pytest

from turnstile.gui.kiosk import Screen, message_for
from turnstile.gui.worker import KioskUpdate
from turnstile.types import Decision, DenyReason, Match, Outcome


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


def test_not_in_group_names_the_door() -> None:
    message = message_for(_denied(DenyReason.NOT_IN_GROUP))
    assert message is not None and "this door" in message.subtitle
