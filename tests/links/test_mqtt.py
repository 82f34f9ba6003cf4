"""MqttSink on the real broker: events once and in order, the retained status and its last
will, Home Assistant discovery, credentials from a private file."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.links.conftest import WAIT_S, Kiosk, Listener, config, listen, private, wait_until
from tests.netproxy import TcpProxy
from turnstile.config import Config
from turnstile.configlinks import MqttConfig
from turnstile.configmeta import ConfigError
from turnstile.links.courier import Courier
from turnstile.links.mqtt import MqttSettings, MqttSink
from turnstile.links.streams import prepare, shaper
from turnstile.store import database as storage
from turnstile.store.outbox import Outbox


@pytest.fixture
def proxy(broker: tuple[str, int]) -> Iterator[TcpProxy]:
    server = TcpProxy(*broker)
    yield server
    server.close()


def _config(port: int, prefix: str, **extra: object) -> Config:
    return config(mqtt=MqttConfig(url=f"mqtt://127.0.0.1:{port}", topic=prefix,
                                  kiosk_id="door-1", discovery_prefix=f"{prefix}/ha",
                                  **extra))  # type: ignore[arg-type]


class Follower:
    """The kiosk's delivery thread for one sink, on its own connection."""

    def __init__(self, kiosk: Kiosk, cfg: Config) -> None:
        settings = MqttSettings.from_config(cfg)
        assert settings is not None
        self.sink = MqttSink(settings)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(kiosk.path, cfg), daemon=True)
        self.thread.start()

    def _run(self, path: Path, cfg: Config) -> None:
        conn = storage.connect(path)
        try:
            Courier(conn, self.sink, shaper(cfg)).run(self.stop)
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        self.sink.close()


def _status(listener: Listener, prefix: str) -> list[bytes]:
    return listener.on(f"{prefix}/door-1/status")


def test_events_once_in_order_across_a_cut_link_with_last_will(
        kiosk: Kiosk, listener: Listener, proxy: TcpProxy, broker: tuple[str, int],
        prefix: str) -> None:
    cfg = _config(proxy.port, prefix)
    prepare(kiosk.conn, cfg)
    follower = Follower(kiosk, cfg)
    try:
        wait_until(lambda: _status(listener, prefix)[-1:] == [b"online"])
        for _ in range(3):
            kiosk.grant()
        wait_until(lambda: len(listener.events(prefix)) == 3)
        wait_until(lambda: Outbox(kiosk.conn, "mqtt").size() == 0)  # every PUBACK is in
        proxy.cut()
        # The broker lost the client without a DISCONNECT: it publishes the last will.
        wait_until(lambda: _status(listener, prefix)[-1:] == [b"offline"])
        for _ in range(3):
            kiosk.stranger()
        kiosk.grant()
        proxy.restore()
        wait_until(lambda: len(listener.events(prefix)) == 7)
        wait_until(lambda: Outbox(kiosk.conn, "mqtt").size() == 0)
        assert _status(listener, prefix)[-1] == b"online"
    finally:
        follower.close()
    events = listener.events(prefix)
    assert [e["outcome"] for e in events] == ["granted"] * 3 + ["unknown"] * 3 + ["granted"]
    assert len({e["id"] for e in events}) == 7
    # A clean stop says offline itself (no last will is sent on DISCONNECT).
    wait_until(lambda: _status(listener, prefix)[-1:] == [b"offline"])
    # Retained: a subscriber arriving later learns the state at once.
    late = listen(*broker, f"{prefix}/door-1/status")
    try:
        wait_until(lambda: late.on(f"{prefix}/door-1/status") == [b"offline"])
        assert late.messages[0][2] is True
    finally:
        late.client.disconnect()
        late.client.loop_stop()


def test_home_assistant_discovery(kiosk: Kiosk, listener: Listener, broker: tuple[str, int],
                                  prefix: str) -> None:
    cfg = _config(broker[1], prefix)
    prepare(kiosk.conn, cfg)
    follower = Follower(kiosk, cfg)
    try:
        door_topic = f"{prefix}/ha/binary_sensor/door-1/door/config"
        person_topic = f"{prefix}/ha/sensor/door-1/last_person/config"
        wait_until(lambda: bool(listener.on(door_topic) and listener.on(person_topic)))
    finally:
        follower.close()
    door = json.loads(listener.on(door_topic)[0])
    person = json.loads(listener.on(person_topic)[0])
    for entity in (door, person):
        assert entity["state_topic"] == f"{prefix}/door-1/event"
        assert entity["availability_topic"] == f"{prefix}/door-1/status"
        assert (entity["payload_available"], entity["payload_not_available"]) == \
            ("online", "offline")
        assert entity["device"]["identifiers"] == ["turnstile_door-1"]
        assert "command_topic" not in entity  # nothing is opened from outside
    assert door["unique_id"] == "turnstile_door-1_door" and door["device_class"] == "lock"
    assert "value_json.door.result == 'opened'" in door["value_template"]
    assert door["off_delay"] >= 1
    assert person["unique_id"] == "turnstile_door-1_last_person"
    assert "value_json.person.name" in person["value_template"]


def test_no_discovery_when_off_and_thumbnails_only_when_asked(
        kiosk: Kiosk, listener: Listener, broker: tuple[str, int], prefix: str) -> None:
    cfg = _config(broker[1], prefix, discovery=False)
    prepare(kiosk.conn, cfg)
    follower = Follower(kiosk, cfg)
    try:
        kiosk.grant(thumbnail=b"\xff\xd8face")
        wait_until(lambda: len(listener.events(prefix)) == 1)
    finally:
        follower.close()
    # The status and then the event came in order from the one client: no config between.
    assert not [t for t in listener.topics() if t.endswith("/config")]
    assert "thumbnail_jpeg" not in listener.events(prefix)[0]
    with_pictures = config(mqtt=cfg.events.mqtt, thumbnails=True)
    follower = Follower(kiosk, with_pictures)
    try:
        kiosk.grant(thumbnail=b"\xff\xd8face")
        wait_until(lambda: len(listener.events(prefix)) == 2)
    finally:
        follower.close()
    assert listener.events(prefix)[1]["thumbnail_jpeg"] == "/9hmYWNl"  # base64 of the JPEG


def test_credentials_from_a_private_file_never_in_logs(
        tmp_path: Path, broker: tuple[str, int], prefix: str,
        caplog: pytest.LogCaptureFixture) -> None:
    creds = tmp_path / "mqtt.credentials"
    creds.write_text("kiosk:pa55-w0rd-secret\n")
    creds.chmod(0o644)
    cfg = _config(broker[1], prefix, credentials_file=str(creds))
    with pytest.raises(ConfigError, match=r"can be read by other users.*chmod 600"):
        MqttSettings.from_config(cfg)
    private(creds, "kiosk:pa55-w0rd-secret\n")
    caplog.set_level(logging.DEBUG)
    settings = MqttSettings.from_config(cfg)
    assert settings is not None
    assert (settings.username, settings.password) == ("kiosk", "pa55-w0rd-secret")
    assert "pa55" not in repr(settings)
    sink = MqttSink(settings, announce=False)
    try:
        sink.wait_connected(WAIT_S)
        sink.deliver("uid-1", b"{}")
    finally:
        sink.close()
    assert "pa55" not in caplog.text


def test_an_unreachable_broker_is_a_reason_not_an_exception(prefix: str) -> None:
    cfg = _config(1, prefix)
    settings = MqttSettings.from_config(cfg)
    assert settings is not None
    sink = MqttSink(settings, announce=False, confirm_s=0.5)
    try:
        first = sink.deliver("uid-1", b"{}")
        # The same event waits for its first publication instead of being queued twice.
        wait_until(lambda: "cannot reach the broker 127.0.0.1:1" in
                   sink.deliver("uid-1", b"{}").detail)
    finally:
        sink.close()
    assert not first.confirmed and "broker" in first.detail


def test_retrying_an_unconfirmed_event_does_not_publish_it_twice(
        listener: Listener, proxy: TcpProxy, prefix: str) -> None:
    proxy.cut()  # the broker cannot be reached when the event is first sent
    settings = MqttSettings.from_config(_config(proxy.port, prefix))
    assert settings is not None
    sink = MqttSink(settings, announce=False, confirm_s=0.2)
    try:
        tries = [sink.deliver("uid-1", b'{"n":1}') for _ in range(3)]
        assert not any(t.confirmed for t in tries)
        proxy.restore()
        wait_until(lambda: sink.deliver("uid-1", b'{"n":1}').confirmed)
        assert sink.deliver("uid-2", b'{"n":2}').confirmed
        wait_until(lambda: len(listener.events(prefix)) >= 2)
    finally:
        sink.close()
    # One client, one QoS: a second copy of the first would have come before the second.
    assert listener.events(prefix)[:2] == [{"n": 1}, {"n": 2}]
    assert len(listener.events(prefix)) == 2


def test_settings_from_the_url() -> None:
    plain = MqttSettings.from_config(config(mqtt=MqttConfig(url="mqtt://broker.example",
                                                            kiosk_id="door 2")))
    tls = MqttSettings.from_config(config(mqtt=MqttConfig(url="mqtts://broker.example")))
    custom = MqttSettings.from_config(config(mqtt=MqttConfig(url="mqtts://b.example:9883")))
    assert plain is not None and tls is not None and custom is not None
    assert (plain.host, plain.port, plain.tls) == ("broker.example", 1883, False)
    assert (tls.port, tls.tls, custom.port) == (8883, True, 9883)
    assert plain.topics.event == "turnstile/door 2/event"
    assert plain.topics.node == "door_2"  # Home Assistant's ids take no spaces
    assert MqttSettings.from_config(config()) is None
