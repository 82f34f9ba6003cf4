"""The door fails shut: against a relay board behind a pty and a local HTTP relay."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.faults.fakerelay import CLOSE, OPEN, FakeRelay
from turnstile.access.door import SerialDoor, build_door
from turnstile.access.httpdoor import HttpDoor, build_http_door
from turnstile.config import ConfigError, DoorConfig

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def relay() -> Iterator[FakeRelay]:
    board = FakeRelay()
    yield board
    board.close()


def serial(relay: FakeRelay, pulse_s: float = 0.2, **kwargs: float) -> SerialDoor:
    return SerialDoor(relay.port, 9600, OPEN, CLOSE, pulse_s, open_ack=OPEN, close_ack=CLOSE,
                      **kwargs)


def confirmed(door: SerialDoor, timeout: float = 5.0) -> bool:
    """Wait for the driver to have read the board's answer to its close."""
    deadline = time.monotonic() + timeout
    while door.closed is not True and time.monotonic() < deadline:
        time.sleep(0.02)
    return door.closed is True


def kinds(relay: FakeRelay) -> list[str]:
    return [c.what for c in relay.commands]


def test_the_relay_is_driven_closed_at_start(relay: FakeRelay) -> None:
    relay.energised = True  # left energised by a crash
    door = build_door(DoorConfig(kind="serial", serial_port=relay.port, pulse_s=0.2,
                                 serial_open_hex=OPEN.hex(), serial_close_hex=CLOSE.hex()))
    try:
        assert relay.wait_for(1) and kinds(relay) == ["close"] and not relay.energised
    finally:
        door.close()


def test_a_pulse_closes_after_its_time_confirmed_by_the_board(relay: FakeRelay) -> None:
    door = serial(relay)
    result = door.open()
    assert result.opened and "board answered A00101A2" in result.detail
    assert relay.energised
    assert relay.wait_for(3)
    assert kinds(relay) == ["close", "open", "close"] and not relay.energised
    held = relay.commands[2].at - relay.commands[1].at
    assert 0.15 < held < 2.0
    assert confirmed(door)
    door.close()


def test_a_close_the_board_does_not_take_is_retried_until_it_does(relay: FakeRelay,
                                                                  caplog: pytest.LogCaptureFixture
                                                                  ) -> None:
    door = serial(relay, pulse_s=0.1)
    assert door.open().opened
    relay.ignore_closes = 3  # the board misses three closes in a row
    with caplog.at_level(logging.ERROR):
        assert relay.wait_for(3, timeout=10.0)
    assert kinds(relay) == ["close", "open", "close"] and not relay.energised
    assert confirmed(door)
    assert sum("did not take the close command" in r.getMessage() and relay.port in
               r.getMessage() for r in caplog.records) == 3
    door.close()


def test_retriggering_never_holds_the_relay_past_its_maximum(relay: FakeRelay) -> None:
    door = serial(relay, pulse_s=0.4, max_open_s=0.6)
    assert door.open().opened
    first = time.monotonic()
    while time.monotonic() - first < 1.2:  # a grant every 0.1 s (a tailgating crowd)
        door.open()
        time.sleep(0.1)
        if not relay.energised:
            break
    closes = [c for c in relay.commands[1:] if c.what == "close"]
    assert closes and closes[0].at - first < 0.6 + 0.3
    door.close()


def test_a_missing_board_fails_the_grant_and_the_driver_keeps_trying(tmp_path: Path) -> None:
    door = SerialDoor(str(tmp_path / "ttyGONE"), 9600, OPEN, CLOSE, 0.1)
    result = door.open()
    assert not result.opened and "ttyGONE" in result.detail
    door.close()
    assert door.closed is False


def test_door_test_pulses_once_and_reports_the_answers(relay: FakeRelay, tmp_path: Path) -> None:
    config = tmp_path / "door.toml"
    config.write_text(f'[door]\nkind = "serial"\nserial_port = "{relay.port}"\n'
                      f'serial_open_hex = "{OPEN.hex()}"\nserial_close_hex = "{CLOSE.hex()}"\n'
                      "pulse_s = 0.3\n")
    result = subprocess.run([sys.executable, "-m", "turnstile", "door", "test", "--config",
                             str(config)], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert result.returncode == 0, result.stderr
    assert kinds(relay) == ["close", "open", "close"]
    assert result.stdout.splitlines() == [
        "ok   closed at start: the relay took the close command",
        f"ok   pulse: serial relay {relay.port} pulsed 0.3 s",
        f"ok   closed after the pulse: the relay closed again after the pulse ({relay.port})"]


def test_a_kill_mid_pulse_leaves_the_relay_closed_after_restart(relay: FakeRelay,
                                                                tmp_path: Path) -> None:
    config = tmp_path / "door.toml"
    config.write_text(f'[door]\nkind = "serial"\nserial_port = "{relay.port}"\n'
                      f'serial_open_hex = "{OPEN.hex()}"\nserial_close_hex = "{CLOSE.hex()}"\n'
                      "pulse_s = 5\n")
    command = [sys.executable, "-m", "turnstile", "door", "test", "--config", str(config)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        assert relay.wait_for(2, timeout=30)
        assert relay.energised  # mid-pulse
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert relay.energised  # nobody closed it: the door would stay open...
    restarted = subprocess.run([sys.executable, "-m", "turnstile", "door", "close", "--config",
                                str(config)], env=env, capture_output=True, text=True,
                               timeout=60, check=False)
    assert restarted.returncode == 0, restarted.stderr
    assert not relay.energised and kinds(relay)[2] == "close"  # ...until the next start


class Relay(BaseHTTPRequestHandler):
    status = 200
    location = ""
    seen: ClassVar[list[dict[str, str]]] = []

    def _answer(self) -> None:
        Relay.seen.append({"path": self.path, **dict(self.headers)})
        self.send_response(Relay.status)
        if Relay.location:
            self.send_header("Location", Relay.location)
        self.end_headers()

    do_POST = do_GET = _answer  # noqa: N815 (http.server's names)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_relay() -> Iterator[str]:
    Relay.status, Relay.location, Relay.seen = 200, "", []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_token_from_a_private_file_is_sent_and_never_logged(
        http_relay: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    token = tmp_path / "relay.token"
    token.write_text("s3cret-token\n")
    token.chmod(0o600)
    config = DoorConfig(kind="http", http_url=f"{http_relay}/open?key=url-secret",
                        http_token_file=str(token))
    with caplog.at_level(logging.DEBUG):
        door = build_http_door(config)
        assert door.open().opened
        Relay.status = 500
        assert not door.open().opened
    assert Relay.seen[0]["Authorization"] == "Bearer s3cret-token"
    logged = caplog.text
    assert "plain http" in logged and "127.0.0.1" in logged
    assert "s3cret" not in logged and "url-secret" not in logged and "/open" not in logged


def test_http_token_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    token = tmp_path / "relay.token"
    token.write_text("s3cret")
    token.chmod(0o644)
    config = DoorConfig(kind="http", http_url="https://relay.example/open",
                        http_token_file=str(token))
    with pytest.raises(ConfigError, match="chmod 600"):
        build_http_door(config)


def test_http_token_from_the_environment(http_relay: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAY_TOKEN", "from-env")
    config = DoorConfig(kind="http", http_url=f"{http_relay}/open", http_token_env="RELAY_TOKEN")
    assert build_http_door(config).open().opened
    assert Relay.seen[0]["Authorization"] == "Bearer from-env"


def test_http_redirects_are_not_followed_and_proxies_are_ignored(
        http_relay: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    Relay.status, Relay.location = 302, f"{http_relay}/elsewhere"
    result = HttpDoor(f"{http_relay}/open", "POST", "", 2.0, 1.0, "t").open()
    assert not result.opened and "302" in result.detail
    assert [s["path"] for s in Relay.seen] == ["/open"]  # reached directly, once


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), 0.0, -1.0])
def test_http_timeout_must_be_finite(timeout: float) -> None:
    with pytest.raises(ConfigError, match="http_timeout_s"):
        HttpDoor("https://relay.example/open", "POST", "", timeout, 1.0)
