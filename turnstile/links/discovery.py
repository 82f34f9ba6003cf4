"""Home Assistant MQTT discovery: the door as a lock sensor, the last person as a sensor."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from turnstile import __version__

ONLINE, OFFLINE = "online", "offline"


@dataclass(frozen=True)
class Topics:
    """Where one kiosk publishes: events, its retained status, discovery configs."""

    prefix: str
    kiosk_id: str
    discovery_prefix: str = "homeassistant"

    @property
    def event(self) -> str:
        return f"{self.prefix}/{self.kiosk_id}/event"

    @property
    def status(self) -> str:
        return f"{self.prefix}/{self.kiosk_id}/status"

    @property
    def node(self) -> str:
        """The kiosk id as Home Assistant's ids allow it (letters, digits, _ and -)."""
        return re.sub(r"[^A-Za-z0-9_-]", "_", self.kiosk_id)


def discovery_messages(topics: Topics, pulse_s: float) -> list[tuple[str, bytes]]:
    """(topic, retained config) for each entity. The door shows unlocked (ON) on an event
    whose door opened and locks again after the relay's pulse; neither takes commands."""
    node = topics.node
    device = {"identifiers": [f"turnstile_{node}"], "name": f"Turnstile {topics.kiosk_id}",
              "manufacturer": "Turnstile", "model": "face-recognition kiosk",
              "sw_version": __version__}
    common: dict[str, object] = {"state_topic": topics.event, "availability_topic": topics.status,
              "payload_available": ONLINE, "payload_not_available": OFFLINE,
              "device": device}
    door = {**common, "name": "Door", "unique_id": f"turnstile_{node}_door",
            "device_class": "lock", "payload_on": "ON", "payload_off": "OFF",
            "value_template": "{{ 'ON' if value_json.door.result == 'opened' else 'OFF' }}",
            "off_delay": max(1, math.ceil(pulse_s))}
    person = {**common, "name": "Last person", "unique_id": f"turnstile_{node}_last_person",
              "icon": "mdi:account",
              "value_template": "{{ value_json.person.name if value_json.person and "
                                "value_json.person.name else 'unknown' }}",
              "json_attributes_topic": topics.event,
              "json_attributes_template": "{{ {'outcome': value_json.outcome, 'time': "
                                          "value_json.time, 'door': value_json.door.result}"
                                          " | tojson }}"}
    base = f"{topics.discovery_prefix}"
    return [(f"{base}/binary_sensor/{node}/door/config", _json(door)),
            (f"{base}/sensor/{node}/last_person/config", _json(person))]


def _json(value: Mapping[str, object]) -> bytes:
    return json.dumps(value, sort_keys=True).encode("utf-8")
