"""Which sinks are on, their place in the outbox of a standalone kiosk, and running them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.links.conftest import Kiosk, Receiver, config, private, wait_until
from turnstile.configlinks import WebhookConfig
from turnstile.links.streams import configured, deliver_once, prepare, start_streams
from turnstile.store.audit import AuditStore
from turnstile.store.outbox import Outbox


def _hook(tmp_path: Path, port: int) -> WebhookConfig:
    return WebhookConfig(url=f"http://127.0.0.1:{port}/hook",
                         secret_file=private(tmp_path / "hook.key", "k"), retry_max_s=1.0)


def test_a_standalone_kiosk_queues_once_a_stream_is_configured(kiosk: Kiosk,
                                                               tmp_path: Path) -> None:
    webhook = Outbox(kiosk.conn, "webhook")
    kiosk.grant()  # no sink yet: a single kiosk keeps no second copy of its log
    assert prepare(kiosk.conn, config()) == []
    kiosk.grant()
    assert kiosk.conn.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
    cfg = config(webhook=_hook(tmp_path, 1))
    assert configured(cfg) == ["webhook"] and prepare(kiosk.conn, cfg) == ["webhook"]
    kiosk.grant()
    kiosk.stranger()
    assert webhook.registered() and webhook.size() == 2
    # Turned off: the queue kept for it is dropped, and nothing more is queued.
    prepare(kiosk.conn, config())
    assert not webhook.registered()
    kiosk.grant()
    assert kiosk.conn.execute("SELECT count(*) FROM outbox").fetchone() == (0,)


def test_audit_entries_stay_home_and_events_go(kiosk: Kiosk, receiver: Receiver,
                                              tmp_path: Path) -> None:
    cfg = config(webhook=_hook(tmp_path, receiver.port))
    prepare(kiosk.conn, cfg)
    kiosk.grant()
    AuditStore(kiosk.conn).append(datetime.now().isoformat(timespec="seconds"), "admin",
                                  "login", "", "{}", "", "")
    kiosk.stranger()
    [report] = deliver_once(cfg, kiosk.path, patience_s=30)
    assert (report.delivered, report.skipped, report.left, report.problem) == (2, 1, 0, "")
    assert len(receiver.accepted()) == 2
    assert all(b"login" not in r.body for r in receiver.requests)


def test_the_kiosk_delivers_in_the_background(kiosk: Kiosk, receiver: Receiver,
                                              tmp_path: Path) -> None:
    assert start_streams(config(), kiosk.path) is None  # nothing configured, nothing runs
    halt = start_streams(config(webhook=_hook(tmp_path, receiver.port)), kiosk.path)
    assert halt is not None
    try:
        kiosk.grant()  # registered before start_streams returned: queued
        kiosk.grant()
        wait_until(lambda: len(receiver.accepted()) == 2)
    finally:
        halt()
