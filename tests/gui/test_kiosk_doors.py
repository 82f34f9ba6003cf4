"""Door alarms and the exit button on the kiosk: a strip over the video, camera or not."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui.test_kiosk import WAIT_MS
from turnstile.access.door import SimulatedDoor
from turnstile.access.doordesk import DoorReport
from turnstile.access.doorinputs import SimulatedInputs
from turnstile.access.doorwatch import DoorNotice, DoorSignal
from turnstile.config import Config, KioskConfig
from turnstile.config import replace as config_replace
from turnstile.gui import i18n
from turnstile.gui.app import Kiosk
from turnstile.gui.kiosk import KioskWindow, Screen
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Outcome
from turnstile.vision.engine import Engine

FORCED = "Alarm: the door was forced open. The alarm has been logged."
HELD = "Alarm: the door is held open. Please close the door."
SILENT = ("The door sensors are not answering: door alarms are off. "
          "Please tell reception.")


def _report(signal: DoorSignal) -> DoorReport:
    return DoorReport(DoorNotice(signal, datetime(2026, 3, 2, 9, 0), signal.value))


def _window(qtbot: QtBot) -> KioskWindow:
    window = KioskWindow(KioskConfig(fullscreen=False))
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    return window


def test_alarms_stand_until_the_door_closes_or_the_board_answers(qtbot: QtBot) -> None:
    window = _window(qtbot)
    assert window.door_alarms == [] and not window.door_alarm.isVisible()
    window.on_door(_report(DoorSignal.FORCED_OPEN))
    assert window.door_alarms == [FORCED] and window.door_alarm.isVisible()
    window.on_door(_report(DoorSignal.HELD_OPEN))  # the same door: the newer alarm
    window.on_door(_report(DoorSignal.INPUTS_LOST))
    assert window.door_alarms == [HELD, SILENT]
    assert window.door_alarm.full_text() == f"{HELD}\n{SILENT}"
    window.on_door(_report(DoorSignal.EXIT_REQUEST))  # an exit changes no alarm
    window.on_door(_report(DoorSignal.SECURED))
    assert window.door_alarms == [SILENT]
    window.on_door(_report(DoorSignal.INPUTS_BACK))
    assert window.door_alarms == [] and not window.door_alarm.isVisible()


def test_the_alarm_strip_speaks_german(qtbot: QtBot) -> None:
    try:
        assert i18n.install("de") == "de"
        window = _window(qtbot)
        window.on_door(_report(DoorSignal.FORCED_OPEN))
        window.on_door(_report(DoorSignal.INPUTS_LOST))
        assert window.door_alarms[0].startswith("Alarm: Die Tür wurde gewaltsam geöffnet")
        assert "Türsensoren" in window.door_alarms[1]
    finally:
        i18n.install("en")


def test_exit_and_alarms_work_while_the_camera_is_lost(qtbot: QtBot, config: Config,
                                                       engine: Engine, tmp_path: Path,
                                                       db_path: Path) -> None:
    door, inputs = SimulatedDoor(), SimulatedInputs()
    # Held open after a second: each step below ends in something the screen shows.
    cfg = config_replace(config, kiosk=KioskConfig(fullscreen=False),
                         door=config_replace(config.door, held_open_s=1.0))
    kiosk = Kiosk(cfg, db_path, (tmp_path / "no-camera").as_posix(), engine=engine,
                  door=door, inputs=inputs)
    window = kiosk.window
    qtbot.addWidget(window)
    window.show()
    kiosk.start()
    try:
        qtbot.waitUntil(lambda: window.screen_state is Screen.CAMERA_LOST, timeout=WAIT_MS)
        inputs.exit_pressed = True
        qtbot.waitUntil(lambda: door.pulses == 1, timeout=WAIT_MS)
        inputs.exit_pressed = False
        inputs.door_open = True  # opened by the exit: no alarm, until it stays open
        qtbot.waitUntil(lambda: window.door_alarms == [HELD], timeout=WAIT_MS)
        inputs.door_open = False
        qtbot.waitUntil(lambda: window.door_alarms == [], timeout=WAIT_MS)
        inputs.failure = OSError("no answer")
        qtbot.waitUntil(lambda: window.door_alarms == [SILENT], timeout=WAIT_MS)
        inputs.failure = None
        qtbot.waitUntil(lambda: window.door_alarms == [], timeout=WAIT_MS)
        inputs.door_open = True  # a second opening on one exit is forced
        qtbot.waitUntil(lambda: window.door_alarms == [FORCED], timeout=WAIT_MS)
        assert window.screen_state is Screen.CAMERA_LOST
    finally:
        kiosk.stop()
    store = SQLiteStore.open(db_path)
    try:
        logged = [(e.outcome, e.detail) for e in reversed(store.events.recent(10))]
    finally:
        store.close()
    # "held open for N s": N is however long the door was open when it was read.
    assert [(outcome, detail.split(" (")[0].split(" for ")[0]) for outcome, detail in logged] == [
        (Outcome.EXIT, "exit button pressed"), (Outcome.ALARM, "door held open"),
        (Outcome.ALARM, "door inputs are not answering: no answer"),
        (Outcome.ALARM, "door forced open")]
