"""Embedding image sets: face choice, the centre-crop fallback, flip, and the disk cache."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from turnstile.config import Config
from turnstile.evaluate.embedding import Pick, SetEmbedder, Settings, choose_face
from turnstile.types import Box, Face
from turnstile.vision.align import align
from turnstile.vision.embed import OnnxEmbedder
from turnstile.vision.engine import embedder_path
from turnstile.vision.imageio import read_image

POINTS = ((1.0, 1.0),) * 5


def test_choose_face_by_size_centre_and_confidence() -> None:
    big_corner = Face(Box(0, 0, 120, 120), POINTS, 0.95)
    small_centre = Face(Box(100, 100, 50, 50), POINTS, 0.9)
    shape = (250, 250, 3)
    faces = [big_corner, small_centre]
    assert choose_face(faces, shape, Settings(Pick.LARGEST)) is big_corner
    assert choose_face(faces, shape, Settings(Pick.CENTER)) is small_centre
    assert choose_face(faces, shape, Settings(Pick.CENTER, min_score=0.92)) is big_corner
    assert choose_face(faces, shape, Settings(Pick.LARGEST, min_score=0.99)) is None


@pytest.mark.slow
def test_fallback_flip_and_cache(config: Config, examples: Path, tmp_path: Path) -> None:
    # A real photo's corner holds no face: it must be counted and embedded from a centre crop.
    corner = tmp_path / "corner.png"
    cv2.imwrite(str(corner), read_image(examples / "two_people.jpg")[:120, :120])
    paths = [examples / "obama.jpg", examples / "biden.jpg", corner]
    first = SetEmbedder(config, cache_dir=tmp_path / "cache", progress=False)
    plain = first.embed(paths, Settings(Pick.LARGEST, 0.8, flip=False))
    assert plain.no_face.tolist() == [False, False, True]
    assert first.computed == 3 and plain.embeddings.shape[0] == 3
    flipped = first.embed(paths, Settings(Pick.LARGEST, 0.8, flip=True))
    assert first.computed == 3  # both views were stored by the first pass
    assert np.linalg.norm(flipped.embeddings, axis=1) == pytest.approx(np.ones(3), abs=1e-5)
    assert not np.allclose(flipped.embeddings, plain.embeddings)
    # The flip variant is exactly what the product computes with flip_augment on.
    product = OnnxEmbedder(embedder_path(config), "cpu", flip_augment=True)
    image = read_image(paths[0])
    faces = first.detections(paths[:1])[0]
    face = choose_face(faces, image.shape, Settings(Pick.LARGEST))
    assert face is not None
    expected = product.embed([align(image, face, product.input_size)])[0]
    assert flipped.embeddings[0] == pytest.approx(expected, abs=1e-4)
    again = SetEmbedder(config, cache_dir=tmp_path / "cache", progress=False)
    cached = again.embed(paths, Settings(Pick.LARGEST, 0.8, flip=False))
    assert again.computed == 0
    assert np.array_equal(cached.embeddings, plain.embeddings)
    # The kiosk's 1:N mode: mirrored-sum enrolments, single-view searches.
    kiosk = again.embed(paths, Settings(Pick.LARGEST, 0.8, flip=True, probe_flip=False))
    assert np.array_equal(kiosk.embeddings, flipped.embeddings)
    assert np.array_equal(kiosk.searches, plain.embeddings)
    assert flipped.probes is None and np.array_equal(flipped.searches, flipped.embeddings)
