"""[events.mqtt] and [events.webhook]: bad values refused with a message that says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from turnstile.configlinks import MqttConfig, WebhookConfig


@pytest.mark.parametrize(("values", "message"), [
    ({"url": "tcp://broker:1883"}, "must start with mqtt:// or mqtts://"),
    ({"url": "mqtt://kiosk:secret@broker"}, "must not hold a user name or password"),
    ({"url": "mqtt://broker:99999"}, "bad port"),
    ({"url": "mqtt://broker/some/path"}, "no path"),
    ({"url": "mqtt://"}, "no path"),
    ({"topic": "site/#"}, "events.mqtt.topic must be a topic prefix"),
    ({"topic": "/turnstile"}, "events.mqtt.topic must be a topic prefix"),
    ({"discovery_prefix": ""}, "events.mqtt.discovery_prefix must be a topic prefix"),
    ({"kiosk_id": "door/1"}, "kiosk_id becomes one topic level"),
    ({"qos": 3}, "qos"),
])
def test_bad_mqtt_settings(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MqttConfig(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("values", "message"), [
    ({"url": "ftp://receiver/x", "secret_file": "k"}, "must start with http:// or https://"),
    ({"url": "https://receiver/x"}, "needs events.webhook.secret_file"),
    ({"url": "https://u:pw@receiver/x", "secret_file": "k"}, "must not hold a user name"),
    ({"url": "https://receiver/x", "secret_file": "k", "retry_max_s": 0}, "retry_max_s"),
])
def test_bad_webhook_settings(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        WebhookConfig(**values)  # type: ignore[arg-type]


def test_good_settings_pass(tmp_path: Path) -> None:
    assert MqttConfig(url="mqtts://broker.example:8883", topic="site/turnstile").url
    assert WebhookConfig(url="https://receiver.example/hook?token=x",
                         secret_file=str(tmp_path / "k")).url
