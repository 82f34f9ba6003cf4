"""Settings editing: validated changes written to the TOML config, and the calibrated FAR."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from turnstile import config as config_module
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.roles import Actor, Permission, require
from turnstile.config import Config, ConfigError
from turnstile.configfile import write_settings

#: File written by calibration beside the config: {"thresholds": [...], "far": [...]}.
CALIBRATION_FILE = "calibration.json"


def to_table(config: Config) -> dict[str, Any]:
    """The config as a TOML-ready table (tuples become lists)."""
    return config.model_dump(mode="json")


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"policy": {"cooldown_s": 5}} -> {"policy.cooldown_s": 5}."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def apply(config: Config, changes: Mapping[str, Any]) -> Config:
    """A new, validated config with dotted-key changes; ConfigError names a bad key/value."""
    table = to_table(config)
    for dotted, value in changes.items():
        *sections, key = dotted.split(".")
        node = table
        for section in sections:
            child = node.get(section)
            if not isinstance(child, dict):
                raise ConfigError(f"unknown setting {dotted}")
            node = child
        if key not in node or isinstance(node[key], dict):
            raise ConfigError(f"unknown setting {dotted}")
        node[key] = value
    return config_module.from_dict(table, source="settings")


class SettingsStore:
    """Reads and writes one TOML config file; each changed key is audited."""

    def __init__(self, path: Path, audit: AuditLog) -> None:
        self.path = path
        self._audit = audit

    def load(self) -> Config:
        return config_module.load(self.path) if self.path.exists() else Config()

    def save(self, changes: Mapping[str, Any], by: Actor) -> Config:
        """Validate, write only the keys whose value changes (through the one config writer,
        which keeps the file's comments and replaces it atomically), audit each; only an
        administrator may (PermissionDeniedError otherwise, whatever the front end shows)."""
        require(by, Permission.MANAGE_SETTINGS)
        before = self.load()
        after = apply(before, changes)
        old, new = flatten(to_table(before)), flatten(to_table(after))
        changed = [key for key in changes if new[key] != old[key]]
        if not changed:
            return after
        after = write_settings(self.path, {key: new[key] for key in changed})
        for key in changed:
            self._audit.record(by.name, AuditAction.SETTING_CHANGE, key,
                               {"old": _scalar(old[key]), "new": _scalar(new[key])})
        return after


def _scalar(value: Any) -> str | int | float | bool | None:
    return value if isinstance(value, str | int | float | bool) else json.dumps(value)


@dataclass(frozen=True)
class FarCurve:
    """False-accept rate measured by calibration at each threshold (ascending)."""

    thresholds: tuple[float, ...]
    far: tuple[float, ...]

    def at(self, threshold: float) -> float:
        """FAR at `threshold`, interpolated on a log scale between measured points."""
        logs = np.log10(np.maximum(np.asarray(self.far), 1e-12))
        return float(10 ** np.interp(threshold, self.thresholds, logs))


def load_far_curve(path: Path) -> FarCurve | None:
    """The calibration curve, or None when calibration has not been run (or is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        thresholds = tuple(float(t) for t in data["thresholds"])
        far = tuple(float(f) for f in data["far"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(thresholds) < 2 or len(thresholds) != len(far) or list(thresholds) != sorted(
            thresholds):
        return None
    return FarCurve(thresholds, far)
