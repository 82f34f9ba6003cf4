"""The real MQTT broker ($TURNSTILE_TEST_MQTT), an HTTP receiver the test owns, a kiosk file."""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from paho.mqtt import client as paho
from paho.mqtt.enums import CallbackAPIVersion

from turnstile.config import Config, EventsConfig
from turnstile.configlinks import MqttConfig, WebhookConfig
from turnstile.store import database as storage
from turnstile.store.sqlite import SQLiteStore
from turnstile.store.sqlite.events import EventLog
from turnstile.types import Decision, DoorResult, Match, Outcome, Scores

MQTT_ENV = "TURNSTILE_TEST_MQTT"
#: Generous: arrival is waited for, never timed.
WAIT_S = 60.0


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_S) -> None:
    deadline = threading.Event()
    timer = threading.Timer(timeout, deadline.set)
    timer.start()
    try:
        while not condition():
            if deadline.wait(0.02):
                raise AssertionError(f"still not true after {timeout} s")
    finally:
        timer.cancel()


@pytest.fixture(scope="session")
def broker() -> tuple[str, int]:
    """The broker's host and port; the tests skip, saying why, only where none answers."""
    host, _, port = os.environ.get(MQTT_ENV, "127.0.0.1:1883").rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=3).close()
    except OSError as exc:
        pytest.skip(f"no MQTT broker answers at ${MQTT_ENV} ({host}:{port}): {exc}")
    return host, int(port)


@pytest.fixture
def prefix() -> str:
    """A topic prefix no other test uses."""
    return f"turnstile-test/{secrets.token_hex(6)}"


@dataclass
class Listener:
    """A subscriber straight to the broker (not through any proxy)."""

    client: paho.Client
    messages: list[tuple[str, bytes, bool]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on(self, topic: str) -> list[bytes]:
        with self.lock:
            return [payload for t, payload, _ in self.messages if t == topic]

    def events(self, prefix: str, kiosk: str = "door-1") -> list[dict[str, Any]]:
        return [json.loads(p) for p in self.on(f"{prefix}/{kiosk}/event")]

    def topics(self) -> list[str]:
        with self.lock:
            return [t for t, _, _ in self.messages]


def listen(host: str, port: int, *filters: str) -> Listener:
    client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
    listener = Listener(client)
    subscribed = threading.Event()

    def on_message(c: paho.Client, u: Any, message: paho.MQTTMessage) -> None:
        with listener.lock:
            listener.messages.append((message.topic, bytes(message.payload),
                                      bool(message.retain)))

    client.on_message = on_message
    client.on_subscribe = lambda *_: subscribed.set()
    client.connect(host, port)
    client.loop_start()
    client.subscribe([(f, 1) for f in filters])
    assert subscribed.wait(WAIT_S)
    return listener


@pytest.fixture
def listener(broker: tuple[str, int], prefix: str) -> Iterator[Listener]:
    found = listen(*broker, f"{prefix}/#")
    yield found
    found.client.disconnect()
    found.client.loop_stop()


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes
    status: int


class Receiver:
    """An HTTP server that answers 500 to the first `failures` POSTs, then 204."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = 500 if receiver.failures > 0 else 204
                    receiver.failures -= 1
                    receiver.requests.append(Request(dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def accepted(self) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.status < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def private(path: Path, text: str) -> str:
    path.write_text(text)
    path.chmod(0o600)
    return str(path)


def config(*, mqtt: MqttConfig | None = None, webhook: WebhookConfig | None = None,
           thumbnails: bool = False) -> Config:
    return Config(events=EventsConfig(mqtt=mqtt or MqttConfig(),
                                      webhook=webhook or WebhookConfig(),
                                      send_thumbnails=thumbnails))


class Kiosk:
    """A kiosk's file and its event log, deciding as the pipeline records decisions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection = storage.connect(path)
        self.log = EventLog(self.conn, EventsConfig(retention_days=0))
        self.alice = SQLiteStore(self.conn).people.add("Alice").id

    def grant(self, thumbnail: bytes | None = b"\xff\xd8face", camera: str = "front") -> int:
        decision = Decision(Outcome.GRANTED, datetime.now(),
                            Match(self.alice, "Alice", 0.81, 0.12),
                            scores=Scores(similarity=0.81, runner_up=0.12, liveness=0.97))
        return self.log.record(decision, DoorResult(True, "simulated pulse 1 s"), thumbnail,
                               camera)

    def stranger(self) -> int:
        decision = Decision(Outcome.UNKNOWN, datetime.now(), Match(None, None, 0.2, 0.1),
                            scores=Scores(similarity=0.2))
        return self.log.record(decision, None, None, "front")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    found = Kiosk(tmp_path / "kiosk.db")
    yield found
    found.close()
