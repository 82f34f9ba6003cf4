"""The OSDP reader against libosdp's own control panel: card reads, secure channel, verdicts."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.access.osdp_panel import GREEN, RED, FdChannel, Panel, socket_pair, wait_until
from turnstile.access.door import build_door, pulse_once
from turnstile.access.osdpdoor import OsdpDoor, PanelStatus, SerialChannel, build_osdp_door
from turnstile.access.osdpkey import DEFAULT_KEY_NAME, load_key
from turnstile.cards import decode
from turnstile.config import ConfigError, DoorConfig
from turnstile.configlinks import OsdpConfig
from turnstile.types import Admitted, DenyReason, PanelAnswer

KEY = bytes(range(16))
ADDRESS = 7


@pytest.fixture
def cleanup() -> Iterator[list[OsdpDoor | Panel]]:
    things: list[OsdpDoor | Panel] = []
    yield things
    for thing in reversed(things):
        thing.close()


def connect(cleanup: list[OsdpDoor | Panel], *, answer: int | None = GREEN,
            panel_key: bytes | None = KEY, **settings: object) -> tuple[OsdpDoor, Panel]:
    config = OsdpConfig.model_validate({"port": "test", "address": ADDRESS, **settings})
    reader_end, panel_end = socket_pair()
    door = OsdpDoor(reader_end, config, KEY if config.secure_channel else None)
    cleanup.append(door)
    panel = Panel(panel_end, ADDRESS, panel_key, lambda _bits: answer)
    cleanup.append(panel)
    return door, panel


def ready(door: OsdpDoor) -> bool:
    return door.status.online and door.status.secure


def talking(door: OsdpDoor, panel: Panel) -> bool:
    """Both ends agree the secure channel is up: the panel may send commands now."""
    return ready(door) and panel.secure()


@pytest.mark.parametrize(("card_format", "facility", "number", "length"), [
    ("h10301", 123, 45678, 26), ("h10306", 4321, 65535, 34),
    ("h10302", 0, 34_359_738_367, 37), ("h10304", 65535, 524_287, 37)])
def test_a_grant_is_a_card_read_the_panel_decodes(cleanup: list[OsdpDoor | Panel],
                                                 card_format: str, facility: int, number: int,
                                                 length: int) -> None:
    door, panel = connect(cleanup, card_format=card_format, facility_code=facility)
    assert wait_until(lambda: talking(door, panel))
    result = door.open(Admitted(1, "Dana", number))
    assert result.opened and result.panel is PanelAnswer.GRANTED, result.detail
    assert "green LED" in result.detail
    assert str(number) not in result.detail  # a card number is a credential: never logged
    (bits,) = panel.reads
    assert bits.length == length
    assert decode(card_format, bits) == (facility, number)  # parity checked too


def test_red_is_a_refusal_that_says_so(cleanup: list[OsdpDoor | Panel]) -> None:
    door, panel = connect(cleanup, answer=RED)
    assert wait_until(lambda: talking(door, panel))
    result = door.open(Admitted(1, "Dana", 42))
    assert not result.opened and result.panel is PanelAnswer.DENIED
    assert result.refusal is DenyReason.PANEL_DENIED and "red LED" in result.detail
    assert len(panel.reads) == 1


def test_a_silent_panel_is_a_refusal_after_the_timeout(cleanup: list[OsdpDoor | Panel]
                                                       ) -> None:
    door, panel = connect(cleanup, answer=None, grant_timeout_s=0.5)
    assert wait_until(lambda: talking(door, panel))
    result = door.open(Admitted(1, "Dana", 42))
    assert not result.opened and result.panel is PanelAnswer.NO_ANSWER
    assert result.refusal is DenyReason.PANEL_NO_ANSWER
    assert "no answer from the access panel within 0.5 s" in result.detail
    assert wait_until(lambda: len(panel.reads) == 1)  # the read did reach the panel


def test_the_idle_led_before_a_card_read_is_no_answer(cleanup: list[OsdpDoor | Panel]) -> None:
    door, panel = connect(cleanup, answer=None, grant_timeout_s=0.5)
    assert wait_until(lambda: talking(door, panel))
    assert wait_until(lambda: panel.led(GREEN))  # an idle colour of green: nobody asked
    assert wait_until(lambda: door.commands >= 1)
    assert door.open(Admitted(1, "Dana", 42)).panel is PanelAnswer.NO_ANSWER


def test_a_wrong_key_gets_no_secure_channel_and_sends_nothing(
        cleanup: list[OsdpDoor | Panel]) -> None:
    door, panel = connect(cleanup, panel_key=bytes(16))
    assert not wait_until(lambda: ready(door), 3.0)
    result = door.open(Admitted(1, "Dana", 42))
    assert not result.opened and result.panel is PanelAnswer.OFFLINE
    assert panel.reads == []


def test_plain_channel_when_secure_channel_is_off(cleanup: list[OsdpDoor | Panel]) -> None:
    door, panel = connect(cleanup, panel_key=None, secure_channel=False)
    assert wait_until(lambda: door.status.online and panel.cp.is_online(ADDRESS))
    assert door.open(Admitted(1, "Dana", 42)).opened and len(panel.reads) == 1
    assert not door.status.secure


def test_no_panel_is_offline_at_once(cleanup: list[OsdpDoor | Panel]) -> None:
    config = OsdpConfig(port="test")
    reader_end, _panel_end = socket_pair()
    door = OsdpDoor(reader_end, config, KEY)
    cleanup.append(door)
    result = door.open(Admitted(1, "Dana", 42))
    assert result.panel is PanelAnswer.OFFLINE and "offline" in result.detail
    assert door.status == PanelStatus(False, False)


def test_a_person_without_a_fitting_card_number_is_refused(
        cleanup: list[OsdpDoor | Panel]) -> None:
    door, panel = connect(cleanup)
    assert wait_until(lambda: ready(door))
    for person in (None, Admitted(1, "Dana")):
        result = door.open(person)
        assert result.panel is PanelAnswer.NO_CREDENTIAL and "no card number" in result.detail
    too_big = door.open(Admitted(1, "Dana", 70000))  # 26-bit: 16-bit card numbers
    assert too_big.refusal is DenyReason.NO_CREDENTIAL and "0 to 65535" in too_big.detail
    assert panel.reads == []


def test_online_and_tamper_are_reported(cleanup: list[OsdpDoor | Panel]) -> None:
    seen: list[PanelStatus] = []
    door, panel = connect(cleanup)
    door.on_status = seen.append
    assert wait_until(lambda: talking(door, panel))
    door.report_tamper(True)
    assert wait_until(lambda: b"\x01\x00" in panel.statuses)
    door.report_tamper(False)
    assert wait_until(lambda: panel.statuses[-1:] == [b"\x00\x00"])
    panel.close()
    cleanup.remove(panel)
    assert wait_until(lambda: not door.status.online)  # libosdp: no poll for 8 s
    assert seen[-1].online is False and any(s.online for s in seen)
    assert door.open(Admitted(1, "Dana", 42)).panel is PanelAnswer.OFFLINE


def test_a_serial_port_through_a_pseudo_terminal(cleanup: list[OsdpDoor | Panel]) -> None:
    master, slave = os.openpty()
    config = OsdpConfig(port=os.ttyname(slave), address=ADDRESS)
    door = OsdpDoor(SerialChannel(config.port, config.baud), config, KEY)
    cleanup.append(door)
    panel = Panel(FdChannel(master), ADDRESS, KEY)
    cleanup.append(panel)
    assert wait_until(lambda: talking(door, panel))
    assert door.open(Admitted(1, "Dana", 1234)).opened
    assert decode("h10301", panel.reads[0]) == (0, 1234)
    os.close(slave)


def test_the_key_is_made_once_private_and_never_shown(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "data" / DEFAULT_KEY_NAME
    key = load_key(path, create=True)
    assert len(key) == 16 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path, create=True) == key  # made on the first start only
    os.chmod(path, 0o640)
    with pytest.raises(ConfigError, match="chmod 600") as error:
        load_key(path, create=True)
    assert key.hex() not in str(error.value)
    os.chmod(path, 0o600)
    path.write_text("00112233", encoding="ascii")
    with pytest.raises(ConfigError, match="32 hex digits") as error:
        load_key(path, create=False)
    assert "00112233" not in str(error.value) and key.hex() not in caplog.text


def test_a_named_key_file_must_exist(tmp_path: Path) -> None:
    config = OsdpConfig(port="test", key_file=str(tmp_path / "missing.hex"))
    with pytest.raises(ConfigError, match=r"cannot read osdp\.key_file"):
        build_osdp_door(config, tmp_path)
    assert not (tmp_path / "missing.hex").exists()


def test_build_door_makes_the_key_in_the_data_folder(tmp_path: Path,
                                                     cleanup: list[OsdpDoor | Panel]) -> None:
    reader_end, _panel_end = socket_pair()
    door = build_osdp_door(OsdpConfig(port="test"), tmp_path, channel=reader_end)
    cleanup.append(door)
    assert stat.S_IMODE((tmp_path / DEFAULT_KEY_NAME).stat().st_mode) == 0o600
    with pytest.raises(ValueError, match="osdp"):
        build_door(DoorConfig(kind="osdp"))
    assert "the access panel drives the lock" in pulse_once(DoorConfig(kind="osdp")).detail


def test_a_buzzer_outside_a_card_read_is_sounded(cleanup: list[OsdpDoor | Panel]) -> None:
    beeps: list[bool] = []
    door, panel = connect(cleanup, answer=None, grant_timeout_s=0.5)
    door.on_buzzer = lambda: beeps.append(True)
    assert wait_until(lambda: talking(door, panel))
    assert wait_until(panel.buzzer)
    assert wait_until(lambda: beeps == [True])
    panel.answer = lambda _bits: None
    result = door.open(Admitted(1, "Dana", 42))
    assert result.panel is PanelAnswer.NO_ANSWER and beeps == [True]


def test_an_unanswered_card_read_never_reaches_a_panel_polling_later(
        cleanup: list[OsdpDoor | Panel]) -> None:
    # Long enough for the later panel's green to come back on a busy machine.
    door, first = connect(cleanup, grant_timeout_s=3.0)
    assert wait_until(lambda: ready(door))
    first.close()  # the panel stops polling; the reader calls it offline only after 8 s
    cleanup.remove(first)
    result = door.open(Admitted(1, "Dana", 42))
    assert result.panel is PanelAnswer.NO_ANSWER, result.detail
    later = Panel(first.cp_channel, ADDRESS, KEY)
    cleanup.append(later)
    assert wait_until(lambda: talking(door, later))
    assert door.open(Admitted(1, "Dana", 43)).opened  # the panel hears new reads...
    assert [decode("h10301", bits) for bits in later.reads] == [(0, 43)]  # ...not the old
