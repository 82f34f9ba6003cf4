"""A swapped or truncated model refuses to start with one clear line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from turnstile.config import Config, ModelsConfig
from turnstile.vision import models
from turnstile.vision.engine import Engine


@pytest.fixture
def copied(models_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    shutil.copytree(models_dir, folder)
    return folder


def engine(folder: Path) -> Engine:
    return Engine.from_config(Config(models=ModelsConfig(dir=str(folder), device="cpu")))


def test_intact_models_load(copied: Path) -> None:
    assert engine(copied).embedder.dimension > 0
    assert models.verify(copied) == []


def test_a_truncated_embedder_refuses_to_start(copied: Path) -> None:
    target = copied / models.EMBEDDER.derived
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    with pytest.raises(models.ModelError) as caught:
        engine(copied)
    message = str(caught.value)
    assert "\n" not in message and models.EMBEDDER.derived in message
    assert "pinned" in message and "models install --force" in message


def test_a_swapped_detector_with_a_rewritten_manifest_is_refused(copied: Path) -> None:
    # Both the model and the writable derived.json are replaced: the package still knows.
    (copied / models.DETECTOR.derived).write_bytes(
        (copied / models.EMBEDDER.derived).read_bytes()[:300_000])
    (copied / models.DERIVED_MANIFEST).write_text(json.dumps(
        {models.DETECTOR.derived: models.sha256_of(copied / models.DETECTOR.derived)}))
    with pytest.raises(models.ModelError, match="pinned"):
        engine(copied)
    assert any("pinned" in p for p in models.verify(copied))
