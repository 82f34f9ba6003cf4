"""Sounds and the spoken greeting: played on results, and a clear warning where Qt cannot."""

from __future__ import annotations

import logging
import sys
from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from turnstile.config import KioskConfig
from turnstile.gui import feedback
from turnstile.gui.feedback import Feedback
from turnstile.gui.kiosk import KioskWindow
from turnstile.gui.worker import KioskUpdate
from turnstile.types import Box, Decision, DenyReason, Match, Outcome


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def play(self, name: str) -> None:
        self.calls.append(("play", name))

    def say(self, text: str) -> None:
        self.calls.append(("say", text))


def _final(outcome: Outcome, reason: DenyReason | None = None) -> KioskUpdate:
    box = Box(200, 100, 200, 200)
    return KioskUpdate(Decision(outcome, datetime(2026, 3, 2, 9), Match(1, "Dana", 0.8, 0.2),
                                reason=reason), True, (box,), box, (640, 480), enrolled=3)


def test_results_are_played_and_a_grant_is_spoken(qtbot: QtBot) -> None:
    recorder = Recorder()
    window = KioskWindow(KioskConfig(sounds=True, speak=True), feedback=recorder)
    qtbot.addWidget(window)
    window.on_update(_final(Outcome.GRANTED))
    window.show_idle()
    window.on_update(_final(Outcome.DENIED, DenyReason.EXPIRED))
    assert recorder.calls == [("play", "granted"), ("say", "Welcome, Dana"),
                              ("play", "denied")]


@pytest.mark.parametrize(("module", "words"), [("QtMultimedia", "Qt Multimedia"),
                                               ("QtTextToSpeech", "text-to-speech")])
def test_missing_qt_module_is_a_warning_not_a_crash(monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture,
                                                    module: str, words: str) -> None:
    monkeypatch.setitem(sys.modules, f"PySide6.{module}", None)  # import raises ImportError
    with caplog.at_level(logging.WARNING, logger=feedback.__name__):
        announcer = Feedback(sounds=True, speak=True)
    assert not announcer.sounds_on if module == "QtMultimedia" else not announcer.speech_on
    assert any(words in r.getMessage() for r in caplog.records)
    announcer.play("granted")  # silently nothing
    announcer.say("Welcome")


def test_sounds_load_where_qt_multimedia_does(qtbot: QtBot) -> None:
    available, why = feedback.sounds_available()
    if not available:
        pytest.skip(f"Qt Multimedia does not load on this machine: {why}")
    assert Feedback(sounds=True, speak=False).sounds_on


def test_nothing_loads_when_both_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    monkeypatch.setitem(sys.modules, "PySide6.QtTextToSpeech", None)
    quiet = Feedback(sounds=False, speak=False)
    assert not quiet.sounds_on and not quiet.speech_on
