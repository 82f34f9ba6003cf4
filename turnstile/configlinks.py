"""Config sections for the building's other systems: OSDP reader, event streams, PINs, passes.

Part of the one schema in `turnstile/config.py` (which nests these sections); kept apart so
that file stays readable. Secrets are never values here, only files or environment variables.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from turnstile.cards import CardError, card_format
from turnstile.configmeta import Section, num, text

CardFormat = Literal["h10301", "h10306", "h10302", "h10304"]
MqttQos = Literal[0, 1, 2]


def _no_password(key: str, url: str, instead: str) -> None:
    """Secrets live in 0600 files, never in config values (which are shown and logged)."""
    if "@" in urlsplit(url).netloc:
        raise ValueError(f"{key} must not hold a user name or password; put them in "
                         f"{instead} (a file only the kiosk account can read)")


class MqttConfig(Section):
    """Each decision as JSON on an MQTT broker, with Home Assistant discovery (README "Events
    to other systems"); empty url: off."""

    url: str = text("", "Broker URL: mqtt://host:1883, or mqtts://host:8883 for TLS.")
    topic: str = text("turnstile", "Topic prefix: events go to PREFIX/<kiosk_id>/event, the "
                      "retained status to PREFIX/<kiosk_id>/status.")
    kiosk_id: str = text("", "This kiosk's name in topics and in every event sent (webhook "
                         "too); empty uses central.kiosk_id, then the host name.")
    credentials_file: str = text("", "File (mode 0600) holding \"username:password\" for the "
                                 "broker; empty connects without credentials.")
    ca_file: str = text("", "CA certificate for mqtts:// when the broker's is not signed by a "
                        "system-trusted authority.")
    qos: MqttQos = Field(1, description="MQTT quality of service of event messages (1: at "
                         "least once; receivers drop repeats by the event's id).")
    discovery: bool = Field(True, description="Publish Home Assistant MQTT discovery (the door "
                            "and the last person) under discovery_prefix.")
    discovery_prefix: str = text("homeassistant", "Home Assistant's discovery topic prefix.")

    @model_validator(mode="after")
    def _scheme(self) -> MqttConfig:
        if self.url and not self.url.startswith(("mqtt://", "mqtts://")):
            raise ValueError("events.mqtt.url must start with mqtt:// or mqtts://")
        if self.url:
            _no_password("events.mqtt.url", self.url, "credentials_file")
            parts = urlsplit(self.url)
            try:
                parts.port  # noqa: B018 (a bad port raises here)
            except ValueError:
                raise ValueError(f"events.mqtt.url has a bad port: {self.url!r}") from None
            if not parts.hostname or parts.path not in ("", "/"):
                raise ValueError("events.mqtt.url must be mqtt://HOST[:PORT] (no path), "
                                 f"not {self.url!r}")
        for key in ("topic", "discovery_prefix"):
            value = getattr(self, key)
            if not value or any(c in value for c in "+#\0") or value.startswith("/") \
                    or value.endswith("/"):
                raise ValueError(f"events.mqtt.{key} must be a topic prefix like "
                                 f"\"turnstile\" (no +, #, leading or trailing /), not "
                                 f"{value!r}")
        if any(c in self.kiosk_id for c in "/+#\0"):
            raise ValueError("events.mqtt.kiosk_id becomes one topic level: no /, + or #, "
                             f"not {self.kiosk_id!r}")
        return self


class WebhookConfig(Section):
    """Each decision POSTed as JSON, signed with HMAC-SHA256 (README "Events to other
    systems"); empty url: off."""

    url: str = text("", "Receiver URL, starting with http:// or https://.")
    secret_file: str = text("", "File (mode 0600) holding the signing key; each POST carries "
                            "X-Turnstile-Signature: sha256=<hex HMAC of the body>.")
    timeout_s: float = num(5.0, 0.0, 60.0, "s", "Seconds to wait for the receiver's answer.",
                           low_open=True)
    retry_max_s: float = num(300.0, 1.0, 86400.0, "s", "Longest wait between retries of a "
                             "failed delivery (the wait doubles from 1 s up to this).")

    @model_validator(mode="after")
    def _complete(self) -> WebhookConfig:
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValueError("events.webhook.url must start with http:// or https://")
        if self.url:
            _no_password("events.webhook.url", self.url, "secret_file")
        if self.url and not self.secret_file:
            raise ValueError("events.webhook.url needs events.webhook.secret_file (unsigned "
                             "events could be forged by anyone who can reach the receiver)")
        return self


class OsdpConfig(Section):
    """The kiosk as an OSDP reader of an access-control panel (door.kind = "osdp"; README
    "Connecting to an access panel (OSDP)")."""

    port: str = text("", "Serial port of the RS-485 adapter (e.g. /dev/ttyUSB0).")
    baud: int = num(9600, 9600, 115200, "baud", "Serial speed the panel polls at.")
    address: int = num(1, 0, 126, "", "This reader's OSDP address on the bus.")
    secure_channel: bool = Field(True, description="Require OSDP secure channel (SCBK from "
                                 "key_file). Off only for panels that cannot do it.")
    key_file: str = text("", "File (mode 0600) holding the 16-byte secure channel base key as "
                         "hex; empty: created on first start in the data folder.")
    card_format: CardFormat = Field("h10301", description="Card format sent for a granted "
                                    "person: h10301 (26-bit), h10306 (34-bit), h10302 "
                                    "(37-bit, no facility) or h10304 (37-bit with facility).")
    facility_code: int = num(0, 0, 65535, "", "Facility code sent with each card number "
                             "(h10301: up to 255; h10302 carries none: 0).")
    grant_timeout_s: float = num(2.0, 0.1, 30.0, "s", "Seconds to wait for the panel's "
                                 "granted LED after a card read; no answer is a denial.")

    @model_validator(mode="after")
    def _facility(self) -> OsdpConfig:
        try:
            card_format(self.card_format).check(self.facility_code, 0)
        except CardError as exc:
            raise ValueError(f"osdp.facility_code: {exc}") from None
        return self


class PinConfig(Section):
    """PIN entry on the touch screen: a way in for someone the camera cannot confirm, or a
    second factor (README "Visitors and PINs")."""

    enabled: bool = Field(False, description="Offer \"Use PIN\" on the kiosk: employee "
                          "number, then PIN, for someone the camera does not recognise.")
    face_and_pin: bool = Field(False, description="This door needs face and PIN for everyone, "
                               "and takes no PIN alone (groups can ask for it on any door: "
                               "turnstile groups face-and-pin).")
    min_length: int = num(6, 4, 12, "digits", "Shortest PIN accepted when one is set.")
    max_tries: int = num(3, 1, 10, "", "Wrong PINs in a row before the person's PIN entry is "
                         "locked (kept in the database: a restart does not reset it).")
    lockout_s: float = num(900.0, 10.0, 86400.0, "s", "Seconds a locked-out person waits.")
    entry_timeout_s: float = num(20.0, 5.0, 120.0, "s", "Seconds the PIN pad waits for input "
                                 "before returning to idle.")
    kiosk_max_wrong: int = num(10, 0, 1000, "", "Wrong PINs at this kiosk, whatever the "
                               "employee number, within kiosk_window_s before PIN entry pauses "
                               "until the window has room again (guessing across many numbers "
                               "gets past the per-person lockout); 0: no kiosk-wide limit.")
    kiosk_window_s: float = num(600.0, 10.0, 86400.0, "s", "The window kiosk_max_wrong counts "
                                "in.")


class PassesConfig(Section):
    """Signed, time-limited QR visitor passes read by the kiosk camera (README "Visitors and
    PINs")."""

    enabled: bool = Field(False, description="Read QR visitor passes at this kiosk.")
    key_file: str = text("", "File (mode 0600) holding the signing key; empty: created on "
                         "first use in the data folder.")
    max_valid_h: float = num(24.0, 0.25, 720.0, "h", "Longest validity an issued pass may "
                             "have.")
    max_uses: int = num(1, 0, 1000, "", "Times one pass opens the door within its validity "
                        "(1: single use, so a copied code lets one person in); 0: any number.")
    scan_every: int = num(3, 1, 30, "frames", "Look for a pass in every Nth camera frame (a "
                          "look costs about 10 ms on a kiosk PC).")
