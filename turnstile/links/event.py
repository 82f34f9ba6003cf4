"""The one JSON shape of an event sent to other systems (MQTT and webhook alike).

Stable: fields are only ever added, and `schema` goes up if one must change. README "Events
to other systems" documents every field.
"""

from __future__ import annotations

import base64
import json
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from turnstile.config import Config
from turnstile.store.outbox import EventNow, OutboxItem
from turnstile.store.sqlite.events import AWAITING_DOOR

#: The version of the shape below.
SCHEMA = 1


class DoorState(Enum):
    """What became of the door for this decision."""

    OPENED = "opened"
    FAILED = "failed"
    #: A grant whose door answer never came (the kiosk stopped between record and door).
    AWAITING = "awaiting"
    NOT_DRIVEN = "not_driven"


def kiosk_id(config: Config) -> str:
    """This kiosk's name in events: events.mqtt.kiosk_id, else central.kiosk_id, else the
    host name."""
    return config.events.mqtt.kiosk_id or config.central.kiosk_id or socket.gethostname()


def utc(at: str) -> str:
    """The event log's local time as ISO-8601 UTC with milliseconds and a Z."""
    moment = datetime.fromisoformat(at)
    moment = moment.astimezone(UTC)  # a naive time is the kiosk's local time
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def door_state(outcome: str, reason: str | None, door: str) -> DoorState:
    if door == AWAITING_DOOR:
        return DoorState.AWAITING
    if reason == "door_failed":
        return DoorState.FAILED
    # Outcomes that drive the door: a grant, a visitor pass, the exit button.
    opens = outcome in ("granted", "visitor", "exit")
    return DoorState.OPENED if opens else DoorState.NOT_DRIVEN


def _scores(raw: object) -> dict[str, float]:
    parsed = json.loads(raw) if isinstance(raw, str) else raw
    return {str(k): float(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}


@dataclass(frozen=True)
class Shaper:
    """Turns a queued event into the document every sink sends."""

    kiosk_id: str
    thumbnails: bool = False

    def document(self, item: OutboxItem, now: EventNow | None) -> dict[str, object]:
        """The event as sent. `now` (the event log's row, when still there) has the final
        outcome and door answer; the queued copy has who it was, already blanked when the
        person was erased meanwhile."""
        p = item.payload
        outcome = now.outcome if now else str(p["outcome"])
        reason = now.reason if now else (str(p["reason"]) if p.get("reason") else None)
        door = now.door if now else str(p.get("door") or "")
        scores = _scores(p.get("scores"))
        named = p.get("name") is not None or p.get("person_id") is not None
        doc: dict[str, object] = {
            "schema": SCHEMA, "id": item.uid, "time": utc(str(p["at"])),
            "kiosk_id": self.kiosk_id, "outcome": outcome, "reason": reason,
            "detail": now.detail if now else str(p.get("detail") or ""),
            "person": {"id": p.get("person_id"), "name": p.get("name")} if named else None,
            "similarity": p.get("similarity"), "runner_up": p.get("runner_up"),
            "liveness": scores.get("liveness"), "scores": scores,
            "door": {"result": door_state(outcome, reason, door).value, "detail": door},
            "camera": str(p.get("source") or ""),
        }
        if self.thumbnails and now is not None and now.thumbnail:
            doc["thumbnail_jpeg"] = base64.b64encode(now.thumbnail).decode("ascii")
        return doc

    def body(self, item: OutboxItem, now: EventNow | None) -> bytes:
        """The exact bytes sent (and, for the webhook, signed): compact, keys sorted."""
        return json.dumps(self.document(item, now), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
