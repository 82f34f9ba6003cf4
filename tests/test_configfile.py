"""The one config writer: one changed line, every comment kept, validated, atomic."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from turnstile.config import ConfigError, load
from turnstile.configfile import parse_value, write_settings

COMMENTED = """\
# Site config for the front door (edited by hand).
database = "gallery.db"  # next to this file

[recognition]
# Calibrated for 120 people on 2026-03-01.
threshold = 0.6   # do not lower
margin = 0.2

[policy]
cooldown_s = 5.0
allowed_groups = ["Staff"]  # cleaners use the side door

# The relay board.
[door]
kind = "simulated"
"""


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_changing_one_key_changes_one_line_and_keeps_every_comment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    config = write_settings(path, {"policy.cooldown_s": 7.5})
    after = path.read_text()
    assert _diff(COMMENTED, after) == [("cooldown_s = 5.0", "cooldown_s = 7.5")]
    assert config.policy.cooldown_s == 7.5 and load(path) == config


def test_an_inline_comment_stays_on_its_changed_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    write_settings(path, {"recognition.threshold": 0.65})
    assert _diff(COMMENTED, path.read_text()) == [
        ("threshold = 0.6   # do not lower", "threshold = 0.65   # do not lower")]


def test_an_unchanged_value_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    before = path.stat().st_mtime_ns
    write_settings(path, {"recognition.margin": 0.2, "door.kind": "simulated"})
    assert path.read_text() == COMMENTED and path.stat().st_mtime_ns == before


def test_a_missing_key_and_table_are_added_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    write_settings(path, {"policy.agreement_frames": 4, "kiosk.fullscreen": False})
    after = path.read_text()
    assert after.startswith(COMMENTED.split("# The relay board.")[0].replace(
        '"]  # cleaners use the side door\n',
        '"]  # cleaners use the side door\nagreement_frames = 4\n'))
    assert after.rstrip().endswith("[kiosk]\nfullscreen = false")
    assert load(path).policy.agreement_frames == 4


def test_a_refused_value_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    with pytest.raises(ConfigError, match=r"recognition\.margin must be between 0 and 2"):
        write_settings(path, {"recognition.margin": 3.0})
    with pytest.raises(ConfigError, match=r"unknown setting recognition\.treshold"):
        write_settings(path, {"recognition.treshold": 0.7})
    with pytest.raises(ConfigError, match=r"needs door\.serial_port"):
        write_settings(path, {"door.kind": "serial"})
    assert path.read_text() == COMMENTED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no temp left


def test_a_new_file_is_private_and_an_existing_one_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    write_settings(path, {"door.pulse_s": 2.0})
    assert load(path).door.pulse_s == 2.0
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        path.chmod(0o640)
        write_settings(path, {"door.pulse_s": 3.0})
        assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_command_line_values_are_typed_by_the_schema() -> None:
    assert parse_value("camera.source", "0") == "0"
    assert parse_value("policy.agreement_frames", "4") == 4
    assert parse_value("recognition.threshold", "0.6") == 0.6
    assert parse_value("kiosk.fullscreen", "false") is False
    assert parse_value("policy.roi", "[0, 0, 320, 240]") == [0, 0, 320, 240]
    with pytest.raises(ConfigError, match="not a valid value"):
        parse_value("policy.agreement_frames", "four")
