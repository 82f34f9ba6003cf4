"""The kiosk as an OSDP reader (peripheral device) of an access-control panel (door.kind "osdp").

A grant is sent to the panel as a card read of the person's card number; the panel decides
and answers with its reader LED: green opens, red, silence past osdp.grant_timeout_s or a
panel that is not polling refuses (fail-secure). libosdp (the `osdp` extra) is imported only
when such a door is built. The card number and the secure channel key are never logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from turnstile.access.osdpkey import key_path, load_key
from turnstile.cards import CardError, card_format, encode
from turnstile.config import ConfigError
from turnstile.configlinks import OsdpConfig
from turnstile.types import Admitted, DoorResult, PanelAnswer

log = logging.getLogger(__name__)

#: Seconds between two turns of the protocol loop (libosdp's own examples use 20 ms).
TICK_S = 0.02
#: Turns of the loop between two looks at the panel's online and secure channel state.
STATUS_EVERY = 10
#: OSDP LED colours (IEC 60839-11-5, osdp_LED) the verdict is read from.
LED_RED, LED_GREEN = 1, 2
#: libosdp command ids of osdp_LED and osdp_BUZ.
CMD_LED, CMD_BUZZER = 2, 3
#: After this long without a poll libosdp calls the panel offline (OSDP_PD_ONLINE_TOUT_MS).
OFFLINE_AFTER_S = 8


class ByteChannel(Protocol):
    """The bus as libosdp reads and writes it: non-blocking, partial reads and writes."""

    def read(self, max_bytes: int) -> bytes: ...

    def write(self, data: bytes) -> int: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class PanelStatus:
    """What the kiosk knows of its panel: polling us, over a secure channel, tamper reported."""

    online: bool
    secure: bool
    tamper: bool = False

    def describe(self) -> str:
        if not self.online:
            return f"access panel offline (no poll for {OFFLINE_AFTER_S} s or more)"
        return "access panel online" + (", secure channel" if self.secure else "")


class SerialChannel:
    """An RS-485 adapter through pyserial; a port that fails is reopened on the next read."""

    def __init__(self, port: str, baud: int) -> None:
        self.port = port
        self.baud = baud
        self._serial: Any = None
        self._warned = False

    def _open(self) -> Any:
        import serial  # pyserial; imported here so other door kinds never need it

        if self._serial is None:
            self._serial = serial.Serial(self.port, self.baud, timeout=0, write_timeout=0)
            self._warned = False
        return self._serial

    def _failed(self, exc: Exception) -> None:
        if not self._warned:  # once per outage, not 50 times a second
            log.error("OSDP serial port %s: %s", self.port, exc)
            self._warned = True
        self.close()

    def read(self, max_bytes: int) -> bytes:
        try:
            return bytes(self._open().read(max_bytes))
        except Exception as exc:  # pyserial raises SerialException, OSError, ValueError
            self._failed(exc)
            return b""

    def write(self, data: bytes) -> int:
        try:
            return int(self._open().write(data) or 0)
        except Exception as exc:
            self._failed(exc)
            return 0

    def flush(self) -> None:
        """libosdp flushes to drop stale input; pyserial's flush() would wait on output."""
        try:
            self._open().reset_input_buffer()
        except Exception as exc:
            self._failed(exc)

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except Exception:  # already broken; it is being discarded
                log.debug("closing the OSDP serial port failed", exc_info=True)
            self._serial = None


class OsdpDoor:
    """An OSDP peripheral device on `channel` whose open() asks the panel; owns one thread.

    `on_status` hears each change of the panel's state and `on_buzzer` each buzzer command
    the panel sends outside a card read (both from the driver's thread).
    """

    def __init__(self, channel: ByteChannel, config: OsdpConfig, key: bytes | None,
                 on_status: Callable[[PanelStatus], None] | None = None) -> None:
        import osdp  # the `osdp` extra (libosdp); only an OSDP kiosk needs it
        import osdp_sys

        card_format(config.card_format).check(config.facility_code, 0)
        self._config = config
        self._channel = channel
        self._secure = key is not None
        self.on_status = on_status
        self.on_buzzer: Callable[[], None] | None = None
        capabilities = [(osdp.Capability.LEDControl, 1, 1),
                        (osdp.Capability.AudibleControl, 1, 1),
                        (osdp.Capability.CardDataFormat, 1, 1)]
        if key is not None:
            capabilities.append((osdp.Capability.CommunicationSecurity, 1, 1))
        flags = [osdp.LibFlag.EnforceSecure] if key is not None else []
        info = osdp.PDInfo(config.address, channel, scbk=key, name="turnstile", flags=flags)
        osdp_sys.set_loglevel(osdp.LogLevel.Warning)  # debug output dumps packets and SC state
        self._ctx = osdp_sys.PeripheralDevice(
            info.get(), capabilities=osdp.PDCapabilities(capabilities).get())
        self._ctx.set_command_callback(self._on_command)
        self._card_read = osdp.Event.CardRead
        self._status_event = osdp.Event.Status
        self._local_status = osdp.StatusReportType.Local
        self._wiegand = osdp.CardFormat.Wiegand
        self._lock = threading.Lock()  # libosdp's context is not thread-safe
        self._answer = threading.Condition()
        self._awaiting = False
        self._verdict: PanelAnswer | None = None
        self._heard: list[str] = []
        #: Commands the panel sent so far (for diagnostics).
        self.commands = 0
        #: (online, secure) as last seen by the loop, and the tamper state last reported:
        #: kept apart so neither thread's update can undo the other's.
        self._link = (False, False)
        self._tamper = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="osdp-reader", daemon=True)
        self._thread.start()

    @property
    def status(self) -> PanelStatus:
        return PanelStatus(*self._link, self._tamper)

    def _loop(self) -> None:
        turn, failing = 0, False
        while not self._stop.is_set():
            try:
                with self._lock:
                    self._ctx.refresh()
                if turn % STATUS_EVERY == 0:
                    self._watch()
                failing = False
            except Exception:  # one bad turn must not end the reader; the next one retries
                if not failing:  # once per run of failures, not 50 times a second
                    log.exception("the OSDP reader loop failed a turn")
                failing = True
            turn += 1
            self._stop.wait(TICK_S)

    def _watch(self) -> None:
        with self._lock:
            online, secure = bool(self._ctx.is_online()), bool(self._ctx.is_sc_active())
        if (online, secure) == self._link:
            return
        self._link = (online, secure)
        status = self.status
        (log.info if online else log.warning)("OSDP: %s", status.describe())
        if self.on_status is not None:
            self.on_status(status)

    def _on_command(self, command: dict[str, Any]) -> tuple[int, None]:
        """libosdp's command callback (the driver's thread): LED and buzzer; always ACKed."""
        self.commands += 1
        try:
            kind = command.get("command")
            if kind == CMD_LED:
                self._led(int(command.get("on_color", 0)))
            elif kind == CMD_BUZZER and int(command.get("control_code", 0)) != 0:
                self._buzzer()
        except Exception:  # an exception here would surface inside libosdp's refresh
            log.exception("the OSDP command handler failed")
        return 0, None

    def _buzzer(self) -> None:
        """During a card read the beep is part of the answer (the verdict's own sound
        plays); otherwise the kiosk sounds it (the panel's alarms, a remote refusal)."""
        with self._answer:
            if self._awaiting:
                self._heard.append("buzzer")
                return
        if self.on_buzzer is not None:
            self.on_buzzer()

    def _led(self, colour: int) -> None:
        with self._answer:
            if not self._awaiting or self._verdict is not None:
                return  # the panel's idle LED, not an answer to our card read
            if colour == LED_GREEN:
                self._heard.append("green LED")
                self._verdict = PanelAnswer.GRANTED
            elif colour == LED_RED:
                self._heard.append("red LED")
                self._verdict = PanelAnswer.DENIED
            self._answer.notify_all()

    def open(self, person: Admitted | None = None) -> DoorResult:
        """Send the person's card read and wait for the panel's LED; anything else refuses."""
        fmt = card_format(self._config.card_format)
        if person is None or person.credential is None:
            return DoorResult(False, "no card number for the access panel (set one in the "
                              "people editor)", PanelAnswer.NO_CREDENTIAL)
        try:
            bits = encode(fmt.name, self._config.facility_code, person.credential)
        except CardError as exc:
            return DoorResult(False, str(exc), PanelAnswer.NO_CREDENTIAL)
        status = self.status
        if not status.online or (self._secure and not status.secure):
            why = "no secure channel with the access panel" if status.online \
                else status.describe()
            return DoorResult(False, f"{why}: no card read sent", PanelAnswer.OFFLINE)
        with self._answer:
            self._awaiting, self._verdict, self._heard = True, None, []
        event = {"event": self._card_read, "reader_no": 0, "format": self._wiegand,
                 "direction": 0, "length": bits.length, "data": bits.data()}
        with self._lock:
            sent = self._ctx.submit_event(event)
        with self._answer:
            if sent:
                self._answer.wait_for(lambda: self._verdict is not None,
                                      self._config.grant_timeout_s)
            verdict, heard = self._verdict, ", ".join(self._heard)
            self._awaiting = False
        if verdict is None:
            # A card read still queued must not reach a panel that starts polling later:
            # it would open the door for whoever stands there then.
            with self._lock:
                self._ctx.flush_events()
        return _result(fmt.title, sent, verdict, heard, self._config.grant_timeout_s)

    def report_tamper(self, active: bool) -> None:
        """Tell the panel (osdp_LSTATR) whether the kiosk is being tampered with."""
        if active == self._tamper:
            return
        self._tamper = active
        event = {"event": self._status_event, "type": self._local_status, "nr_entries": 2,
                 "report": bytes([int(active), 0])}  # tamper, power (mains is fine)
        with self._lock:
            sent = self._ctx.submit_event(event)
        log.warning("OSDP: tamper %s%s", "reported" if active else "cleared",
                    "" if sent else " (not queued)")

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
        self._channel.close()


def _result(title: str, sent: bool, verdict: PanelAnswer | None, heard: str,
            timeout_s: float) -> DoorResult:
    if not sent:
        return DoorResult(False, "the card read could not be queued for the access panel",
                          PanelAnswer.NO_ANSWER)
    if verdict is PanelAnswer.GRANTED:
        return DoorResult(True, f"{title} card read; access panel granted ({heard})", verdict)
    if verdict is PanelAnswer.DENIED:
        return DoorResult(False, f"{title} card read; access panel denied ({heard})", verdict)
    suffix = f" (heard {heard})" if heard else ""
    return DoorResult(False, f"{title} card read; no answer from the access panel within "
                      f"{timeout_s:g} s{suffix}", PanelAnswer.NO_ANSWER)


def build_osdp_door(config: OsdpConfig, data_dir: Path,
                    on_status: Callable[[PanelStatus], None] | None = None,
                    channel: ByteChannel | None = None) -> OsdpDoor:
    """The configured reader on osdp.port (or `channel`), its key created when needed."""
    if not config.port and channel is None:
        raise ConfigError("door.kind = \"osdp\" needs osdp.port")
    key = None
    if config.secure_channel:
        key = load_key(key_path(config.key_file, data_dir), create=not config.key_file)
    return OsdpDoor(channel or SerialChannel(config.port, config.baud), config, key, on_status)
