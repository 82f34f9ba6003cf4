"""The configured event streams: which sinks, their place in the outbox, and running them.

The kiosk starts them in the background; `turnstile sync` runs them in the foreground or
once. A sink that is configured is registered in the outbox before the first decision, so
the triggers queue every event from then on, standalone kiosk or not; one that is no longer
configured is unregistered, so its cursor does not keep the queue growing.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from turnstile.config import Config
from turnstile.links.courier import Courier, RoundReport
from turnstile.links.event import Shaper, kiosk_id
from turnstile.links.sink import EventSink
from turnstile.redact import redact_url
from turnstile.store import database as storage
from turnstile.store.outbox import Outbox

log = logging.getLogger(__name__)

#: Every sink this package knows, by outbox name.
SINK_NAMES = ("mqtt", "webhook")


def configured(config: Config) -> list[str]:
    """The names of the sinks the config turns on."""
    return [name for name, url in (("mqtt", config.events.mqtt.url),
                                   ("webhook", config.events.webhook.url)) if url]


def build_sinks(config: Config, announce: bool = True) -> list[EventSink]:
    """A sink per configured stream (ConfigError for a bad secret file). `announce`: the MQTT
    sink owns the kiosk's status topic (off for a one-off run beside a running kiosk)."""
    from turnstile.links.mqtt import MqttSettings, MqttSink
    from turnstile.links.webhook import WebhookSink

    sinks: list[EventSink] = []
    webhook = WebhookSink.from_config(config.events.webhook) \
        if config.events.webhook.url else None  # its secret checked before MQTT connects
    settings = MqttSettings.from_config(config)
    if settings is not None:
        sinks.append(MqttSink(settings, announce))
    if webhook is not None:
        sinks.append(webhook)
    return sinks


def prepare(conn: sqlite3.Connection, config: Config) -> list[str]:
    """Register the configured sinks and unregister the others; returns the configured."""
    names = configured(config)
    for name in SINK_NAMES:
        outbox = Outbox(conn, name)
        if name in names:
            outbox.register()
        elif outbox.registered():
            log.info("events.%s is off: its queue is dropped", name)
            outbox.unregister()
    return names


def shaper(config: Config) -> Shaper:
    return Shaper(kiosk_id(config), config.events.send_thumbnails)


def deliver_once(config: Config, database: Path, patience_s: float) -> list[RoundReport]:
    """Every configured sink gets everything queued (retrying for up to `patience_s`)."""
    conn = storage.connect(database)
    try:
        prepare(conn, config)
        sinks = build_sinks(config, announce=False)
        try:
            return [Courier(conn, sink, shaper(config)).once(patience_s) for sink in sinks]
        finally:
            for sink in sinks:
                sink.close()
    finally:
        conn.close()


def start_streams(config: Config, database: Path) -> Callable[[], None] | None:
    """Register the sinks, then follow the outbox on a daemon thread per sink; returns the
    function that stops them, or None when no stream is configured (nothing is started)."""
    conn = storage.connect(database)
    try:
        if not prepare(conn, config):
            return None
    finally:
        conn.close()
    sinks = build_sinks(config)
    stop = threading.Event()
    threads = [threading.Thread(target=_follow, args=(sink, config, database, stop),
                                name=f"events-{sink.name}", daemon=True) for sink in sinks]
    for thread in threads:
        thread.start()
    log.info("events go to %s", ", ".join(_where(config, s.name) for s in sinks))

    def halt() -> None:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)

    return halt


def _where(config: Config, name: str) -> str:
    url = config.events.mqtt.url if name == "mqtt" else config.events.webhook.url
    return redact_url(url)


def _follow(sink: EventSink, config: Config, database: Path, stop: threading.Event) -> None:
    """One sink's thread: its own connection, closed with the sink when stopped."""
    try:
        conn = storage.connect(database)
        try:
            Courier(conn, sink, shaper(config)).run(stop)
        finally:
            conn.close()
    except Exception:  # the kiosk keeps deciding and queueing; the reason goes to the log
        log.exception("%s: event delivery stopped", sink.name)
    finally:
        sink.close()
