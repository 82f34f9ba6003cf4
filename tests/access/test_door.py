"""Door drivers against real endpoints: a pseudo-terminal pair and a local HTTP server."""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from turnstile.access.door import (
    DoorOutput,
    SerialDoor,
    SimulatedDoor,
    build_door,
    pulse_once,
)
from turnstile.access.httpdoor import HttpDoor
from turnstile.config import ConfigError, DoorConfig, from_dict


def read_bytes(fd: int, count: int, timeout: float = 3.0) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < count and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            data += os.read(fd, 64)
    return data


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, str]]:
    """The relay board's end (a file descriptor) and the port path the driver opens."""
    board, port = os.openpty()
    yield board, os.ttyname(port)
    os.close(board)
    os.close(port)


def test_simulated_door_counts_pulses() -> None:
    door: DoorOutput = SimulatedDoor(0.5)
    assert door.open().opened
    assert isinstance(door, SimulatedDoor) and door.pulses == 1


def test_serial_relay_gets_open_then_close_bytes(pty_pair: tuple[int, str]) -> None:
    board, port = pty_pair
    door = SerialDoor(port, 9600, bytes.fromhex("A00101A2"), bytes.fromhex("A00100A1"), 0.2)
    result = door.open()
    assert result.opened, result.detail
    # Connecting drives the relay closed first (fail shut), then the open command.
    assert read_bytes(board, 8) == bytes.fromhex("A00100A1A00101A2")
    assert read_bytes(board, 4) == bytes.fromhex("A00100A1")  # after the pulse
    door.close()


def test_serial_close_on_shutdown_releases_the_relay(pty_pair: tuple[int, str]) -> None:
    board, port = pty_pair
    door = SerialDoor(port, 9600, b"\x01", b"\x00", 30.0)
    assert door.open().opened
    door.close()  # long before the pulse ends: the relay must not stay open
    assert read_bytes(board, 3) == b"\x00\x01\x00"


def test_serial_failure_is_reported_not_raised() -> None:
    door = SerialDoor("/nonexistent/ttyRELAY", 9600, b"\x01", b"\x00", 0.1)
    result = door.open()
    assert not result.opened
    assert "ttyRELAY" in result.detail
    door.close()  # stops the close retries (a missing board never confirms)


def test_build_door_from_config(pty_pair: tuple[int, str]) -> None:
    _, port = pty_pair
    door = build_door(DoorConfig(kind="serial", serial_port=port, serial_open_hex="01"))
    assert isinstance(door, SerialDoor) and door.close_bytes == b""
    assert isinstance(build_door(DoorConfig()), SimulatedDoor)



@pytest.mark.parametrize(("door", "message"), [
    ({"kind": "serial"}, "serial_port"),
    ({"kind": "serial", "serial_port": "/dev/ttyUSB0", "serial_open_hex": "zz"}, "hex"),
    ({"kind": "serial", "serial_port": "/dev/ttyUSB0", "serial_open_hex": "01",
      "serial_close_hex": "0"}, "serial_close_hex"),
    ({"kind": "http", "http_url": "relay.local/open"}, "http_url"),
    ({"kind": "http"}, "http_url"),
])
def test_half_configured_door_is_refused_when_the_config_is_read(
        door: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_dict({"door": door})


class Relay(BaseHTTPRequestHandler):
    status = 200
    delay = 0.0
    requests: ClassVar[list[tuple[str, str, bytes]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        Relay.requests.append((self.command, self.path, self.rfile.read(length)))
        time.sleep(Relay.delay)
        self.send_response(Relay.status)
        self.end_headers()

    do_POST = do_GET = do_PUT = _answer  # noqa: N815 (http.server's names)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def relay_url() -> Iterator[str]:
    Relay.status, Relay.delay, Relay.requests = 200, 0.0, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/relay/1"
    server.shutdown()
    server.server_close()


def test_http_relay_sends_the_configured_request(relay_url: str) -> None:
    door = HttpDoor(relay_url, "post", '{"pulse_ms": {pulse_ms}}', 2.0, 1.5)
    result = door.open()
    assert result.opened, result.detail
    assert Relay.requests == [("POST", "/relay/1", b'{"pulse_ms": 1500}')]


def test_http_relay_error_status_fails(relay_url: str) -> None:
    Relay.status = 500
    result = HttpDoor(relay_url, "POST", "", 2.0, 1.0).open()
    assert not result.opened and "500" in result.detail
    assert len(Relay.requests) == 1  # fail-secure: never retried


def test_http_relay_timeout_fails(relay_url: str) -> None:
    Relay.delay = 1.0
    result = HttpDoor(relay_url, "GET", "", 0.2, 1.0).open()
    assert not result.opened


def test_http_relay_down_fails() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    port = server.server_address[1]
    server.server_close()  # nothing listens there any more
    result = HttpDoor(f"http://127.0.0.1:{port}/", "POST", "", 1.0, 1.0).open()
    assert not result.opened and "did not answer" in result.detail


def test_pulse_once_opens_waits_the_pulse_and_releases(pty_pair: tuple[int, str]) -> None:
    board, port = pty_pair
    config = DoorConfig(kind="serial", serial_port=port, serial_open_hex="01",
                        serial_close_hex="00", pulse_s=0.2)
    waited: list[float] = []
    result = pulse_once(config, wait=waited.append)  # no real wait: close() releases at once
    assert result.opened, result.detail
    assert waited == [0.2]
    # Closed when the driver starts (fail shut), opened, closed again.
    assert read_bytes(board, 3) == b"\x00\x01\x00"


def test_pulse_once_reports_a_relay_that_does_not_answer() -> None:
    waited: list[float] = []
    config = DoorConfig(kind="http", http_url="http://127.0.0.1:9/relay", http_timeout_s=0.5)
    result = pulse_once(config, wait=waited.append)
    assert not result.opened and waited == []
