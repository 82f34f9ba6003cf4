"""`turnstile sync` with event streams only: --once delivers and says what is left, and why."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.links.conftest import Kiosk, Listener, Receiver, private, wait_until
from turnstile.cli import main


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return str(path)


def _sync(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["sync", "--once", *argv, "--json"])
    return code, dict(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))


def test_sync_once_delivers_to_mqtt_and_webhook(
        tmp_path: Path, broker: tuple[str, int], prefix: str, listener: Listener,
        receiver: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    key = private(tmp_path / "hook.key", "hook-key")
    config = _config(tmp_path, f"""
[events.mqtt]
url = "mqtt://{broker[0]}:{broker[1]}"
topic = "{prefix}"
kiosk_id = "door-1"
[events.webhook]
url = "http://127.0.0.1:{receiver.port}/hook"
secret_file = "{key}"
""")
    db = str(tmp_path / "kiosk.db")
    # The first run registers the streams: from then on every decision is queued for them.
    assert _sync(capsys, "--config", config, "--db", db) == \
        (0, {"streams": [{"sink": "mqtt", "delivered": 0, "skipped": 0, "left": 0,
                          "problem": None},
                         {"sink": "webhook", "delivered": 0, "skipped": 0, "left": 0,
                          "problem": None}], "problems": []})
    kiosk = Kiosk(Path(db))
    try:
        kiosk.grant()
        kiosk.stranger()
    finally:
        kiosk.close()
    code, report = _sync(capsys, "--config", config, "--db", db)
    assert code == 0, report
    assert [s["delivered"] for s in report["streams"]] == [2, 2]
    assert [json.loads(r.body)["outcome"] for r in receiver.accepted()] == \
        ["granted", "unknown"]
    # --once acknowledged the PUBACKs; the subscriber has them (or will, at once).
    wait_until(lambda: len(listener.events(prefix)) == 2)
    # A one-off run leaves the kiosk's status topic alone.
    assert not listener.on(f"{prefix}/door-1/status")


def test_sync_once_fails_with_the_reason(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    key = private(tmp_path / "hook.key", "hook-key")
    config = _config(tmp_path, f"""
[events.webhook]
url = "http://127.0.0.1:1/hook"
secret_file = "{key}"
""")
    db = str(tmp_path / "kiosk.db")
    assert _sync(capsys, "--config", config, "--db", db)[0] == 0
    kiosk = Kiosk(Path(db))
    try:
        kiosk.grant()
    finally:
        kiosk.close()
    assert main(["sync", "--once", "--wait", "0.5", "--config", config, "--db", db]) == 1
    out = capsys.readouterr().out
    assert "webhook: 0 event(s) delivered, 1 left" in out
    assert "webhook: webhook receiver unreachable" in out


def test_sync_with_nothing_configured_says_so(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, "")
    assert main(["sync", "--once", "--config", config, "--db", str(tmp_path / "k.db")]) == 2
    assert "nothing to sync" in capsys.readouterr().err


def test_a_world_readable_secret_is_one_line_of_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "hook.key"
    key.write_text("hook-key")
    key.chmod(0o644)
    config = _config(tmp_path, f"""
[events.webhook]
url = "https://hooks.example/turnstile"
secret_file = "{key}"
""")
    assert main(["sync", "--once", "--config", config, "--db", str(tmp_path / "k.db")]) == 2
    err = capsys.readouterr().err
    assert "events.webhook.secret_file" in err and "chmod 600" in err
    assert "hook-key" not in err


def test_sync_follows_and_its_last_will_says_offline_when_it_dies(
        tmp_path: Path, broker: tuple[str, int], prefix: str, listener: Listener) -> None:
    config = _config(tmp_path, f"""
[events.mqtt]
url = "mqtt://{broker[0]}:{broker[1]}"
topic = "{prefix}"
kiosk_id = "door-1"
discovery = false
""")
    db = tmp_path / "kiosk.db"
    status = f"{prefix}/door-1/status"
    process = subprocess.Popen([sys.executable, "-m", "turnstile", "sync", "--config", config,
                                "--db", str(db)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: listener.on(status)[-1:] == [b"online"])
        kiosk = Kiosk(db)  # the streams were registered before "online": this is queued
        try:
            kiosk.grant()
            kiosk.stranger()
        finally:
            kiosk.close()
        wait_until(lambda: len(listener.events(prefix)) == 2)
        process.kill()  # no clean DISCONNECT: the broker sends the last will
        wait_until(lambda: listener.on(status)[-1:] == [b"offline"])
    finally:
        process.kill()
        process.wait(timeout=30)
    assert [e["outcome"] for e in listener.events(prefix)] == ["granted", "unknown"]
