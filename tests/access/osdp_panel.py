"""A real access panel for the OSDP tests: libosdp's control panel on a socket pair or a pty."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import osdp

from turnstile.cards import CardBits

#: Generous: the machines running the tests are shared and slow.
WAIT_S = 30.0
GREEN, RED = osdp.CommandLEDColor.Green, osdp.CommandLEDColor.Red


def wait_until(condition: Callable[[], bool], timeout_s: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class SocketChannel:
    """One end of a socket pair as a non-blocking byte channel."""

    def __init__(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self.sock = sock

    def read(self, max_bytes: int) -> bytes:
        try:
            return self.sock.recv(max_bytes)
        except (BlockingIOError, OSError):
            return b""

    def write(self, data: bytes) -> int:
        try:
            return self.sock.send(data)
        except (BlockingIOError, OSError):
            return 0

    def flush(self) -> None:
        """Drop stale input, as a serial port's reset_input_buffer() does: libosdp flushes
        when its link starts, and a reply left over for an earlier panel would otherwise be
        read as this one's (a sequence mismatch, after which libosdp waits 300 s)."""
        while self.read(4096):
            pass

    def close(self) -> None:
        self.sock.close()


class FdChannel:
    """The master side of a pseudo-terminal as a byte channel."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd

    def read(self, max_bytes: int) -> bytes:
        try:
            return os.read(self.fd, max_bytes)
        except (BlockingIOError, OSError):
            return b""

    def write(self, data: bytes) -> int:
        try:
            return os.write(self.fd, data)
        except (BlockingIOError, OSError):
            return 0

    def flush(self) -> None:
        """Drop stale input, as SocketChannel.flush does."""
        while self.read(4096):
            pass

    def close(self) -> None:
        os.close(self.fd)


def socket_pair() -> tuple[SocketChannel, SocketChannel]:
    """(the reader's end, the panel's end)."""
    a, b = socket.socketpair()
    return SocketChannel(a), SocketChannel(b)


class Panel:
    """libosdp's control panel polling one reader; answers each card read with `answer`
    (an LED colour, or None for silence) and keeps every card read and status report."""

    def __init__(self, channel: Any, address: int, key: bytes | None,
                 answer: Callable[[CardBits], int | None] = lambda _bits: GREEN) -> None:
        flags = [osdp.LibFlag.EnforceSecure] if key is not None else []
        self.address = address
        self.cp_channel = channel
        self.answer = answer
        self.reads: list[CardBits] = []
        self.statuses: list[bytes] = []
        self.cp = osdp.ControlPanel([osdp.PDInfo(address, channel, scbk=key, flags=flags)],
                                    log_level=osdp.LogLevel.Error)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.cp.start()
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            event = self.cp.get_event(self.address, timeout=0.1)
            if event is None:
                continue
            if event["event"] == osdp.Event.Status:
                self.statuses.append(bytes(event["report"]))
            if event["event"] != osdp.Event.CardRead:
                continue
            bits = CardBits.from_data(bytes(event["data"]), int(event["length"]))
            self.reads.append(bits)
            colour = self.answer(bits)
            if colour is not None:
                wait_until(partial(self.led, colour))

    def led(self, colour: int) -> bool:
        """Queue an LED command; False when the panel is not talking to the reader yet."""
        return bool(self.cp.submit_command(self.address, {
            "command": osdp.Command.LED, "reader": 0, "led_number": 0, "control_code": 2,
            "on_color": colour, "off_color": osdp.CommandLEDColor.Black, "on_count": 30,
            "off_count": 0, "temporary": True, "timer_count": 30}))

    def buzzer(self) -> bool:
        return bool(self.cp.submit_command(self.address, {
            "command": osdp.Command.Buzzer, "reader": 0, "control_code": 2, "on_count": 2,
            "off_count": 1, "rep_count": 1}))

    def secure(self) -> bool:
        return bool(self.cp.is_sc_active(self.address))

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.cp.stop()
