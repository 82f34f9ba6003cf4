"""The event document: one shape for every sink, final outcome, erasure, thumbnails, UTC."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import pytest

from tests.links.conftest import Kiosk, config
from turnstile.configlinks import MqttConfig, WebhookConfig
from turnstile.links.event import SCHEMA, DoorState, Shaper, kiosk_id, utc
from turnstile.links.streams import prepare
from turnstile.store.erasure import erase_person
from turnstile.store.outbox import Outbox, OutboxItem, event_now
from turnstile.types import DoorResult

HOOK = WebhookConfig(url="https://hooks.example/t", secret_file="/dev/null")


@pytest.fixture
def queued(kiosk: Kiosk) -> Outbox:
    prepare(kiosk.conn, config(webhook=HOOK))
    return Outbox(kiosk.conn, "webhook")


def _doc(kiosk: Kiosk, item: OutboxItem, thumbnails: bool = False) -> dict[str, object]:
    body = Shaper("door-1", thumbnails).body(item, event_now(kiosk.conn, item))
    parsed: dict[str, object] = json.loads(body)
    return parsed


def test_a_grant_as_sent(kiosk: Kiosk, queued: Outbox) -> None:
    kiosk.grant(camera="front door")
    [item] = queued.pending()
    doc = _doc(kiosk, item)
    assert doc["schema"] == SCHEMA and doc["id"] == item.uid and doc["kiosk_id"] == "door-1"
    assert (doc["outcome"], doc["reason"]) == ("granted", None)
    assert doc["person"] == {"id": kiosk.alice, "name": "Alice"}
    assert (doc["similarity"], doc["runner_up"], doc["liveness"]) == (0.81, 0.12, 0.97)
    assert doc["scores"] == {"similarity": 0.81, "runner_up": 0.12, "liveness": 0.97}
    assert doc["door"] == {"result": "opened", "detail": "simulated pulse 1 s"}
    assert doc["camera"] == "front door"
    assert str(doc["time"]).endswith("Z")
    assert "thumbnail_jpeg" not in doc  # events.send_thumbnails is off by default
    with_picture = _doc(kiosk, item, thumbnails=True)
    assert base64.b64decode(str(with_picture["thumbnail_jpeg"])) == b"\xff\xd8face"


def test_a_stranger_names_no_one(kiosk: Kiosk, queued: Outbox) -> None:
    kiosk.stranger()
    doc = _doc(kiosk, queued.pending()[0], thumbnails=True)
    assert (doc["outcome"], doc["person"]) == ("unknown", None)
    assert doc["door"] == {"result": DoorState.NOT_DRIVEN.value, "detail": ""}
    assert "thumbnail_jpeg" not in doc  # none was stored


def test_the_door_answer_and_an_erasure_after_queueing_are_what_is_sent(
        kiosk: Kiosk, queued: Outbox) -> None:
    from datetime import datetime

    from turnstile.types import Decision, Match, Outcome

    decision = Decision(Outcome.GRANTED, datetime.now(), Match(kiosk.alice, "Alice", 0.8, 0.1))
    event = kiosk.log.record(decision, None, b"\xff\xd8face", "front", awaiting_door=True)
    [item] = queued.pending()
    assert _doc(kiosk, item)["door"] == {"result": "awaiting", "detail": "awaiting the door"}
    kiosk.log.answer_door(event, DoorResult(False, "relay did not answer"))
    doc = _doc(kiosk, item)
    assert (doc["outcome"], doc["reason"]) == ("denied", "door_failed")
    assert doc["door"] == {"result": "failed", "detail": "relay did not answer"}
    erase_person(kiosk.conn, kiosk.alice)
    [item] = queued.pending()
    doc = _doc(kiosk, item, thumbnails=True)
    assert doc["person"] is None and "thumbnail_jpeg" not in doc


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_go_out_in_utc(berlin: None) -> None:
    assert utc("2026-03-02T09:00:00.250") == "2026-03-02T08:00:00.250Z"  # CET, +01:00
    assert utc("2026-07-02T09:00:00.000") == "2026-07-02T07:00:00.000Z"  # CEST, +02:00


def test_the_kiosk_id_falls_back_to_central_then_the_host() -> None:
    import socket

    from turnstile.config import CentralConfig, Config, EventsConfig

    assert kiosk_id(config(mqtt=MqttConfig(kiosk_id="door-9"))) == "door-9"
    assert kiosk_id(Config(central=CentralConfig(kiosk_id="door-2"))) == "door-2"
    assert kiosk_id(Config(events=EventsConfig())) == socket.gethostname()
