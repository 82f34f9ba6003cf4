"""Screenshot tests: every kiosk screen fits 1920x1080, 1280x800 and portrait 800x1280.

Each screen is rendered offscreen (no display needed), checked (every label and its text
inside the window, the window never wider than asked), and saved as a PNG: the path is
printed (`pytest -s`), or set $TURNSTILE_SCREENSHOTS to keep them in a folder of your choice.
The person on the video is drawn (tests/gui/screens.py), nobody's real face.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.screens import FACE, jpeg, outside, person, screenshot_dir
from turnstile.access.pipeline import CameraState, CameraStatus
from turnstile.config import KioskConfig
from turnstile.gui import i18n
from turnstile.gui.kiosk import KioskWindow, Screen, Sizes
from turnstile.gui.worker import KioskUpdate
from turnstile.types import Box, Decision, DenyReason, Match, Outcome

SIZES = [(1920, 1080), (1280, 800), (800, 1280)]
#: 45 characters with a hyphenated double name: the case that once widened the kiosk to 3036 px.
LONG_NAME = "Maria-Theresia Schwarzenberg-Hohenlohe-Bayern"
#: No space or hyphen to wrap at: only shrinking and eliding can fit it.
UNBREAKABLE = "Wolfeschlegelsteinhausenbergerdorffvoraltern"
AT = datetime(2026, 3, 2, 9, 5)


def _update(outcome: Outcome, *, name: str = "", reason: DenyReason | None = None,
            final: bool = True, enrolled: int = 12, face: Box = FACE,
            thumbnail: bytes | None = None) -> KioskUpdate:
    match = Match(1, name or None, 0.82, 0.31)
    return KioskUpdate(Decision(outcome, AT, match, reason=reason), final, (face,), face,
                       (640, 480), thumbnail, enrolled=enrolled)


def _thumbnail() -> bytes:
    return jpeg(person().copy(int(FACE.x) - 20, int(FACE.y) - 20, int(FACE.w) + 40,
                              int(FACE.h) + 40))


SCREENS: dict[str, Callable[[KioskWindow], None]] = {
    "idle": lambda w: w.show_idle(),
    "granted": lambda w: w.on_update(_update(Outcome.GRANTED, name=LONG_NAME,
                                             thumbnail=_thumbnail())),
    "denied": lambda w: w.on_update(_update(Outcome.DENIED, name="Dana Whitfield",
                                            reason=DenyReason.OUT_OF_SCHEDULE)),
    "spoof": lambda w: w.on_update(_update(Outcome.SPOOF, name="Dana Whitfield")),
    "camera_lost": lambda w: w.on_camera(CameraStatus(CameraState.LOST, "gone", 8.0)),
    "first_run": lambda w: w.on_update(_update(Outcome.NO_FACE, final=False, enrolled=0)),
    "out_of_service": lambda w: w.on_failed(
        "serial relay /dev/ttyUSB0: could not open port /dev/ttyUSB0: [Errno 2] No such file "
        "or directory: '/dev/ttyUSB0'"),
}
EXPECTED = {"idle": Screen.IDLE, "granted": Screen.GRANTED, "denied": Screen.DENIED,
            "spoof": Screen.SPOOF, "camera_lost": Screen.CAMERA_LOST,
            "first_run": Screen.FIRST_RUN, "out_of_service": Screen.CAMERA_LOST}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = screenshot_dir(tmp_path_factory.mktemp("kiosk-screens"))
    print(f"\nkiosk screenshots: {folder}")
    return folder


@pytest.fixture
def kiosk(qtbot: QtBot) -> Iterator[Callable[[int, int], KioskWindow]]:
    def make(width: int, height: int) -> KioskWindow:
        window = KioskWindow(KioskConfig(result_s=30.0))
        qtbot.addWidget(window)
        window.resize(width, height)
        window.show()
        qtbot.waitExposed(window)
        window.on_camera(CameraStatus(CameraState.RUNNING))
        window.on_preview(person())
        window.video.set_boxes((FACE,), FACE, Qt.GlobalColor.white)  # type: ignore[arg-type]
        return window

    yield make


def settle() -> None:
    for _ in range(3):  # label refits post layout requests, which post resizes
        QApplication.processEvents()


def check(window: KioskWindow, size: tuple[int, int], name: str, folder: Path) -> Path:
    settle()
    problems = outside(window)
    assert not problems, f"{name} at {size}: " + "; ".join(problems)
    assert window.size() == QSize(*size), f"{name} resized the window to {window.size()}"
    assert window.minimumSizeHint().width() <= size[0]
    assert window.minimumSize().width() <= size[0]
    # The camera picture keeps a useful share of the screen whatever the banner says.
    assert window.video.height() >= size[1] * 0.3, f"{name}: video {window.video.height()} px"
    path = folder / f"{name}-{size[0]}x{size[1]}.png"
    assert window.grab().save(str(path))
    return path


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits(kiosk: Callable[[int, int], KioskWindow], shots: Path,
                           size: tuple[int, int]) -> None:
    window = kiosk(*size)
    for name, show in SCREENS.items():
        show(window)
        assert window.screen_state is EXPECTED[name]
        path = check(window, size, name, shots)
        assert path.stat().st_size > 5_000
    granted = SCREENS["granted"]
    granted(window)
    settle()
    assert window.title.full_text() == f"Welcome, {LONG_NAME}"
    assert window.title.text() == window.title.full_text()  # wrapped, not cut
    assert not window.thumbnail.isHidden()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_returning_to_idle_restores_the_layout(kiosk: Callable[[int, int], KioskWindow],
                                               size: tuple[int, int]) -> None:
    window = kiosk(*size)
    window.show_idle()
    settle()
    before = (window.title.geometry(), window.title.font().pixelSize(), window.video.geometry())
    window.on_update(_update(Outcome.GRANTED, name=LONG_NAME, thumbnail=_thumbnail()))
    settle()
    window.show_idle()  # what the result timer does
    settle()
    after = (window.title.geometry(), window.title.font().pixelSize(), window.video.geometry())
    assert after == before
    assert window.size() == QSize(*size)


def test_a_name_without_breaks_is_shrunk_then_elided(kiosk: Callable[[int, int], KioskWindow],
                                                      shots: Path) -> None:
    window = kiosk(800, 1280)
    window.on_update(_update(Outcome.GRANTED, name=UNBREAKABLE + UNBREAKABLE))
    check(window, (800, 1280), "granted-unbreakable", shots)
    sizes = Sizes.for_window(800, 1280)
    assert window.title.font().pixelSize() < sizes.title_px
    assert window.title.text().endswith("\u2026")


def test_sizes_follow_the_screen() -> None:
    big, small, portrait = (Sizes.for_window(*s) for s in SIZES)
    assert big.title_px > small.title_px
    assert portrait.title_px == small.title_px  # the shorter side sets the scale
    assert portrait.title_lines > small.title_lines


def test_camera_lost_clears_the_frozen_frame(kiosk: Callable[[int, int], KioskWindow]) -> None:
    window = kiosk(1280, 800)
    assert window.video.has_image
    window.on_camera(CameraStatus(CameraState.LOST, "gone", 2.0))
    assert not window.video.has_image
    image = window.video.grab().toImage()
    centre = image.pixelColor(image.width() // 2, image.height() // 2)
    assert (centre.red(), centre.green(), centre.blue()) == (0x10, 0x14, 0x18)


def test_right_to_left_mirrors_the_banner(kiosk: Callable[[int, int], KioskWindow],
                                          shots: Path) -> None:
    window = kiosk(1280, 800)
    window.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    SCREENS["denied"](window)
    check(window, (1280, 800), "denied-rtl", shots)
    title_left = window.title.mapTo(window, QPoint(0, 0)).x()
    title_right = title_left + window.title.width()
    assert window.icon.mapTo(window, QPoint(0, 0)).x() >= title_right
    assert window.clock.mapTo(window, QPoint(window.clock.width(), 0)).x() <= title_left


def test_german_kiosk_fits_1280x800(kiosk: Callable[[int, int], KioskWindow],
                                    shots: Path) -> None:
    assert i18n.install("de") == "de"
    try:
        window = kiosk(1280, 800)
        for name, show in SCREENS.items():
            show(window)
            check(window, (1280, 800), f"de-{name}", shots)
        SCREENS["spoof"](window)
        assert window.title.full_text() == "Bitte noch einmal"
    finally:
        i18n.install("en")
