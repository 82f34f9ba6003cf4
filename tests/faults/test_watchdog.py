"""The service watchdog: fed by the processing loop, silent when it hangs; the unit uses it."""

from __future__ import annotations

import configparser
import contextlib
import socket
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.access.test_pipeline import ScriptDetector, build
from tests.faults.test_loop_faults import Endless
from turnstile.access.health import FaultClock, Heartbeat, ServiceFaultError
from turnstile.access.pipeline import run
from turnstile.config import CameraConfig
from turnstile.types import Face, Image

UNIT = Path(__file__).resolve().parents[2] / "packaging" / "linux" / "turnstile-kiosk.service"


@pytest.fixture
def manager() -> Iterator[socket.socket]:
    """A datagram socket standing in for systemd's NOTIFY_SOCKET."""
    with tempfile.TemporaryDirectory() as folder:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(Path(folder) / "notify"))
        sock.settimeout(0.05)
        yield sock
        sock.close()


def received(sock: socket.socket, seconds: float) -> list[str]:
    messages: list[str] = []
    deadline = threading.Event()
    threading.Timer(seconds, deadline.set).start()
    while not deadline.is_set():
        with contextlib.suppress(TimeoutError):
            messages.append(sock.recv(256).decode())
    return messages


class HangingDetector(ScriptDetector):
    """Detects normally until `hang` is set, then blocks inside detect (a hung backend)."""

    def __init__(self) -> None:
        self.hang = threading.Event()
        self.release = threading.Event()

    def detect(self, image: Image) -> list[Face]:
        if self.hang.is_set():
            self.release.wait()
        return super().detect(image)


def test_the_loop_feeds_the_watchdog_and_a_hung_loop_stops_feeding_it(
        manager: socket.socket, conn: sqlite3.Connection) -> None:
    pipeline = build(conn)
    detector = HangingDetector()
    pipeline.detector = detector
    heartbeat = Heartbeat(manager.getsockname(), every_s=0.05)
    stop = threading.Event()
    loop = threading.Thread(target=run, args=(Endless(), pipeline, lambda r: None),
                            kwargs={"camera": CameraConfig(), "stop": stop,
                                    "heartbeat": heartbeat}, daemon=True)
    loop.start()
    try:
        assert received(manager, 0.5).count("WATCHDOG=1") >= 3
        detector.hang.set()
        received(manager, 0.2)  # the beat already in flight
        assert received(manager, 0.6) == []  # hung: systemd would kill and restart it
    finally:
        stop.set()
        detector.release.set()
        loop.join(5)
    assert not loop.is_alive()


def test_ready_and_status_reach_the_manager(manager: socket.socket) -> None:
    heartbeat = Heartbeat(manager.getsockname())
    heartbeat.ready()
    heartbeat.status("out of service: database disk image is malformed")
    assert received(manager, 0.2) == [
        "READY=1", "STATUS=out of service: database disk image is malformed"]


def test_without_a_manager_the_heartbeat_is_silent() -> None:
    heartbeat = Heartbeat("")
    heartbeat.ready()
    heartbeat.beat()
    assert heartbeat.sent == 0


def test_a_fault_clock_forgives_a_short_fault_and_not_a_long_one() -> None:
    now = [0.0]
    clock = FaultClock(10.0, lambda: now[0])
    clock.fault("event log", "database is locked")
    now[0] = 9.0
    clock.check()
    clock.ok("event log")
    now[0] = 30.0
    clock.check()
    clock.fault("camera", "no frame for 3 s")
    now[0] = 40.5
    with pytest.raises(ServiceFaultError, match="camera failing for 10 s: no frame"):
        clock.check()


def test_the_unit_is_notify_type_with_a_watchdog_and_always_restarts() -> None:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(UNIT)
    service = unit["Service"]
    assert service["Type"] == "notify"
    assert 5 <= int(service["WatchdogSec"]) <= 120
    assert service["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
