"""The vendored MiniFASNet models: digests checked at load, upstream's crop, real photos."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.access.liveness.minifasnet import (
    MEMBERS,
    MiniFasNet,
    crop_box,
    model_input,
    models_dir,
)
from turnstile.config import Config
from turnstile.types import Box
from turnstile.vision.engine import build_detector
from turnstile.vision.imageio import read_image


def test_the_models_ship_with_their_licence_and_notice() -> None:
    folder = models_dir()
    assert {"LICENSE", "NOTICE", "SHA256SUMS"} <= {p.name for p in folder.iterdir()}
    assert "Apache License" in (folder / "LICENSE").read_text()
    sums = (folder / "SHA256SUMS").read_text()
    assert all(f"{m.sha256}  {m.file}" in sums for m in MEMBERS)


def test_a_damaged_or_missing_model_is_refused(tmp_path: Path) -> None:
    for member in MEMBERS:
        shutil.copy(models_dir() / member.file, tmp_path / member.file)
    MiniFasNet(tmp_path)  # intact copies load
    damaged = tmp_path / MEMBERS[1].file
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\0")
    with pytest.raises(ValueError, match="SHA-256"):
        MiniFasNet(tmp_path)
    damaged.unlink()
    with pytest.raises(FileNotFoundError, match="missing"):
        MiniFasNet(tmp_path)


def test_the_crop_is_scaled_about_the_centre_and_shifted_inside_the_frame() -> None:
    # Fits: 2.7x a 40 px box about its centre (100, 100).
    assert crop_box(640, 480, Box(80, 80, 40, 40), 2.7) == (46, 46, 154, 154)
    # Near the left edge: shifted right by what stuck out, same size.
    x0, y0, x1, y1 = crop_box(640, 480, Box(0, 200, 40, 40), 2.7)
    assert x0 == 0 and x1 - x0 == 108 and y1 - y0 == 108
    # Too large to fit: the scale shrinks until the crop fits the frame's height.
    x0, y0, x1, y1 = crop_box(640, 480, Box(270, 190, 200, 200), 4.0)
    assert (y0, y1) == (0, 479) and x1 - x0 == 479
    tensor = model_input(np.zeros((480, 640, 3), np.uint8), Box(80, 80, 40, 40), 2.7)
    assert tensor.shape == (1, 3, 80, 80) and tensor.dtype == np.float32


def test_phone_photos_of_a_print_and_a_live_face() -> None:
    model = MiniFasNet()
    detector = build_detector(Config())
    scores = {}
    for name in ("image_F1.jpg", "image_T1.jpg"):
        image = read_image(dataset("antispoof_samples", name))
        face = max(detector.detect(image), key=lambda f: f.box.size)
        probabilities = model.probabilities(image, face)
        assert probabilities.sum() == pytest.approx(1.0)
        scores[name] = model.live(image, face)
    assert scores["image_F1.jpg"] < 0.5 < scores["image_T1.jpg"]
