"""Courier: in order, a failing receiver stops its sink at that row, grants wait for the door."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from tests.links.conftest import Kiosk, config
from turnstile.configlinks import WebhookConfig
from turnstile.links.courier import Courier
from turnstile.links.event import Shaper
from turnstile.links.sink import Delivery, EventSink
from turnstile.links.streams import prepare
from turnstile.store.outbox import Outbox
from turnstile.types import Decision, DoorResult, Match, Outcome


@dataclass
class FlakySink:
    """A receiver that refuses the events whose turn is listed in `refuse` (1-based tries)."""

    name: str = "webhook"
    retry_max_s: float = 0.1
    refuse: set[int] = field(default_factory=set)
    tries: list[str] = field(default_factory=list)
    kept: list[dict[str, object]] = field(default_factory=list)

    def deliver(self, uid: str, body: bytes) -> Delivery:
        self.tries.append(uid)
        if len(self.tries) in self.refuse:
            return Delivery(False, "receiver answered 503")
        self.kept.append(json.loads(body))
        return Delivery(True)

    def close(self) -> None:
        pass


def _courier(kiosk: Kiosk, sink: EventSink) -> Courier:
    prepare(kiosk.conn, config(webhook=WebhookConfig(url="https://h.example/",
                                                     secret_file="/dev/null")))
    return Courier(kiosk.conn, sink, Shaper("door-1"))


def test_a_refusal_stops_the_sink_at_that_row(kiosk: Kiosk) -> None:
    sink = FlakySink(refuse={2, 3})
    courier = _courier(kiosk, sink)
    for _ in range(4):
        kiosk.grant()
    uids = [i.uid for i in Outbox(kiosk.conn, "webhook").pending()]
    first = courier.round()
    assert (first.delivered, first.left, first.problem) == (1, 3, "receiver answered 503")
    assert courier.round().delivered == 0  # the same row again, not the next one
    last = courier.round()
    assert (last.delivered, last.left, last.problem) == (3, 0, "")
    assert [d["id"] for d in sink.kept] == uids
    assert sink.tries == [uids[0], uids[1], uids[1], uids[1], uids[2], uids[3]]


def test_once_retries_until_everything_is_confirmed(kiosk: Kiosk) -> None:
    sink = FlakySink(refuse={1, 2, 3})
    courier = _courier(kiosk, sink)
    kiosk.grant()
    kiosk.stranger()
    report = courier.once(patience_s=60)
    assert (report.delivered, report.left, report.problem) == (2, 0, "")


def test_a_grant_waits_for_the_door_answer(kiosk: Kiosk) -> None:
    sink = FlakySink()
    courier = _courier(kiosk, sink)
    decision = Decision(Outcome.GRANTED, datetime.now(), Match(kiosk.alice, "Alice", 0.8, 0.1))
    event = kiosk.log.record(decision, None, None, "front", awaiting_door=True)
    kiosk.stranger()
    held = courier.round()
    assert held.held and held.delivered == 0 and not sink.tries  # nothing overtakes it
    kiosk.log.answer_door(event, DoorResult(True, "relay pulsed"))
    done = courier.round()
    assert (done.delivered, done.held) == (2, False)
    assert [d["outcome"] for d in sink.kept] == ["granted", "unknown"]
    assert sink.kept[0]["door"] == {"result": "opened", "detail": "relay pulsed"}
