"""Sounds and a spoken greeting for the kiosk, where Qt's multimedia and speech modules load.

Both are optional extras of a kiosk: PySide6 ships them, but they need system audio libraries
(PulseAudio's libpulse on Linux) that a minimal kiosk PC may lack. A setting that asks for them
on such a PC logs one warning saying why and the kiosk carries on silently.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any, Protocol

from turnstile.gui.assets import sound_path

log = logging.getLogger(__name__)

SOUNDS = ("granted", "denied")


class Announcer(Protocol):
    """What the kiosk calls on a final result."""

    def play(self, name: str) -> None: ...

    def say(self, text: str) -> None: ...


def _module(name: str) -> tuple[Any, str]:
    """The PySide6 module `name`, or None and why it does not load here."""
    try:
        return importlib.import_module(f"PySide6.{name}"), ""
    except ImportError as exc:  # missing module or missing system library behind it
        return None, str(exc)


def sounds_available() -> tuple[bool, str]:
    """Whether Qt Multimedia loads on this machine, and the reason when it does not."""
    module, why = _module("QtMultimedia")
    return module is not None, why


def speech_available() -> tuple[bool, str]:
    """Whether Qt's text-to-speech loads and has an engine, and the reason when not."""
    module, why = _module("QtTextToSpeech")
    if module is None:
        return False, why
    if not module.QTextToSpeech.availableEngines():
        return False, "no text-to-speech engine is installed"
    return True, ""


class Feedback:
    """Plays the outcome sounds and speaks greetings, as far as this machine can."""

    def __init__(self, sounds: bool, speak: bool, language: str = "") -> None:
        self._effects: dict[str, Any] = {}
        self._speech: Any = None
        if sounds:
            self._load_sounds()
        if speak:
            self._load_speech(language)

    @property
    def sounds_on(self) -> bool:
        return bool(self._effects)

    @property
    def speech_on(self) -> bool:
        return self._speech is not None

    def _load_sounds(self) -> None:
        module, why = _module("QtMultimedia")
        if module is None:
            log.warning("kiosk.sounds is on but Qt Multimedia cannot load here (%s); "
                        "the kiosk stays silent", why)
            return
        from PySide6.QtCore import QUrl

        for name in SOUNDS:
            effect = module.QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(sound_path(name))))
            self._effects[name] = effect

    def _load_speech(self, language: str) -> None:
        available, why = speech_available()
        if not available:
            log.warning("kiosk.speak is on but text-to-speech is not available here (%s); "
                        "the kiosk greets in writing only", why)
            return
        from PySide6.QtCore import QLocale
        from PySide6.QtTextToSpeech import QTextToSpeech

        self._speech = QTextToSpeech()
        self._speech.setLocale(QLocale(language) if language else QLocale.system())

    def play(self, name: str) -> None:
        effect = self._effects.get(name)
        if effect is not None:
            effect.play()

    def say(self, text: str) -> None:
        if self._speech is not None:
            self._speech.say(text)
