"""`turnstile config show|check|set|reference` and the generated config reference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import fails_cleanly
from tests.test_configfile import COMMENTED
from turnstile.cli import main
from turnstile.config import load
from turnstile.configdoc import reference

ROOT = Path(__file__).resolve().parent.parent


def test_config_set_on_a_commented_file_changes_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    assert main(["config", "set", "--config", str(path), "policy.cooldown_s", "7"]) == 0
    assert "policy.cooldown_s = 7.0" in capsys.readouterr().out
    before, after = COMMENTED.splitlines(), path.read_text().splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("cooldown_s = 5.0", "cooldown_s = 7.0")]
    assert load(path).policy.cooldown_s == 7.0


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
    assert "| `door.kind` | `\"simulated\"` | `simulated`, `serial`, `http` |" in text
