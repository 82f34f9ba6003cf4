"""The kiosk as a reader of an access panel: libosdp's control panel decides what it shows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.access.osdp_panel import GREEN, RED, Panel, socket_pair, wait_until
from tests.gui.kiosk_fixtures import blank_folder, enrol_from_clip
from tests.gui.test_kiosk import WAIT_MS, clip
from turnstile.access.osdpdoor import OsdpDoor
from turnstile.cards import decode
from turnstile.config import Config, KioskConfig, LivenessConfig
from turnstile.config import replace as config_replace
from turnstile.configlinks import OsdpConfig
from turnstile.gui.app import Kiosk
from turnstile.gui.kiosk import KioskWindow, Screen
from turnstile.store.sqlite import SQLiteStore
from turnstile.vision.engine import Engine

KEY = bytes(range(16, 32))
ADDRESS = 3
CARD = 4242


@pytest.fixture
def site(engine: Engine, db_path: Path) -> Path:
    """Dana enrolled from the clip, with her card number."""
    enrol_from_clip(engine, clip(), "Dana Whitfield", db_path)
    store = SQLiteStore.open(db_path)
    [dana] = store.people.all()
    store.people.set_credential(dana.id, CARD)
    store.close()
    return db_path


@pytest.fixture
def run_kiosk(qtbot: QtBot, config: Config, engine: Engine,
              site: Path) -> Iterator[object]:
    started: list[tuple[Kiosk, OsdpDoor, Panel | None]] = []

    def start(answer: int | None, with_panel: bool = True,
              source: str = "") -> tuple[Kiosk, Panel | None]:
        settings = OsdpConfig(port="test", address=ADDRESS, facility_code=17,
                              grant_timeout_s=3.0)
        reader_end, panel_end = socket_pair()
        door = OsdpDoor(reader_end, settings, KEY)
        panel = Panel(panel_end, ADDRESS, KEY, lambda _bits: answer) if with_panel else None
        if panel is not None:
            assert wait_until(lambda: door.status.secure and panel.secure())
        cfg = config_replace(config, kiosk=KioskConfig(result_s=30.0, fullscreen=False),
                             liveness=LivenessConfig(motion=False), osdp=settings)
        kiosk = Kiosk(cfg, site, source or clip().as_posix(), engine=engine, door=door)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(1024, 700)
        kiosk.window.show()
        kiosk.start()
        started.append((kiosk, door, panel))
        return kiosk, panel

    yield start
    for kiosk, door, panel in started:
        kiosk.stop()
        if panel is not None:
            panel.close()
        door.close()


def door_column(db: Path) -> list[tuple[str, str | None, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT outcome, reason, door FROM events WHERE person_id IS NOT NULL"
                            " OR reason IS NOT NULL ORDER BY id").fetchall()


def test_welcome_only_when_the_panel_lights_green(run_kiosk: object, site: Path,
                                                  qtbot: QtBot) -> None:
    kiosk, panel = run_kiosk(GREEN)  # type: ignore[operator]
    window = kiosk.window
    qtbot.waitUntil(lambda: window.screen_state is Screen.GRANTED, timeout=WAIT_MS)
    assert window.title.text() == "Welcome, Dana Whitfield"
    assert panel is not None and decode("h10301", panel.reads[0]) == (17, CARD)
    outcome, reason, door = door_column(site)[0]
    assert (outcome, reason) == ("granted", None) and "access panel granted (green LED)" in door


def test_a_red_led_is_a_refusal_on_screen_and_in_the_log(run_kiosk: object, site: Path,
                                                         qtbot: QtBot) -> None:
    kiosk, panel = run_kiosk(RED)  # type: ignore[operator]
    window = kiosk.window
    qtbot.waitUntil(lambda: window.screen_state is Screen.DENIED, timeout=WAIT_MS)
    assert window.title.text() == "Access denied"
    assert "access control system refused" in window.subtitle.text()
    assert door_column(site)[0][:2] == ("denied", "panel_denied")
    assert panel is not None and len(panel.reads) == 1


def test_a_panel_that_does_not_answer_refuses(run_kiosk: object, site: Path,
                                              qtbot: QtBot) -> None:
    kiosk, panel = run_kiosk(None)  # type: ignore[operator]
    window = kiosk.window
    qtbot.waitUntil(lambda: window.screen_state is Screen.DENIED, timeout=WAIT_MS)
    assert "did not answer" in window.subtitle.text()
    assert panel is not None and len(panel.reads) == 1
    outcome, reason, door = door_column(site)[0]
    assert (outcome, reason) == ("denied", "panel_no_answer")
    assert "no answer from the access panel within 3 s" in door


def test_no_panel_shows_offline_and_refuses(run_kiosk: object, site: Path,
                                            qtbot: QtBot) -> None:
    kiosk, _ = run_kiosk(GREEN, with_panel=False)  # type: ignore[operator]
    window = kiosk.window
    qtbot.waitUntil(lambda: "offline" in window.detail.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.screen_state is Screen.DENIED, timeout=WAIT_MS)
    assert "access control system is offline" in window.detail.text()
    outcome, reason, door = door_column(site)[0]
    assert (outcome, reason) == ("denied", "panel_no_answer") and "offline" in door


def test_a_lost_camera_is_reported_as_tamper(run_kiosk: object, tmp_path: Path,
                                             qtbot: QtBot) -> None:
    folder = tmp_path / "camera"
    kiosk, panel = run_kiosk(GREEN, source=folder.as_posix())  # type: ignore[operator]
    assert panel is not None
    qtbot.waitUntil(lambda: kiosk.window.screen_state is Screen.CAMERA_LOST, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: b"\x01\x00" in panel.statuses, timeout=WAIT_MS)
    blank_folder(folder)  # the camera is back: tamper cleared
    qtbot.waitUntil(lambda: panel.statuses[-1:] == [b"\x00\x00"], timeout=WAIT_MS)


def test_the_panels_buzzer_sounds_on_the_kiosk(qtbot: QtBot) -> None:
    played: list[str] = []

    class Speaker:
        def play(self, name: str) -> None:
            played.append(name)

        def say(self, text: str) -> None:
            pass

    window = KioskWindow(KioskConfig(fullscreen=False), feedback=Speaker())
    qtbot.addWidget(window)
    window.on_beep()
    assert played == ["denied"]
