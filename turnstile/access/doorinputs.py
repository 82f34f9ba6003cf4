"""Door inputs: the DoorInputs protocol (contact, exit button); serial and simulated drivers.

Only a board that answers a query with its input states can report them: a serial board
(door.input_query_hex, answered with door.input_answer_bytes bytes read as one bitmask). An
HTTP relay or a plain USB relay board has no inputs to read (the README's board table says
which is which).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from turnstile.access.door import DoorOutput, SerialDoor
from turnstile.config import DoorConfig
from turnstile.errors import TurnstileError


class InputsConfigError(TurnstileError):
    """Inputs are configured for a door driver that cannot read them."""


@dataclass(frozen=True)
class InputState:
    """One read of the inputs; None for an input that is not wired."""

    door_open: bool | None
    exit_pressed: bool | None


class DoorInputs(Protocol):
    """Reads the door contact and the exit button; read() raises OSError when the board
    does not answer."""

    def read(self) -> InputState: ...

    def close(self) -> None: ...


class SimulatedInputs:
    """No hardware: the test (or a demo) sets the inputs by hand."""

    def __init__(self, contact: bool = True, exit_button: bool = True) -> None:
        self.door_open: bool | None = False if contact else None
        self.exit_pressed: bool | None = False if exit_button else None
        #: When set, read() fails with it (a board that stopped answering).
        self.failure: OSError | None = None

    def read(self) -> InputState:
        if self.failure is not None:
            raise self.failure
        return InputState(self.door_open, self.exit_pressed)

    def close(self) -> None:
        pass


class SerialInputs:
    """The inputs of a serial relay board, asked over the relay's own port."""

    def __init__(self, door: SerialDoor, query: bytes, answer_bytes: int, contact_bit: int,
                 exit_bit: int, contact_inverted: bool = False) -> None:
        self.door = door
        self.query = query
        self.answer_bytes = answer_bytes
        self.contact_bit = contact_bit
        self.exit_bit = exit_bit
        self.contact_inverted = contact_inverted

    def read(self) -> InputState:
        mask = int.from_bytes(self.door.exchange(self.query, self.answer_bytes), "big")
        door_open = None
        if self.contact_bit >= 0:
            door_open = bool(mask >> self.contact_bit & 1) != self.contact_inverted
        exit_pressed = bool(mask >> self.exit_bit & 1) if self.exit_bit >= 0 else None
        return InputState(door_open, exit_pressed)

    def close(self) -> None:
        pass  # the port belongs to the door driver, which closes it


def build_inputs(config: DoorConfig, door: DoorOutput) -> DoorInputs | None:
    """The configured inputs on the door's own driver; None when none are wired."""
    if config.contact_input < 0 and config.exit_input < 0:
        return None
    if not isinstance(door, SerialDoor) or not config.input_query_hex:
        raise InputsConfigError("door.contact_input and door.exit_input need a serial board "
                                "that answers door.input_query_hex")
    return SerialInputs(door, bytes.fromhex(config.input_query_hex), config.input_answer_bytes,
                        config.contact_input, config.exit_input, config.contact_inverted)
