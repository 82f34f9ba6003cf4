"""The kiosk's shipped assets: every icon renders, the stylesheet and sounds load."""

from __future__ import annotations

import wave

import pytest
from pytestqt.qtbot import QtBot

from turnstile.gui.assets import ICONS, icon, sound_path, stylesheet


@pytest.mark.parametrize("name", ICONS)
def test_icons_render(qtbot: QtBot, name: str) -> None:
    pixmap = icon(name, 64)
    image = pixmap.toImage()
    assert (image.width(), image.height()) == (64, 64)
    # The centre is painted (not transparent): the SVG really drew something.
    assert image.pixelColor(32, 32).alpha() == 255


def test_missing_icon_is_a_clear_error(qtbot: QtBot) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        icon("nope", 16)


def test_stylesheet_styles_every_screen_state() -> None:
    from turnstile.gui.kiosk import Screen

    sheet = stylesheet()
    for state in Screen:
        assert f'"{state.value}"' in sheet


@pytest.mark.parametrize("name", ["granted", "denied"])
def test_sounds_are_short_wav_files(name: str) -> None:
    with wave.open(str(sound_path(name))) as sound:
        seconds = sound.getnframes() / sound.getframerate()
    assert 0.1 < seconds < 1.0
