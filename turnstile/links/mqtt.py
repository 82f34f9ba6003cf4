"""Events published to an MQTT broker, with a retained online/offline status (last will)."""

from __future__ import annotations

import logging
import secrets
import ssl
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from paho.mqtt import client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.reasoncodes import ReasonCode

from turnstile.config import Config
from turnstile.links.discovery import OFFLINE, ONLINE, Topics, discovery_messages
from turnstile.links.event import kiosk_id
from turnstile.links.sink import Delivery, read_private

log = logging.getLogger(__name__)

#: Seconds between keep-alive pings: a silently dead link is noticed, and the broker sends
#: the last will, after about 1.5 times this.
KEEPALIVE_S = 30
#: Seconds one deliver() waits for the broker's PUBACK before reporting it unconfirmed.
CONFIRM_S = 5.0
#: Reconnect delays (paho doubles from the first to the second).
RECONNECT_S = (1, 5)


@dataclass(frozen=True)
class MqttSettings:
    """Everything a connection needs, resolved and checked from [events.mqtt]."""

    host: str
    port: int
    tls: bool
    topics: Topics
    qos: int = 1
    discovery: bool = True
    ca_file: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    #: The door relay's pulse: how long Home Assistant shows the door unlocked.
    pulse_s: float = 1.0

    @classmethod
    def from_config(cls, config: Config) -> MqttSettings | None:
        """None when events.mqtt.url is empty; a ConfigError for an unreadable or
        world-readable credentials file."""
        mqtt = config.events.mqtt
        if not mqtt.url:
            return None
        url = urlsplit(mqtt.url)
        tls = url.scheme == "mqtts"
        username = password = ""
        if mqtt.credentials_file:
            username, _, password = read_private("events.mqtt.credentials_file",
                                                 mqtt.credentials_file).partition(":")
        topics = Topics(mqtt.topic, kiosk_id(config), mqtt.discovery_prefix)
        return cls(str(url.hostname), url.port or (8883 if tls else 1883), tls, topics,
                   int(mqtt.qos), mqtt.discovery, mqtt.ca_file, username, password,
                   config.door.pulse_s)


def connect_problem(settings: MqttSettings, error: BaseException | None) -> str:
    """Why a connection failed, in words that say what to fix (a certificate the kiosk
    does not trust is no network fault, and retrying will not cure it)."""
    where = f"{settings.host}:{settings.port}"
    if isinstance(error, ssl.SSLCertVerificationError):
        fix = ("events.mqtt.ca_file" if settings.ca_file else
               "the system's CAs; set events.mqtt.ca_file to the broker's CA")
        return (f"the TLS certificate of the broker {where} is not trusted "
                f"({error.verify_message}); check {fix} (retrying)")
    if isinstance(error, ssl.SSLError):
        return f"the TLS handshake with the broker {where} failed ({error.reason}) (retrying)"
    detail = f": {error}" if error is not None else ""
    return f"cannot reach the broker {where}{detail} (retrying)"


class MqttSink:
    """One broker connection kept up by paho's thread. One event is in flight at a time; an
    event not yet confirmed stays paho's to resend on reconnect, so a retry waits for it
    instead of publishing it again. `announce`: own the kiosk's status topic (last will,
    online, discovery); a one-off `sync --once` leaves it to the running kiosk."""

    name = "mqtt"
    retry_max_s = 5.0

    def __init__(self, settings: MqttSettings, announce: bool = True,
                 confirm_s: float = CONFIRM_S) -> None:
        self.settings = settings
        self.announce = announce
        self.confirm_s = confirm_s
        self.problem = "not connected to the broker yet"
        self._cond = threading.Condition()
        self._acked: dict[int, ReasonCode] = {}
        self._in_flight: tuple[str, int] | None = None
        self._connected = threading.Event()
        self._closing = False
        self._client = self._make_client()
        self._client.connect_async(settings.host, settings.port, keepalive=KEEPALIVE_S)
        self._client.loop_start()

    def _make_client(self) -> paho.Client:
        s = self.settings
        client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5,
                             client_id=f"turnstile-{s.topics.node}-{secrets.token_hex(4)}")
        if s.username:
            client.username_pw_set(s.username, s.password or None)
        if s.tls:
            client.tls_set(ca_certs=str(Path(s.ca_file).expanduser()) if s.ca_file else None,
                           cert_reqs=ssl.CERT_REQUIRED)
        if self.announce:
            client.will_set(s.topics.status, OFFLINE, qos=1, retain=True)
        client.reconnect_delay_set(*RECONNECT_S)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_connect_fail = self._on_connect_fail
        client.on_publish = self._on_publish
        return client

    def _on_connect(self, client: paho.Client, userdata: Any, flags: Any,
                    reason: ReasonCode, properties: Any) -> None:
        if reason.is_failure:
            if self.problem != f"the broker refused the connection: {reason}":
                log.warning("the MQTT broker %s refused the connection: %s",
                            self.settings.host, reason)
            self.problem = f"the broker refused the connection: {reason}"
            return
        log.info("connected to the MQTT broker %s:%d", self.settings.host, self.settings.port)
        self.problem = ""
        self._connected.set()
        if self.announce:
            client.publish(self.settings.topics.status, ONLINE, qos=1, retain=True)
            if self.settings.discovery:
                for topic, config in discovery_messages(self.settings.topics,
                                                        self.settings.pulse_s):
                    client.publish(topic, config, qos=1, retain=True)

    def _on_connect_fail(self, client: paho.Client, userdata: Any) -> None:
        # paho calls this while handling the connection's OSError and passes it no further.
        problem = connect_problem(self.settings, sys.exc_info()[1])
        if problem != self.problem:
            log.warning("MQTT broker: %s", problem)
        self.problem = problem

    def _on_disconnect(self, client: paho.Client, userdata: Any, flags: Any,
                       reason: ReasonCode, properties: Any) -> None:
        if self._connected.is_set() and not self._closing:
            log.warning("disconnected from the MQTT broker (%s); reconnecting", reason)
        self._connected.clear()
        self.problem = f"disconnected from the broker ({reason})"

    def _on_publish(self, client: paho.Client, userdata: Any, mid: int, reason: ReasonCode,
                    properties: Any) -> None:
        with self._cond:
            self._acked[mid] = reason
            self._cond.notify_all()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def deliver(self, uid: str, body: bytes) -> Delivery:
        mid = self._publish(uid, body)
        if mid is None:
            return Delivery(False, self.problem or "the MQTT client would not queue the event")
        with self._cond:
            self._cond.wait_for(lambda: mid in self._acked, timeout=self.confirm_s)
            reason = self._acked.pop(mid, None)
            if reason is None:
                return Delivery(False, self.problem or "the broker has not confirmed the event")
            self._in_flight = None
        if reason.is_failure:  # e.g. not authorised for the topic: sent again later
            return Delivery(False, f"the broker refused the event: {reason}")
        return Delivery(True, "confirmed" if self.settings.qos else "sent (qos 0)")

    def _publish(self, uid: str, body: bytes) -> int | None:
        with self._cond:
            if self._in_flight is not None and self._in_flight[0] == uid:
                return self._in_flight[1]
            # Acks of status messages would linger; dropped before a new mid can reuse theirs.
            self._acked.clear()
        # Not under our lock: paho calls on_publish holding its own.
        info = self._client.publish(self.settings.topics.event, body, qos=self.settings.qos)
        queued = info.rc is MQTTErrorCode.MQTT_ERR_SUCCESS or (
            info.rc is MQTTErrorCode.MQTT_ERR_NO_CONN and self.settings.qos > 0)
        if not queued:  # NO_CONN with qos >= 1: paho keeps it until it connects
            return None
        with self._cond:
            self._in_flight = (uid, info.mid)
        return info.mid

    def close(self) -> None:
        """Say offline (a clean disconnect sends no last will), then disconnect."""
        self._closing = True
        if self.announce and self.connected:
            info = self._client.publish(self.settings.topics.status, OFFLINE, qos=1,
                                        retain=True)
            with self._cond:
                self._cond.wait_for(lambda: info.mid in self._acked, timeout=2.0)
        self._client.disconnect()
        self._client.loop_stop()
