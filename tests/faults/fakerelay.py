"""A relay board behind a pseudo-terminal, speaking the common LCUS USB-relay protocol.

Frames are four bytes, A0 <channel> <state> <sum>: A0 01 01 A2 energises relay 1 (door open),
A0 01 00 A1 releases it. A board that answers echoes each frame it took. The real driver
opens the pty's port path exactly as it opens /dev/ttyUSB0; the board side keeps its state
and a log of the commands it took, and can be told to ignore the next closes (a board that
does not take the command).
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from dataclasses import dataclass

OPEN = bytes.fromhex("A00101A2")
CLOSE = bytes.fromhex("A00100A1")


@dataclass(frozen=True)
class Command:
    what: str  # "open" or "close"
    at: float  # time.monotonic()


class FakeRelay:
    """The board: `energised` is the relay's state; `commands` what it took, in order."""

    def __init__(self, answers: bool = True) -> None:
        self.answers = answers
        self.board, self._port_fd = os.openpty()
        tty.setraw(self._port_fd)  # no echo or line editing before the driver opens it
        self.port = os.ttyname(self._port_fd)
        self.energised = False
        self.commands: list[Command] = []
        #: Close commands to ignore (no answer, relay stays energised).
        self.ignore_closes = 0
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="fake relay")
        self._thread.start()

    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.board], [], [], 0.05)
            if not ready:
                continue
            try:
                buffer += os.read(self.board, 64)
            except OSError:  # no process has the port open right now
                time.sleep(0.05)
                continue
            while len(buffer) >= 4:
                start = buffer.find(b"\xa0")
                if start < 0:
                    buffer = b""
                    break
                frame, buffer = buffer[start:start + 4], buffer[start + 4:]
                if len(frame) < 4:
                    buffer = frame + buffer
                    break
                self._take(frame)

    def _take(self, frame: bytes) -> None:
        if frame not in (OPEN, CLOSE):
            return
        if frame == CLOSE and self.ignore_closes > 0:
            self.ignore_closes -= 1
            return
        with self._changed:
            self.energised = frame == OPEN
            self.commands.append(Command("open" if frame == OPEN else "close", time.monotonic()))
            self._changed.notify_all()
        if self.answers:
            os.write(self.board, frame)

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until the board has taken `count` commands in all."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.commands) >= count, timeout)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self.board)
        os.close(self._port_fd)
