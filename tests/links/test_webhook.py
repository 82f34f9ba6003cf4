"""WebhookSink: signed POSTs, retried until a 2xx, each event once, in order, across outages."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from pathlib import Path

import pytest

from tests.links.conftest import Kiosk, Receiver, config, private, wait_until
from tests.netproxy import TcpProxy
from turnstile.config import Config
from turnstile.configlinks import MqttConfig, WebhookConfig
from turnstile.configmeta import ConfigError
from turnstile.links.courier import Courier
from turnstile.links.streams import prepare, shaper
from turnstile.links.webhook import SIGNATURE_HEADER, WebhookSink, sign
from turnstile.store import database as storage
from turnstile.store.outbox import Outbox

KEY = "k3y-only-the-receiver-knows"


def _sink(tmp_path: Path, port: int, retry_max_s: float = 1.0,
          query: str = "") -> tuple[WebhookSink, WebhookConfig]:
    hook = WebhookConfig(url=f"http://127.0.0.1:{port}/hook{query}",
                         secret_file=private(tmp_path / "hook.key", KEY + "\n"),
                         retry_max_s=retry_max_s)
    return WebhookSink.from_config(hook), hook


def _verified(body: bytes, header: str) -> bool:
    """What a receiver does (README): HMAC over the exact body, compared in constant time."""
    expected = "sha256=" + hmac.new(KEY.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_a_receiver_failing_three_times_gets_every_event_once(
        kiosk: Kiosk, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    receiver = Receiver(failures=3)
    try:
        sink, hook = _sink(tmp_path, receiver.port, query="?token=s3cr3t-in-url")
        cfg = config(webhook=hook, mqtt=MqttConfig(kiosk_id="door-1"))
        prepare(kiosk.conn, cfg)
        for _ in range(4):
            kiosk.grant()
        uids = [item.uid for item in Outbox(kiosk.conn, "webhook").pending()]
        caplog.set_level(logging.DEBUG)
        report = Courier(kiosk.conn, sink, shaper(cfg)).once(patience_s=60)
    finally:
        receiver.close()
    assert (report.delivered, report.left, report.problem) == (4, 0, "")
    assert [r.status for r in receiver.requests] == [500, 500, 500, 204, 204, 204, 204]
    # The same bytes each try; the receiver drops a repeat by its id.
    assert receiver.requests[0].body == receiver.requests[3].body
    accepted = receiver.accepted()
    assert [json.loads(r.body)["id"] for r in accepted] == uids
    assert [r.headers["X-Turnstile-Event"] for r in accepted] == uids
    assert all(_verified(r.body, r.headers[SIGNATURE_HEADER]) for r in receiver.requests)
    assert not _verified(accepted[0].body + b" ", accepted[0].headers[SIGNATURE_HEADER])
    assert KEY not in caplog.text and "s3cr3t-in-url" not in caplog.text
    assert KEY not in repr(sink) and "s3cr3t" not in repr(sink)


def test_every_event_once_and_in_order_across_a_cut_link(
        kiosk: Kiosk, receiver: Receiver, tmp_path: Path) -> None:
    proxy = TcpProxy("127.0.0.1", receiver.port)
    sink, hook = _sink(tmp_path, proxy.port)
    cfg = config(webhook=hook)
    prepare(kiosk.conn, cfg)
    stop = threading.Event()
    thread = threading.Thread(target=_follow, args=(kiosk, sink, cfg, stop), daemon=True)
    thread.start()
    try:
        for _ in range(3):
            kiosk.grant()
        wait_until(lambda: len(receiver.accepted()) == 3)
        wait_until(lambda: Outbox(kiosk.conn, "webhook").size() == 0)
        proxy.cut()
        for _ in range(3):
            kiosk.stranger()
        wait_until(lambda: len(receiver.requests) == 3)  # nothing gets through the cut
        proxy.restore()
        wait_until(lambda: len(receiver.accepted()) == 6)
        wait_until(lambda: Outbox(kiosk.conn, "webhook").size() == 0)
    finally:
        stop.set()
        thread.join(timeout=30)
        proxy.close()
    events = [json.loads(r.body) for r in receiver.accepted()]
    assert [e["outcome"] for e in events] == ["granted"] * 3 + ["unknown"] * 3
    ids = [e["id"] for e in events]
    assert len(set(ids)) == 6
    assert [e["time"] for e in events] == sorted(e["time"] for e in events)


def _follow(kiosk: Kiosk, sink: WebhookSink, cfg: Config, stop: threading.Event) -> None:
    """The kiosk's delivery thread: its own connection to the kiosk's file."""
    conn = storage.connect(kiosk.path)
    try:
        Courier(conn, sink, shaper(cfg)).run(stop)
    finally:
        conn.close()


def test_signature_is_hmac_sha256_of_the_exact_body() -> None:
    body = b'{"id":"x"}'
    assert sign(b"key", body) == \
        "sha256=" + hmac.new(b"key", body, hashlib.sha256).hexdigest()
    assert sign(b"key", body) != sign(b"key", body + b" ")


def test_a_redirect_or_a_refusal_is_not_a_delivery(receiver: Receiver) -> None:
    gone = WebhookSink("http://127.0.0.1:1/hook", b"k", timeout_s=2)
    result = gone.deliver("u1", b"{}")
    assert not result.confirmed and "unreachable" in result.detail
    assert WebhookSink(f"http://127.0.0.1:{receiver.port}/", b"k").deliver("u", b"{}").confirmed


def test_a_world_readable_or_missing_secret_file_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "hook.key"
    key.write_text(KEY)
    key.chmod(0o644)
    hook = WebhookConfig(url="https://hooks.example/turnstile", secret_file=str(key))
    with pytest.raises(ConfigError, match=r"can be read by other users.*chmod 600"):
        WebhookSink.from_config(hook)
    with pytest.raises(ConfigError, match="does not exist"):
        WebhookSink.from_config(WebhookConfig(url=hook.url,
                                              secret_file=str(tmp_path / "none")))
    key.write_text("  \n")
    key.chmod(0o600)
    with pytest.raises(ConfigError, match="is empty"):
        WebhookSink.from_config(hook)
