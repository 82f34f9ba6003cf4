"""Settings: validated dotted-key changes saved to TOML and audited; the FAR curve."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from turnstile import config as config_module
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.roles import PermissionDeniedError, Role, SystemUser
from turnstile.admin.settings import SettingsStore, apply, load_far_curve
from turnstile.config import Config, ConfigError

ALICE = SystemUser("alice", Role.ADMINISTRATOR)


def test_apply_validates() -> None:
    changed = apply(Config(), {"policy.cooldown_s": 8.0, "events.store_thumbnails": False})
    assert changed.policy.cooldown_s == 8.0 and not changed.events.store_thumbnails
    with pytest.raises(ConfigError, match="agreement_frames"):
        apply(Config(), {"policy.agreement_frames": 0})
    with pytest.raises(ConfigError, match="unknown setting"):
        apply(Config(), {"policy.nope": 1})
    with pytest.raises(ConfigError, match="unknown setting"):
        apply(Config(), {"policy": 1})


def test_store_writes_toml_and_audits(tmp_path: Path, audit: AuditLog) -> None:
    path = tmp_path / "conf" / "config.toml"
    store = SettingsStore(path, audit)
    assert store.load() == Config()
    store.save({"recognition.threshold": 0.5, "policy.roi": [0, 0, 320, 240]}, by=ALICE)
    loaded = config_module.load(path)
    assert loaded.recognition.threshold == 0.5 and loaded.policy.roi == (0, 0, 320, 240)
    assert tomllib.loads(path.read_text())["recognition"]["threshold"] == 0.5
    entries = audit.entries()
    assert {e.target for e in entries} == {"recognition.threshold", "policy.roi"}
    assert all(e.action is AuditAction.SETTING_CHANGE and e.actor == "alice" for e in entries)
    before = path.read_text()
    with pytest.raises(ConfigError):
        store.save({"door.pulse_s": -1.0}, by=ALICE)
    assert path.read_text() == before  # a refused change loses nothing
    assert len(audit.entries()) == 2


def test_far_curve(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    assert load_far_curve(path) is None
    path.write_text(json.dumps({"thresholds": [0.3, 0.4, 0.5], "far": [1e-2, 1e-3, 1e-4]}))
    curve = load_far_curve(path)
    assert curve is not None
    assert curve.at(0.4) == pytest.approx(1e-3) and curve.at(0.45) == pytest.approx(10**-3.5)
    path.write_text(json.dumps({"thresholds": [0.5, 0.4], "far": [1e-3, 1e-2]}))
    assert load_far_curve(path) is None


def test_an_operator_is_refused_in_the_core(tmp_path: Path, audit: AuditLog) -> None:
    """The panel hides settings from operators; the store refuses them whatever calls it."""
    path = tmp_path / "config.toml"
    store = SettingsStore(path, audit)
    with pytest.raises(PermissionDeniedError, match="may not change settings"):
        store.save({"recognition.threshold": 0.1}, by=SystemUser("bob", Role.OPERATOR))
    assert not path.exists() and audit.entries() == []
