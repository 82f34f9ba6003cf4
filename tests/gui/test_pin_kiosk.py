"""PINs at the running kiosk: real file sources, the real worker, a simulated door."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.access.test_pin import CHEAP
from tests.gui.kiosk_fixtures import blank_folder, enrol_from_clip
from tests.gui.test_kiosk import WAIT_MS, clip
from turnstile.access.door import SimulatedDoor
from turnstile.config import Config, KioskConfig, LivenessConfig
from turnstile.config import replace as config_replace
from turnstile.configlinks import PinConfig
from turnstile.gui.app import Kiosk
from turnstile.gui.kiosk import KioskWindow, Screen
from turnstile.gui.pinpad import OK, Step
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import DenyReason, Outcome
from turnstile.vision.engine import Engine

PIN = "482915"
NUMBER = "1001"
MakeKiosk = Callable[[str, PinConfig], tuple[Kiosk, SimulatedDoor]]


@pytest.fixture
def enrolled(engine: Engine, db_path: Path) -> Path:
    """Dana, enrolled from the clip, with employee number 1001 and a PIN."""
    enrol_from_clip(engine, clip(), "Dana Whitfield", db_path)
    store = SQLiteStore.open(db_path)
    person = store.people.find("Dana Whitfield")[0]
    store.people.rename(person.id, person.name, NUMBER)
    store.pins.set(person.id, CHEAP.hash(PIN), datetime.now())
    store.close()
    return db_path


@pytest.fixture
def make_kiosk(qtbot: QtBot, config: Config, engine: Engine,
               enrolled: Path) -> Iterator[MakeKiosk]:
    kiosks: list[Kiosk] = []

    def make(source: str, pin: PinConfig) -> tuple[Kiosk, SimulatedDoor]:
        cfg = config_replace(config, kiosk=KioskConfig(result_s=30.0, fullscreen=False),
                             liveness=LivenessConfig(motion=False), pin=pin)
        door = SimulatedDoor()
        kiosk = Kiosk(cfg, enrolled, source, loop=True, engine=engine, door=door)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(1024, 700)
        kiosk.window.show()
        kiosk.start()
        kiosks.append(kiosk)
        return kiosk, door

    yield make
    for kiosk in kiosks:
        kiosk.stop()


def _type(window: KioskWindow, keys: str) -> None:
    for key in keys:
        window.pinpad.press(key)
    window.pinpad.press(OK)


def _pin_alone(window: KioskWindow, qtbot: QtBot, pin: str) -> None:
    """Tap Use PIN, type the number and the PIN, and wait for the result on screen."""
    window.open_pin()
    _type(window, NUMBER)
    _type(window, pin)
    assert window.pin_step is Step.CHECKING
    qtbot.waitUntil(lambda: window.pin_step is Step.CLOSED, timeout=WAIT_MS)


def _events(db: Path) -> list[tuple[Outcome, DenyReason | None, int | None]]:
    store = SQLiteStore.open(db)
    try:
        return [(e.outcome, e.reason, e.person_id) for e in store.events.recent(50)[::-1]]
    finally:
        store.close()


def test_the_right_pin_grants_and_pulses_the_door(make_kiosk: MakeKiosk, enrolled: Path,
                                                  tmp_path: Path, qtbot: QtBot) -> None:
    kiosk, door = make_kiosk(blank_folder(tmp_path / "corridor").as_posix(),
                             PinConfig(enabled=True))
    window = kiosk.window
    qtbot.waitUntil(lambda: window.screen_state is Screen.IDLE, timeout=WAIT_MS)
    assert not window.pin_button.isHidden()
    _pin_alone(window, qtbot, PIN)
    assert window.screen_state is Screen.GRANTED
    assert window.title.text() == "Welcome, Dana Whitfield"
    assert door.pulses == 1
    assert _events(enrolled) == [(Outcome.GRANTED, None, 1)]


def test_wrong_pins_lock_out_and_the_lockout_survives_a_restart(
        make_kiosk: MakeKiosk, enrolled: Path, tmp_path: Path, qtbot: QtBot) -> None:
    corridor = blank_folder(tmp_path / "corridor").as_posix()
    pin = PinConfig(enabled=True, max_tries=2, lockout_s=600.0)
    kiosk, door = make_kiosk(corridor, pin)
    window = kiosk.window
    qtbot.waitUntil(lambda: window.screen_state is Screen.IDLE, timeout=WAIT_MS)
    _pin_alone(window, qtbot, "739164")
    assert window.screen_state is Screen.DENIED and "Wrong" in window.subtitle.text()
    _pin_alone(window, qtbot, "739165")
    assert "locked" in window.subtitle.text()
    kiosk.stop()  # a restart: new worker, new connection to the same file
    again, door_again = make_kiosk(corridor, pin)
    qtbot.waitUntil(lambda: again.window.screen_state is Screen.IDLE, timeout=WAIT_MS)
    _pin_alone(again.window, qtbot, PIN)
    assert again.window.screen_state is Screen.DENIED
    assert "locked" in again.window.subtitle.text()
    assert door.pulses == door_again.pulses == 0
    assert [reason for _, reason, _ in _events(enrolled)] == [
        DenyReason.WRONG_PIN, DenyReason.PIN_LOCKED, DenyReason.PIN_LOCKED]


def _asked(make_kiosk: MakeKiosk, qtbot: QtBot) -> tuple[KioskWindow, SimulatedDoor]:
    """Dana's face at a face-and-PIN door: the keypad opens for her PIN, no door yet."""
    kiosk, door = make_kiosk(clip().as_posix(), PinConfig(face_and_pin=True))
    window = kiosk.window
    qtbot.waitUntil(lambda: window.pin_step is Step.PIN, timeout=WAIT_MS)
    assert window.screen_state is Screen.PIN
    assert "Dana Whitfield" in window.pinpad.prompt.full_text()
    assert door.pulses == 0
    return window, door


def test_face_and_pin_the_face_then_the_right_pin_opens(make_kiosk: MakeKiosk, enrolled: Path,
                                                         qtbot: QtBot) -> None:
    window, door = _asked(make_kiosk, qtbot)
    _type(window, PIN)
    qtbot.waitUntil(lambda: window.pin_step is Step.CLOSED, timeout=WAIT_MS)
    assert window.screen_state is Screen.GRANTED and door.pulses == 1
    events = _events(enrolled)
    assert [e[0] for e in events] == [Outcome.PIN_REQUIRED, Outcome.GRANTED]
    store = SQLiteStore.open(enrolled)
    logged = store.events.recent(10)
    store.close()
    assert logged[0].similarity is not None and "PIN right" in logged[0].detail
    assert all(PIN not in e.detail for e in logged)  # the PIN itself is logged nowhere


def test_face_and_pin_the_face_then_a_wrong_pin_denies(make_kiosk: MakeKiosk, enrolled: Path,
                                                        qtbot: QtBot) -> None:
    window, door = _asked(make_kiosk, qtbot)
    _type(window, "739164")
    qtbot.waitUntil(lambda: window.pin_step is Step.CLOSED, timeout=WAIT_MS)
    assert window.screen_state is Screen.DENIED and door.pulses == 0
    assert [e[:2] for e in _events(enrolled)] == [(Outcome.PIN_REQUIRED, None),
                                                  (Outcome.DENIED, DenyReason.WRONG_PIN)]
