"""`turnstile config show|check|set|reference` and the generated config reference."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_cli import fails_cleanly
from tests.test_configfile import COMMENTED
from turnstile.admin.roles import os_user_name
from turnstile.cli import main
from turnstile.config import load
from turnstile.configdoc import reference
from turnstile.store import database as storage

ROOT = Path(__file__).resolve().parent.parent


def test_config_set_on_a_commented_file_changes_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    assert main(["config", "set", "--config", str(path), "--db", str(tmp_path / "none.db"),
                 "policy.cooldown_s", "7"]) == 0
    assert not (tmp_path / "none.db").exists()  # no database: nothing to audit into
    assert "policy.cooldown_s = 7.0" in capsys.readouterr().out
    before, after = COMMENTED.splitlines(), path.read_text().splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("cooldown_s = 5.0", "cooldown_s = 7.0")]
    assert load(path).policy.cooldown_s == 7.0


def test_config_set_is_audited_by_the_os_account(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, db = tmp_path / "config.toml", tmp_path / "site.db"
    path.write_text(COMMENTED)
    storage.connect(db).close()
    for key, value in (("policy.cooldown_s", "7"),
                       ("camera.source", "rtsp://viewer:hunter2@10.0.0.5/stream")):
        assert main(["config", "set", "--config", str(path), "--db", str(db), key, value]) == 0
    assert load(path).camera.source == "rtsp://viewer:hunter2@10.0.0.5/stream"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT actor, action, target, detail FROM audit_log").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (f"cli:{os_user_name()}", "setting_change", "policy.cooldown_s"),
        (f"cli:{os_user_name()}", "setting_change", "camera.source")]
    assert "hunter2" not in str(rows) and "rtsp://***@10.0.0.5/stream" in rows[1][3]
    for bad in (("door.kind", "http"), ("door.colour", "red")):  # refused: nothing audited
        assert main(["config", "set", "--config", str(path), "--db", str(db), *bad]) != 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM audit_log").fetchone() == (2,)


def test_config_set_refuses_a_door_the_kiosk_cannot_start(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    fails_cleanly(capsys, "config", "set", "--config", str(path), "door.kind", "http",
                  match="needs door.http_url")
    fails_cleanly(capsys, "config", "set", "--config", str(path), "door.colour", "red",
                  match="unknown setting door.colour")
    assert path.read_text() == COMMENTED


def test_config_check_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    assert main(["config", "check", "--config", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"ok: {path}")
    assert main(["config", "show", "--config", str(path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["recognition"]["threshold"] == 0.6 and shown["policy"]["roi"] == []
    path.write_text('[door]\nkind = "serial"\nserial_port = "/dev/ttyUSB0"\n')
    fails_cleanly(capsys, "config", "check", "--config", str(path), match="serial_open_hex")
    fails_cleanly(capsys, "check", "--no-camera", "--config", str(path),
                  match="serial_open_hex")


def test_committed_config_reference_is_current() -> None:
    committed = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    assert committed == reference(), (
        "docs/config.md is stale: run `turnstile config reference --out docs/config.md`")


def test_reference_lists_every_key_with_its_range() -> None:
    text = reference()
    assert "| `door.http_timeout_s` | `2` | (0, 30] s |" in text
    assert "| `door.kind` | `\"simulated\"` | `simulated`, `serial`, `http`, `osdp` |" in text
