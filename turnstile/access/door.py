"""Door output: the DoorOutput protocol with simulated, serial-relay, HTTP-relay and OSDP drivers.

Fail-secure: a driver that cannot confirm the open command reports failure (logged, shown on
screen as "the door did not open"); nothing retries an open on its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from turnstile.access.health import Backoff
from turnstile.config import DoorConfig
from turnstile.configlinks import OsdpConfig
from turnstile.types import Admitted
from turnstile.types import DoorResult as DoorResult  # drivers return it; it lives in types

log = logging.getLogger(__name__)

#: The longest a serial relay stays energised in one go, however often it is re-triggered.
MAX_OPEN_S = 10.0
#: Seconds to wait for a board's answer to a command (when it answers).
ACK_TIMEOUT_S = 1.0
#: A close the board did not take is retried after these delays (doubling).
CLOSE_RETRY_S = 0.2
CLOSE_RETRY_MAX_S = 5.0
#: Attempts at closing the relay while the kiosk shuts down.
SHUTDOWN_CLOSE_ATTEMPTS = 5


class DoorOutput(Protocol):
    """Pulses the door open for its configured time; close() releases the hardware.

    `person` is who the grant is for (None: a test pulse); a relay ignores it, a reader of
    an access panel sends their card number and returns the panel's verdict.
    """

    def open(self, person: Admitted | None = None) -> DoorResult: ...

    def close(self) -> None: ...


class SimulatedDoor:
    """No hardware: logs each pulse and counts them (demos, replay, tests)."""

    def __init__(self, pulse_s: float = 1.0) -> None:
        self.pulse_s = pulse_s
        self.pulses = 0

    def open(self, person: Admitted | None = None) -> DoorResult:
        self.pulses += 1
        log.info("door pulse %.1f s (simulated)", self.pulse_s)
        return DoorResult(True, f"simulated pulse {self.pulse_s:g} s")

    def close(self) -> None:
        pass


class SerialDoor:
    """A USB/RS-232 relay board: writes the open bytes, then the close bytes after the pulse.

    Fails shut: the relay is driven closed whenever the port is (re)opened, so a kiosk
    killed mid-pulse closes it on its next start; a close that fails is retried with backoff
    until the board takes it (and answers `close_ack`, for a board that answers); the relay
    is never held open longer than `max_open_s` however often it is re-triggered. An empty
    `close_bytes` means the board times the pulse itself.
    """

    def __init__(self, port: str, baud: int, open_bytes: bytes, close_bytes: bytes,
                 pulse_s: float, *, open_ack: bytes = b"", close_ack: bytes = b"",
                 max_open_s: float = MAX_OPEN_S) -> None:
        self.port = port
        self.baud = baud
        self.open_bytes = open_bytes
        self.close_bytes = close_bytes
        self.open_ack = open_ack
        self.close_ack = close_ack
        self.max_open_s = max(max_open_s, 0.05)
        self.pulse_s = min(pulse_s, self.max_open_s)
        self._serial: Any = None
        self._lock = threading.RLock()
        self._timer: threading.Timer | None = None
        self._opened_at: float | None = None
        self._retry = Backoff(CLOSE_RETRY_S, CLOSE_RETRY_MAX_S)
        #: Whether the board took the last close (None: not known yet).
        self.closed: bool | None = None
        #: close() was called: no retry may start again behind its back.
        self._shut = False

    def _connected(self) -> tuple[Any, str | None]:
        """The open port, and the board's answer to the close sent on connecting (None when
        the port was already open)."""
        import serial  # pyserial; imported here so simulated kiosks never need a port

        if self._serial is not None:
            return self._serial, None
        self._serial = serial.Serial(self.port, self.baud, timeout=ACK_TIMEOUT_S,
                                     write_timeout=1.0)
        if not self.close_bytes:
            return self._serial, None
        # A fresh connection (a start, or after an error) first drives the relay closed: a
        # process killed mid-pulse must not leave the door open.
        answer = self._send(self._serial, self.close_bytes, self.close_ack)
        self.closed = True
        return self._serial, answer

    @staticmethod
    def _send(port: Any, data: bytes, ack: bytes) -> str:
        port.reset_input_buffer()
        written = port.write(data)
        port.flush()
        if written != len(data):
            raise OSError(f"wrote {written} of {len(data)} bytes")
        if not ack:
            return ""
        answer = bytes(port.read(len(ack)))
        if answer != ack:
            raise OSError(f"the board answered {answer.hex().upper() or 'nothing'}, "
                          f"expected {ack.hex().upper()}")
        return f"board answered {answer.hex().upper()}"


    def _drop(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except Exception:  # the port is already broken; we are discarding it
                log.debug("closing a failed serial port", exc_info=True)
            self._serial = None

    def exchange(self, query: bytes, answer_bytes: int) -> bytes:
        """Send `query` and read the board's answer (its inputs), between relay commands on
        the same port; OSError when the board does not answer in full."""
        with self._lock:
            try:
                port, _ = self._connected()
                port.reset_input_buffer()
                port.write(query)
                port.flush()
                answer = bytes(port.read(answer_bytes))
            except Exception as exc:  # pyserial raises SerialException, OSError, ValueError
                self._drop()
                raise OSError(f"serial board {self.port}: {exc}") from exc
        if len(answer) != answer_bytes:
            raise OSError(f"serial board {self.port} answered {len(answer)} of {answer_bytes} "
                          "input byte(s)")
        return answer

    def secure(self) -> DoorResult:
        """Drive the relay closed now (at start, and by `turnstile door test`)."""
        with self._lock:
            if not self.close_bytes:
                return DoorResult(True, "the board times its pulse itself (no close command)")
            self._cancel_timer()
            return self._release()

    def open(self, person: Admitted | None = None) -> DoorResult:
        with self._lock:
            now = time.monotonic()
            self._cancel_timer()
            try:
                port, _ = self._connected()
                answer = self._send(port, self.open_bytes, self.open_ack)
            except Exception as exc:  # pyserial raises SerialException, OSError, ValueError
                self._drop()
                log.error("serial relay %s did not take the open command: %s", self.port, exc)
                if self.close_bytes:
                    self._schedule(0.0)  # it may have half-taken it: make sure it is shut
                return DoorResult(False, f"serial relay {self.port}: {exc}")
            pulse = self.pulse_s
            if self.close_bytes:
                self.closed = False
                if self._opened_at is None:
                    self._opened_at = now
                # Re-triggering extends the pulse, but never past max_open_s in one go.
                pulse = max(0.0, min(pulse, self._opened_at + self.max_open_s - now))
                self._schedule(pulse)
        suffix = f"; {answer}" if answer else ""
        return DoorResult(True, f"serial relay {self.port} pulsed {pulse:g} s{suffix}")

    def _schedule(self, delay: float) -> None:
        self._cancel_timer()
        if self._shut:
            return
        self._timer = threading.Timer(delay, self._timed_release)
        self._timer.daemon = True
        self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_release(self) -> None:
        with self._lock:
            self._timer = None
            if not self._shut:
                self._release()

    def _release(self) -> DoorResult:
        """Send the close command; when it is not taken, retry (backoff) until it is."""
        try:
            port, answer = self._connected()
            if answer is None:
                answer = self._send(port, self.close_bytes, self.close_ack)
        except Exception as exc:
            self._drop()
            self.closed = False
            delay = self._retry.next()
            log.error("serial relay %s did not take the close command: %s; retrying in %.1f s",
                      self.port, exc, delay)
            self._schedule(delay)
            return DoorResult(False, f"serial relay {self.port} did not close: {exc}")
        self._retry.reset()
        self._opened_at = None
        self.closed = True
        return DoorResult(True, f"serial relay {self.port} closed" +
                          (f"; {answer}" if answer else ""))

    def close(self) -> None:
        """Release the hardware, closing the relay first (a few tries while shutting down)."""
        if self.close_bytes and self.closed is not True:
            for _attempt in range(SHUTDOWN_CLOSE_ATTEMPTS):
                with self._lock:
                    self._cancel_timer()
                    if self._release().opened:
                        break
                time.sleep(CLOSE_RETRY_S)
        with self._lock:
            self._shut = True
            self._cancel_timer()
            self._drop()


def build_door(config: DoorConfig, osdp: OsdpConfig | None = None,
               data_dir: Path | None = None) -> DoorOutput:
    """The configured driver. DoorConfig's schema already refused a half-configured relay
    (missing port, bad hex, no URL) when the config was read. An OSDP reader needs its
    section and the data folder (where its key is created)."""
    if config.kind == "osdp":
        from turnstile.access.osdpdoor import build_osdp_door

        if osdp is None or data_dir is None:
            raise ValueError("an OSDP door is built with the [osdp] section and a data folder")
        return build_osdp_door(osdp, data_dir)
    if config.kind == "serial":
        door = SerialDoor(config.serial_port, config.serial_baud,
                          bytes.fromhex(config.serial_open_hex),
                          bytes.fromhex(config.serial_close_hex), config.pulse_s,
                          open_ack=bytes.fromhex(config.serial_open_ack_hex),
                          close_ack=bytes.fromhex(config.serial_close_ack_hex),
                          max_open_s=config.max_open_s)
        if door.close_bytes:
            # Fail shut from the first moment: a relay left energised (a crash, a kill
            # mid-pulse) is closed before the kiosk decides anything.
            door.secure()
        return door
    if config.kind == "http":
        from turnstile.access.httpdoor import build_http_door

        return build_http_door(config)
    return SimulatedDoor(config.pulse_s)


def pulse_once(config: DoorConfig, wait: Callable[[float], None] = time.sleep) -> DoorResult:
    """Open the configured door once for its pulse, then release it: the settings page's
    "Test door" calls this against the driver the kiosk uses (`turnstile door test` also
    reports the relay's close). An access panel's reader has no door of its own to pulse."""
    if config.kind == "osdp":
        return DoorResult(False, "door.kind = \"osdp\": the access panel drives the lock; "
                          "test the door from the panel (the kiosk only reads cards to it)")
    door = build_door(config)
    try:
        result = door.open()
        if result.opened:
            wait(config.pulse_s)  # a serial board gets its close bytes after the full pulse
    finally:
        door.close()
    return result
