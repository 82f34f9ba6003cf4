"""Door inputs: the serial driver against a pseudo-terminal board, and building from config."""

from __future__ import annotations

import os
import select
import threading
import tty
from collections.abc import Iterator

import pytest

from turnstile.access.door import SerialDoor, SimulatedDoor
from turnstile.access.doorinputs import (
    InputsConfigError,
    InputState,
    SerialInputs,
    build_inputs,
)
from turnstile.config import DoorConfig

QUERY = bytes.fromhex("FE01")
OPEN, CLOSE = bytes.fromhex("A00101A2"), bytes.fromhex("A00100A1")


class InputBoard:
    """A relay board with inputs behind a pty: answers QUERY with `answer`; takes relay
    frames silently. `silent` makes it ignore queries (a board that stopped answering)."""

    def __init__(self, answer: bytes = b"\x00") -> None:
        self.answer = answer
        self.silent = False
        self.board, self._port_fd = os.openpty()
        tty.setraw(self._port_fd)
        self.port = os.ttyname(self._port_fd)
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.board], [], [], 0.02)
            if not ready:
                continue
            try:
                self.received += os.read(self.board, 64)
            except OSError:
                continue
            while QUERY in self.received:
                _, _, self.received = self.received.partition(QUERY)
                if not self.silent:
                    os.write(self.board, self.answer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self.board)
        os.close(self._port_fd)


@pytest.fixture
def board() -> Iterator[InputBoard]:
    fake = InputBoard()
    yield fake
    fake.close()


def _inputs(board: InputBoard, answer_bytes: int = 1, contact: int = 0, exit_bit: int = 1,
            inverted: bool = False) -> tuple[SerialDoor, SerialInputs]:
    door = SerialDoor(board.port, 9600, OPEN, CLOSE, 0.1)
    return door, SerialInputs(door, QUERY, answer_bytes, contact, exit_bit, inverted)


@pytest.mark.parametrize(("answer", "state"), [
    (b"\x00", InputState(False, False)), (b"\x01", InputState(True, False)),
    (b"\x02", InputState(False, True)), (b"\x03", InputState(True, True)),
    (b"\xfc", InputState(False, False))])
def test_the_bitmask_answer_gives_contact_and_exit(board: InputBoard, answer: bytes,
                                                    state: InputState) -> None:
    board.answer = answer
    door, inputs = _inputs(board)
    try:
        assert inputs.read() == state
    finally:
        door.close()


def test_bits_count_from_the_last_byte_and_a_contact_may_be_inverted(board: InputBoard) -> None:
    board.answer = bytes.fromhex("0100")  # bit 8 set, bit 0 clear
    door, inputs = _inputs(board, answer_bytes=2, contact=0, exit_bit=8, inverted=True)
    try:
        assert inputs.read() == InputState(True, True)
    finally:
        door.close()


def test_relay_commands_and_input_reads_share_the_port(board: InputBoard) -> None:
    board.answer = b"\x01"
    door, inputs = _inputs(board, exit_bit=-1)
    try:
        assert door.open().opened
        assert inputs.read() == InputState(True, None)
        assert door.secure().opened
        assert inputs.read() == InputState(True, None)
    finally:
        door.close()


def test_a_board_that_does_not_answer_is_an_error(board: InputBoard) -> None:
    board.silent = True
    door, inputs = _inputs(board)
    try:
        with pytest.raises(OSError, match="answered 0 of 1"):
            inputs.read()
    finally:
        door.close()


def test_nothing_wired_builds_no_inputs() -> None:
    assert build_inputs(DoorConfig(), SimulatedDoor()) is None


def test_inputs_on_a_driver_that_cannot_read_them_are_refused() -> None:
    config = DoorConfig.model_construct(**{**DoorConfig().model_dump(), "contact_input": 0})
    with pytest.raises(InputsConfigError, match="serial board"):
        build_inputs(config, SimulatedDoor())


def test_the_config_builds_serial_inputs(board: InputBoard) -> None:
    board.answer = b"\x02"
    config = DoorConfig(kind="serial", serial_port=board.port, serial_open_hex=OPEN.hex(),
                        serial_close_hex=CLOSE.hex(), input_query_hex=QUERY.hex(),
                        contact_input=0, exit_input=1)
    door = SerialDoor(board.port, 9600, OPEN, CLOSE, 0.1)
    try:
        inputs = build_inputs(config, door)
        assert inputs is not None and inputs.read() == InputState(False, True)
    finally:
        door.close()


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": "http", "http_url": "http://relay"}, "cannot report its inputs"),
    ({"input_query_hex": ""}, "input_query_hex"),
    ({"input_query_hex": "XY"}, "must be hex"),
    ({"exit_input": 8}, "beyond the 1-byte answer"),
    ({"exit_input": 0}, "different bits"),
])
def test_bad_input_settings_are_refused_when_read(changes: dict[str, object],
                                                  message: str) -> None:
    base: dict[str, object] = {"kind": "serial", "serial_port": "/dev/ttyUSB0",
                               "serial_open_hex": "A00101A2", "input_query_hex": "FE01",
                               "contact_input": 0}
    with pytest.raises(ValueError, match=message):
        DoorConfig(**{**base, **changes})  # type: ignore[arg-type]
