"""Keeping the kiosk alive unattended: fault clock, retry backoff and the service watchdog.

A fault that clears within `fault_exit_s` (a locked database, a camera hiccup, a door
timeout) is retried and forgotten; one that persists past it ends the run with ServiceFaultError, so
the process exits non-zero and the service manager starts a fresh one. The watchdog is fed
from the processing loop itself: a hung loop stops feeding it and systemd restarts the kiosk.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

#: The kiosk's exit status when it gives up on a persistent fault (the service restarts it).
EXIT_FAULT = 3


class ServiceFaultError(RuntimeError):
    """A fault persisted past its limit: the process should end and be restarted."""


class Backoff:
    """Retry delays: `initial` seconds, doubling up to `maximum`; reset on success."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial = initial
        self.maximum = max(maximum, initial)
        self._next = initial

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2.0, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial


class FaultClock:
    """How long each kind of fault has lasted without a success in between."""

    def __init__(self, limit_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit_s = limit_s
        self._clock = clock
        self._since: dict[str, float] = {}
        self._last: dict[str, str] = {}

    def fault(self, kind: str, detail: str) -> None:
        """Note a failure of `kind`; the first one of a run starts its clock."""
        self._since.setdefault(kind, self._clock())
        self._last[kind] = detail

    def ok(self, kind: str) -> None:
        self._since.pop(kind, None)
        self._last.pop(kind, None)

    def faulty(self, kind: str) -> bool:
        return kind in self._since

    def check(self) -> None:
        """Raise ServiceFaultError when any fault has lasted longer than the limit."""
        now = self._clock()
        for kind, since in self._since.items():
            if now - since > self.limit_s:
                raise ServiceFaultError(
                    f"{kind} failing for {now - since:.0f} s: {self._last[kind]}")


class Heartbeat:
    """Tells systemd (Type=notify) that the loop is alive; silent where NOTIFY_SOCKET is unset.

    The sd_notify protocol is one datagram per message to the socket systemd names; at most
    one WATCHDOG=1 per `every_s` seconds is sent however fast the loop runs.
    """

    def __init__(self, address: str | None = None, every_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        address = os.environ.get("NOTIFY_SOCKET", "") if address is None else address
        # A leading "@" names a socket in the abstract namespace.
        self.address = "\0" + address[1:] if address.startswith("@") else address
        self.every_s = every_s
        self._clock = clock
        self._last = float("-inf")
        self.sent = 0

    def _send(self, message: str) -> None:
        if not self.address:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message.encode(), self.address)
            self.sent += 1
        except OSError as exc:  # the manager went away; the loop must not die of it
            log.debug("service notification failed: %s", exc)

    def ready(self) -> None:
        self._send("READY=1")

    def beat(self) -> None:
        now = self._clock()
        if now - self._last >= self.every_s:
            self._last = now
            self._send("WATCHDOG=1")

    def status(self, text: str) -> None:
        self._send(f"STATUS={text[:200]}")

    def stopping(self) -> None:
        self._send("STOPPING=1")
