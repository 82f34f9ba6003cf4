"""The real engine on real faces: detection, alignment, embedding contract, quality."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from turnstile.config import Config
from turnstile.types import Box, Face
from turnstile.vision import models
from turnstile.vision.align import TEMPLATE_112, align, center_crop, similarity_transform
from turnstile.vision.engine import Engine, similarity
from turnstile.vision.imageio import read_image
from turnstile.vision.quality import estimate_pose


def test_two_people_are_both_found(engine: Engine, examples: Path) -> None:
    faces = engine.detector.detect(read_image(examples / "two_people.jpg"))
    assert len(faces) == 2
    assert all(face.score > 0.8 and len(face.landmarks) == 5 for face in faces)
    assert faces[0].box.area >= faces[1].box.area


def test_no_face_in_a_blank_image(engine: Engine) -> None:
    assert engine.detector.detect(np.full((480, 640, 3), 128, np.uint8)) == []


def test_large_frames_are_detected_in_original_coordinates(engine: Engine, examples: Path) -> None:
    small = engine.detector.detect(read_image(examples / "obama-480p.jpg"))[0]
    large = engine.detector.detect(read_image(examples / "obama-1080p.jpg"))[0]
    ratio = large.box.w / small.box.w
    assert ratio == pytest.approx(1080 / 480, rel=0.1)


def test_same_person_scores_high_and_different_people_low(engine: Engine, examples: Path) -> None:
    obama = engine.embed_largest(read_image(examples / "obama.jpg"))
    obama2 = engine.embed_largest(read_image(examples / "obama2.jpg"))
    biden = engine.embed_largest(read_image(examples / "biden.jpg"))
    assert obama is not None and obama2 is not None and biden is not None
    assert similarity(obama.embedding, obama2.embedding) > 0.6
    assert similarity(obama.embedding, biden.embedding) < 0.3
    assert np.linalg.norm(obama.embedding) == pytest.approx(1.0, abs=1e-5)
    assert obama.embedding.dtype == np.float32 and obama.embedding.shape == (128,)


def test_sface_is_fed_rgb_raw_0_255(engine: Engine, config: Config, examples: Path,
                                    models_dir: Path) -> None:
    """Pins the input contract: BGR silently costs accuracy, 0-1 scaling breaks it."""
    engine_flips = config.recognition.flip_augment
    result = engine.embed_largest(read_image(examples / "obama.jpg"))
    assert result is not None
    session = ort.InferenceSession(str(models_dir / models.EMBEDDER.derived),
                                   providers=["CPUExecutionProvider"])

    def one(tensor: np.ndarray) -> np.ndarray:
        out = session.run(None, {"data": tensor[None].astype(np.float32)})[0][0]
        return np.asarray(out / np.linalg.norm(out), np.float32)

    def raw(tensor: np.ndarray) -> np.ndarray:
        if not engine_flips:
            return one(tensor)
        # recognition.flip_augment: the face and its mirror image, each normalised, summed.
        both = one(tensor) + one(np.ascontiguousarray(tensor[..., ::-1]))
        return np.asarray(both / np.linalg.norm(both), np.float32)

    rgb = result.aligned[..., ::-1].transpose(2, 0, 1)
    assert similarity(raw(rgb), result.embedding) > 0.9999
    bgr = result.aligned.transpose(2, 0, 1)
    assert similarity(raw(bgr), result.embedding) < 0.99
    assert similarity(raw(rgb / 255.0), result.embedding) < 0.5


def test_alignment_puts_landmarks_on_the_template(engine: Engine, examples: Path) -> None:
    image = read_image(examples / "biden.jpg")
    face = engine.detector.detect(image)[0]
    matrix = similarity_transform(face.landmark_array(), TEMPLATE_112)
    points = np.hstack([face.landmark_array(), np.ones((5, 1), np.float32)]) @ matrix.T
    assert np.abs(points - TEMPLATE_112).max() < 8.0
    assert align(image, face).shape == (112, 112, 3)


def test_similarity_transform_recovers_a_known_transform() -> None:
    angle, scale = np.radians(20), 1.7
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    source = TEMPLATE_112.astype(np.float32)
    target = (source @ rotation.T + np.array([5.0, -3.0])).astype(np.float32)
    matrix = similarity_transform(source, target)
    np.testing.assert_allclose(matrix[:, :2], rotation, atol=1e-4)
    np.testing.assert_allclose(matrix[:, 2], [5.0, -3.0], atol=1e-3)


def test_center_crop_fallback_is_square() -> None:
    assert center_crop(np.zeros((250, 250, 3), np.uint8)).shape == (112, 112, 3)


def test_quality_measures_pose_and_light(engine: Engine, examples: Path) -> None:
    frontal = engine.embed_largest(read_image(examples / "obama.jpg"))
    assert frontal is not None
    assert abs(frontal.quality.yaw) < 15 and abs(frontal.quality.pitch) < 25
    assert 40 < frontal.quality.brightness < 220 and frontal.quality.sharpness > 50
    dark = engine.analyze((read_image(examples / "obama.jpg") // 8).astype(np.uint8))
    if dark:  # the detector may miss a very dark face; when it finds it, it must say so
        assert dark[0].quality.brightness < 40


def test_turned_head_has_large_yaw() -> None:
    turned = Face(Box(0, 0, 100, 100), ((30, 40), (60, 40), (62, 60), (35, 80), (58, 80)), 0.9)
    straight = Face(Box(0, 0, 100, 100), ((30, 40), (70, 40), (50, 60), (35, 80), (65, 80)), 0.9)
    assert abs(estimate_pose(turned)[0]) > 30
    assert abs(estimate_pose(straight)[0]) < 1
