"""Events out: how fast a queue built up during an outage drains to MQTT and to a webhook.

Usage: python benchmarks/event_catchup.py [EVENTS] [REPEAT]. A kiosk file records EVENTS
grants with no receiver configured-and-reachable (the outbox keeps them), then
`links.streams.deliver_once` sends them: once to the MQTT broker on 127.0.0.1:1883 (its own
topic prefix), once to a local HTTP receiver answering 204. Prints events per second per sink,
the median over REPEAT runs. Needs the broker; run from the project root.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.links.conftest import Kiosk, Receiver, config, private
from turnstile.config import Config
from turnstile.configlinks import MqttConfig, WebhookConfig
from turnstile.links.streams import deliver_once, prepare


def _rate(settings: Config, events: int) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        kiosk = Kiosk(Path(scratch) / "turnstile.db")
        prepare(kiosk.conn, settings)
        for _ in range(events):
            kiosk.grant(thumbnail=None)
        kiosk.close()
        start = time.perf_counter()
        reports = deliver_once(settings, Path(scratch) / "turnstile.db", patience_s=30.0)
        seconds = time.perf_counter() - start
    delivered = sum(r.delivered for r in reports)
    if delivered != events:
        raise SystemExit(f"delivered {delivered} of {events}: {[r.problem for r in reports]}")
    return events / seconds


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    receiver = Receiver()
    try:
        with tempfile.TemporaryDirectory() as keys:
            secret = private(Path(keys) / "hook.key", "benchmark-key")
            sinks = {
                "mqtt": config(mqtt=MqttConfig(url="mqtt://127.0.0.1:1883",
                                               topic=f"bench-{uuid.uuid4().hex[:8]}",
                                               kiosk_id="door-1", discovery=False)),
                "webhook": config(webhook=WebhookConfig(
                    url=f"http://127.0.0.1:{receiver.port}/hook", secret_file=secret)),
            }
            for name, settings in sinks.items():
                rates = [_rate(settings, events) for _ in range(repeat)]
                print(f"{name:8} {events} queued events: median {statistics.median(rates):.0f} "
                      f"events/s (runs: {', '.join(f'{r:.0f}' for r in rates)})")
    finally:
        receiver.close()


if __name__ == "__main__":
    main()
