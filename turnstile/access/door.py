"""Door output: the DoorOutput protocol with simulated, serial-relay and HTTP-relay drivers.

Fail-secure: a driver that cannot confirm the open command reports failure (logged, shown on
screen as "the door did not open"); nothing retries an open on its own.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol

from turnstile.config import DoorConfig
from turnstile.types import DoorResult as DoorResult  # drivers return it; it lives in types

log = logging.getLogger(__name__)


class DoorOutput(Protocol):
    """Pulses the door open for its configured time; close() releases the hardware."""

    def open(self) -> DoorResult: ...

    def close(self) -> None: ...


class SimulatedDoor:
    """No hardware: logs each pulse and counts them (demos, replay, tests)."""

    def __init__(self, pulse_s: float = 1.0) -> None:
        self.pulse_s = pulse_s
        self.pulses = 0

    def open(self) -> DoorResult:
        self.pulses += 1
        log.info("door pulse %.1f s (simulated)", self.pulse_s)
        return DoorResult(True, f"simulated pulse {self.pulse_s:g} s")

    def close(self) -> None:
        pass


class SerialDoor:
    """A USB/RS-232 relay board: writes the open bytes, then the close bytes after the pulse.

    An empty `close_bytes` means the board times the pulse itself. The port is opened on first
    use and again after an error, so an unplugged board fails one grant, not the kiosk.
    """

    def __init__(self, port: str, baud: int, open_bytes: bytes, close_bytes: bytes,
                 pulse_s: float) -> None:
        self.port = port
        self.baud = baud
        self.open_bytes = open_bytes
        self.close_bytes = close_bytes
        self.pulse_s = pulse_s
        self._serial: Any = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def _write(self, data: bytes) -> None:
        import serial  # pyserial; imported here so simulated kiosks never need a port

        if self._serial is None:
            self._serial = serial.Serial(self.port, self.baud, timeout=1.0, write_timeout=1.0)
        written = self._serial.write(data)
        self._serial.flush()
        if written != len(data):
            raise OSError(f"wrote {written} of {len(data)} bytes")

    def _drop(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except Exception:  # the port is already broken; we are discarding it
                log.debug("closing a failed serial port", exc_info=True)
            self._serial = None

    def open(self) -> DoorResult:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            try:
                self._write(self.open_bytes)
            except Exception as exc:  # pyserial raises SerialException, OSError, ValueError
                self._drop()
                log.error("serial relay %s did not take the open command: %s", self.port, exc)
                return DoorResult(False, f"serial relay {self.port}: {exc}")
            if self.close_bytes:
                self._timer = threading.Timer(self.pulse_s, self._release)
                self._timer.daemon = True
                self._timer.start()
        return DoorResult(True, f"serial relay {self.port} pulsed {self.pulse_s:g} s")

    def _release(self) -> None:
        with self._lock:
            try:
                self._write(self.close_bytes)
            except Exception as exc:
                self._drop()
                log.error("serial relay %s did not take the close command: %s", self.port, exc)

    def close(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None and timer.is_alive():
            timer.cancel()
            self._release()  # never leave the relay energised on shutdown
        with self._lock:
            self._drop()


class HttpDoor:
    """A network relay: one HTTP request per grant; any status but 2xx is a failure.

    In the body, {pulse_ms} and {pulse_s} are replaced by the pulse length.
    """

    def __init__(self, url: str, method: str, body: str, timeout_s: float,
                 pulse_s: float) -> None:
        self.url = url
        self.method = method.upper()
        self.body = body
        self.timeout_s = timeout_s
        self.pulse_s = pulse_s

    def open(self) -> DoorResult:
        body = (self.body.replace("{pulse_ms}", str(round(self.pulse_s * 1000)))
                .replace("{pulse_s}", f"{self.pulse_s:g}"))
        request = urllib.request.Request(self.url, data=body.encode() if body else None,
                                         method=self.method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError, ValueError) as exc:
            log.error("HTTP relay %s did not answer: %s", self.url, exc)
            return DoorResult(False, f"HTTP relay did not answer: {exc}")
        if not 200 <= status < 300:
            log.error("HTTP relay %s answered %d", self.url, status)
            return DoorResult(False, f"HTTP relay answered {status}")
        return DoorResult(True, f"HTTP relay answered {status}")

    def close(self) -> None:
        pass


def build_door(config: DoorConfig) -> DoorOutput:
    """The configured driver. DoorConfig's schema already refused a half-configured relay
    (missing port, bad hex, no URL) when the config was read."""
    if config.kind == "serial":
        return SerialDoor(config.serial_port, config.serial_baud,
                          bytes.fromhex(config.serial_open_hex),
                          bytes.fromhex(config.serial_close_hex), config.pulse_s)
    if config.kind == "http":
        return HttpDoor(config.http_url, config.http_method, config.http_body,
                        config.http_timeout_s, config.pulse_s)
    return SimulatedDoor(config.pulse_s)


def pulse_once(config: DoorConfig, wait: Callable[[float], None] = time.sleep) -> DoorResult:
    """Open the configured door once for its pulse, then release it: `turnstile door test`
    and the settings page's "Test door" both call this, against the driver the kiosk uses."""
    door = build_door(config)
    try:
        result = door.open()
        if result.opened:
            wait(config.pulse_s)  # a serial board gets its close bytes after the full pulse
    finally:
        door.close()
    return result
