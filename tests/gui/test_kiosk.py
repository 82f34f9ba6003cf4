"""The kiosk screen driven by real file sources through the real worker thread."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from tests.conftest import dataset
from tests.gui.kiosk_fixtures import blank_folder, enrol_from_clip
from tests.links.conftest import Receiver, private
from turnstile.access.door import SimulatedDoor
from turnstile.config import Config, KioskConfig, LivenessConfig
from turnstile.config import replace as config_replace
from turnstile.configlinks import WebhookConfig
from turnstile.gui.app import Kiosk
from turnstile.gui.kiosk import ADMIN_CORNER_PX, ADMIN_TAPS, KioskWindow, Screen
from turnstile.gui.worker import KioskUpdate
from turnstile.types import Box, Decision, DenyReason, Match, Outcome, PendingReason
from turnstile.vision.engine import Engine

WAIT_MS = 30_000


def clip(name: str = "1zlab_face") -> Path:
    return dataset("videos", f"{name}.mp4")


@pytest.fixture
def make_kiosk(qtbot: QtBot, config: Config, engine: Engine,
               db_path: Path) -> Iterator[object]:
    kiosks: list[Kiosk] = []

    def make(source: str, result_s: float = 3.0) -> Kiosk:
        # These tests are about what the screen shows; the liveness check, which refuses a few
        # percent of real presentations by design, is driven by test_liveness_kiosk.py.
        cfg = config_replace(config, kiosk=KioskConfig(result_s=result_s, fullscreen=False),
                      liveness=LivenessConfig(motion=False))
        kiosk = Kiosk(cfg, db_path, source, engine=engine, door=SimulatedDoor())
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(1024, 700)
        kiosk.window.show()
        kiosk.start()
        kiosks.append(kiosk)
        return kiosk

    yield make
    for kiosk in kiosks:
        kiosk.stop()


def test_granted_shows_the_name_and_picture(make_kiosk: object, engine: Engine,
                                            db_path: Path, qtbot: QtBot) -> None:
    enrol_from_clip(engine, clip(), "Dana Whitfield", db_path)
    kiosk = make_kiosk(clip().as_posix(), result_s=1.0)  # type: ignore[operator]
    window = kiosk.window
    qtbot.waitUntil(lambda: window.screen_state is Screen.GRANTED, timeout=WAIT_MS)
    assert window.title.text() == "Welcome, Dana Whitfield"
    assert not window.thumbnail.isHidden()
    assert window.banner.property("state") == "granted"
    # The result clears after kiosk.result_s although the person is still in view.
    qtbot.waitUntil(lambda: window.screen_state is Screen.IDLE, timeout=WAIT_MS)


def test_the_kiosk_sends_its_decisions_in_the_background(
        qtbot: QtBot, config: Config, engine: Engine, db_path: Path, tmp_path: Path) -> None:
    """The real pipeline (record, then open the door) through the kiosk's delivery thread:
    the grant goes out once, after the door answered."""
    enrol_from_clip(engine, clip(), "Dana Whitfield", db_path)
    receiver = Receiver()
    hook = WebhookConfig(url=f"http://127.0.0.1:{receiver.port}/hook",
                         secret_file=private(tmp_path / "hook.key", "k"), retry_max_s=1.0)
    cfg = config_replace(config, kiosk=KioskConfig(result_s=1.0, fullscreen=False),
                         liveness=LivenessConfig(motion=False),
                         events=config_replace(config.events, webhook=hook))
    kiosk = Kiosk(cfg, db_path, clip().as_posix(), engine=engine, door=SimulatedDoor())
    qtbot.addWidget(kiosk.window)
    kiosk.start()
    try:
        qtbot.waitUntil(lambda: bool(receiver.accepted()), timeout=WAIT_MS)
    finally:
        kiosk.stop()
        receiver.close()
    event = json.loads(receiver.accepted()[0].body)
    assert (event["outcome"], event["person"]["name"]) == ("granted", "Dana Whitfield")
    assert event["door"]["result"] == "opened"
    ids = [json.loads(r.body)["id"] for r in receiver.accepted()]
    assert len(ids) == len(set(ids))


def test_someone_not_enrolled_is_unknown(make_kiosk: object, engine: Engine,
                                         db_path: Path, qtbot: QtBot) -> None:
    enrol_from_clip(engine, clip("1zlab_face"), "Someone Else", db_path)
    window = make_kiosk(clip("instant_high_face").as_posix()).window  # type: ignore[operator]
    qtbot.waitUntil(lambda: window.screen_state is Screen.UNKNOWN, timeout=WAIT_MS)
    assert window.title.text() == "Not recognised"
    assert "Someone Else" not in window.subtitle.text()
    assert window.thumbnail.isHidden()


def test_empty_corridor_is_idle(make_kiosk: object, tmp_path: Path, qtbot: QtBot) -> None:
    folder = blank_folder(tmp_path / "corridor")
    window = make_kiosk(folder.as_posix()).window  # type: ignore[operator]
    assert window.screen_state is Screen.STARTING
    qtbot.waitUntil(lambda: window.screen_state is Screen.IDLE, timeout=WAIT_MS)
    assert window.title.text() == "Please look at the camera"


def test_missing_camera_shows_lost_and_recovers(make_kiosk: object, tmp_path: Path,
                                                qtbot: QtBot) -> None:
    folder = tmp_path / "camera"
    window = make_kiosk(folder.as_posix()).window  # type: ignore[operator]
    qtbot.waitUntil(lambda: window.screen_state is Screen.CAMERA_LOST, timeout=WAIT_MS)
    assert window.title.text() == "Camera unavailable"
    blank_folder(folder)  # the camera comes back: the kiosk reconnects by itself
    qtbot.waitUntil(lambda: window.screen_state is Screen.IDLE, timeout=WAIT_MS)


def test_camera_removed_mid_run(make_kiosk: object, tmp_path: Path, qtbot: QtBot) -> None:
    folder = blank_folder(tmp_path / "camera", count=200)
    window = make_kiosk(folder.as_posix()).window  # type: ignore[operator]
    qtbot.waitUntil(lambda: window.screen_state is Screen.IDLE, timeout=WAIT_MS)
    shutil.rmtree(folder)
    qtbot.waitUntil(lambda: window.screen_state is Screen.CAMERA_LOST, timeout=WAIT_MS)


def state(window: KioskWindow) -> Screen:
    """The screen's state, read afresh (a plain attribute read would be narrowed by mypy)."""
    return window.screen_state


def update(outcome: Outcome, reason: DenyReason | None = None, detail: str = "",
           pending: PendingReason | None = None) -> KioskUpdate:
    decision = Decision(outcome, datetime(2026, 3, 2, 9), Match(1, "Dana", 0.8, 0.1),
                        reason=reason, detail=detail, pending=pending)
    return KioskUpdate(decision, True, (Box(10, 10, 100, 100),), Box(10, 10, 100, 100),
                       (640, 480))


@pytest.mark.parametrize(("outcome", "reason", "title", "words"), [
    (Outcome.DENIED, DenyReason.EXPIRED, "Access denied", "expired"),
    (Outcome.DENIED, DenyReason.OUT_OF_SCHEDULE, "Access denied", "at this time"),
    (Outcome.DENIED, DenyReason.DOOR_FAILED, "The door did not open", "try again"),
    (Outcome.SPOOF, None, "Please try again", "Step out of view for 5 seconds"),
    (Outcome.ALARM, None, "Please try again", "Step out of view for 5 seconds"),
    (Outcome.DENIED, DenyReason.SUSPENDED, "Access denied", "suspended"),
])
def test_refusals_say_why_in_plain_words(qtbot: QtBot, outcome: Outcome,
                                         reason: DenyReason | None, title: str,
                                         words: str) -> None:
    window = KioskWindow(KioskConfig(result_s=5.0))
    qtbot.addWidget(window)
    window.on_update(update(outcome, reason, detail="relay: timed out"))
    assert window.screen_state in (Screen.DENIED, Screen.SPOOF)
    assert window.title.text() == title
    assert words in window.subtitle.text()
    assert "Dana" not in window.title.text()
    assert "relay" not in window.subtitle.text()  # no internals on screen


def test_one_at_a_time_and_hints_do_not_cut_a_result_short(qtbot: QtBot) -> None:
    window = KioskWindow(KioskConfig(result_s=5.0))
    qtbot.addWidget(window)
    crowd = replace(update(Outcome.MULTIPLE_FACES), final=False)
    window.on_update(crowd)
    assert state(window) is Screen.ONE_AT_A_TIME
    window.on_update(update(Outcome.GRANTED))
    window.on_update(crowd)
    assert state(window) is Screen.GRANTED
    window.show_idle()
    hint = replace(update(Outcome.PENDING, pending=PendingReason.MOVE_HEAD), final=False)
    window.on_update(hint)
    assert window.title.text() == "Move your head a little"


def test_a_spoof_keeps_saying_what_to_do_while_the_refusal_holds(qtbot: QtBot) -> None:
    window = KioskWindow(KioskConfig(result_s=5.0))
    qtbot.addWidget(window)
    window.on_update(update(Outcome.SPOOF))
    assert state(window) is Screen.SPOOF
    assert window.title.text() != "Access denied"  # not a matter of access rights
    retry = replace(update(Outcome.PENDING, pending=PendingReason.STEP_OUT), final=False)
    window.show_idle()  # the result's time is up, the person is still in view
    window.on_update(retry)
    assert state(window) is Screen.SPOOF
    assert "Step out of view for 5 seconds" in window.subtitle.text()
    # Once they have stepped out, the screen asks the next person to look at the camera.
    window.on_update(replace(update(Outcome.NO_FACE), final=False))
    assert state(window) is Screen.IDLE


def test_hidden_admin_gestures(qtbot: QtBot) -> None:
    bot: Any = qtbot  # pytest-qt's input helpers are untyped
    window = KioskWindow(KioskConfig())
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.admin_requested, timeout=2000):
        for _ in range(ADMIN_TAPS):
            bot.mouseClick(window, Qt.MouseButton.LeftButton,
                             pos=QPoint(ADMIN_CORNER_PX // 2, ADMIN_CORNER_PX // 2))
    with qtbot.assertNotEmitted(window.admin_requested):
        for _ in range(ADMIN_TAPS):
            bot.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    with qtbot.waitSignal(window.admin_requested, timeout=2000):
        bot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    bot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_video_preview_paints_frames(qtbot: QtBot) -> None:
    from turnstile.gui.qimage import to_qimage

    window = KioskWindow(KioskConfig())
    qtbot.addWidget(window)
    window.resize(640, 480)
    frame = np.zeros((120, 160, 3), np.uint8)
    frame[:, :, 2] = 255  # pure red in BGR
    image = to_qimage(frame)
    assert image.pixelColor(5, 5).red() == 255 and image.pixelColor(5, 5).blue() == 0
    window.on_preview(image)
    window.on_update(update(Outcome.GRANTED))
    grabbed = window.video.grab().toImage()
    centre = grabbed.pixelColor(grabbed.width() // 2, grabbed.height() // 2)
    assert centre.red() > 200 and centre.green() < 60


@pytest.mark.slow
def test_granted_screen_renders_under_xvfb(engine: Engine, db_path: Path,
                                           tmp_path: Path) -> None:
    """Writes granted.png under the test's tmp_path for a person to look at (never commit it:
    it shows a face from the research clips)."""
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed")
    enrol_from_clip(engine, clip(), "Dana Whitfield", db_path)
    target = tmp_path / "granted.png"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    script = Path(__file__).with_name("render_granted.py")
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, str(script),
         str(db_path), str(clip()), str(target)],
        capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert target.stat().st_size > 10_000
    print(f"granted screen written to {target}")



def test_out_of_service_tooltip_hides_a_stream_password(qtbot: QtBot) -> None:
    window = KioskWindow(KioskConfig())
    qtbot.addWidget(window)
    window.on_failed("cannot open rtsp://admin:hunter2@10.0.0.5/stream: refused")
    assert "hunter2" not in window.toolTip() and "rtsp://***@10.0.0.5/stream" in window.toolTip()
