"""OpenCvEmbedder: the default SFace file through cv2.dnn gives onnxruntime's embeddings."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.config import Config, ConfigError, from_dict, replace
from turnstile.types import Image
from turnstile.vision import models
from turnstile.vision.align import align
from turnstile.vision.embed import Embedder
from turnstile.vision.embed_cv import OpenCvEmbedder
from turnstile.vision.engine import Engine, build_embedder
from turnstile.vision.imageio import read_image


def _opencv(config: Config) -> Config:
    return replace(config, models=replace(config.models,
                                                                  runtime="opencv"))


def _crops(engine: Engine, examples: Path) -> list[Image]:
    crops = []
    for name in ("obama.jpg", "biden.jpg", "two_people.jpg"):
        image = read_image(dataset("face_recognition_examples", "examples", name))
        crops += [align(image, face) for face in engine.detector.detect(image)]
    return crops


def _embedder(config: Config) -> OpenCvEmbedder:
    try:
        embedder = build_embedder(_opencv(config))
    except ValueError as exc:
        if int(cv2.__version__.split(".")[0]) < 5:
            pytest.skip(f"this OpenCV cannot run the model: {exc}")
        raise
    assert isinstance(embedder, OpenCvEmbedder)
    return embedder


def test_same_embeddings_as_onnxruntime(engine: Engine, config: Config,
                                        examples: Path) -> None:
    crops = _crops(engine, examples)
    assert len(crops) >= 3
    embedder = _embedder(config)
    assert (embedder.name, embedder.dimension, embedder.input_size) == (
        engine.embedder.name, engine.embedder.dimension, engine.embedder.input_size)
    ours = embedder.embed(crops)
    reference = engine.embedder.embed(crops)
    np.testing.assert_allclose((ours * reference).sum(axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    one_by_one = np.concatenate([embedder.embed([c]) for c in crops])
    np.testing.assert_allclose(one_by_one, ours, atol=1e-5)
    assert embedder.embed([]).shape == (0, embedder.dimension)


def test_flip_augment_matches_onnxruntime(engine: Engine, config: Config,
                                          examples: Path) -> None:
    crops = _crops(engine, examples)[:2]
    flip = replace(config, recognition=replace(
        config.recognition, flip_augment=True))
    ours = _embedder(flip).embed(crops)
    reference = build_embedder(flip).embed(crops)
    np.testing.assert_allclose((ours * reference).sum(axis=1), 1.0, atol=1e-4)


def test_auto_runtime_picks_opencv_5_on_the_cpu_and_onnxruntime_otherwise(
        config: Config, models_dir: Path) -> None:
    from turnstile.vision.embed import OnnxEmbedder

    assert config.models.runtime == "auto" and config.models.device == "cpu"
    newer = int(cv2.__version__.split(".")[0]) >= 5
    assert isinstance(build_embedder(config), OpenCvEmbedder if newer else OnnxEmbedder)
    custom = models.model_path(models_dir, models.EMBEDDER)
    assert isinstance(build_embedder(config, custom), OnnxEmbedder)
    pinned = replace(config, models=replace(config.models,
                                                                    runtime="onnxruntime"))
    assert isinstance(build_embedder(pinned), OnnxEmbedder)


def test_bad_files_and_settings_fail_clearly(tmp_path: Path, config: Config) -> None:
    with pytest.raises(FileNotFoundError):
        OpenCvEmbedder(tmp_path / "missing.onnx")
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"not a model")
    with pytest.raises(ValueError, match=r"garbage\.onnx"):
        OpenCvEmbedder(garbage)
    with pytest.raises(ValueError, match="only the default"):
        build_embedder(_opencv(config), models.model_path(config.models.models_dir(),
                                                          models.EMBEDDER))
    cuda = _opencv(config)
    cuda = replace(cuda, models=replace(cuda.models, device="cuda"))
    with pytest.raises(ValueError, match="CPU only"):
        build_embedder(cuda)
    with pytest.raises(ConfigError, match="runtime"):
        from_dict({"models": {"runtime": "tensorflow"}})


def test_per_call_flip_overrides_the_embedders_setting(engine: Engine, config: Config,
                                                        examples: Path) -> None:
    crops = _crops(engine, examples)[:2]
    for flip_augment in (True, False):
        settled = replace(config, recognition=replace(
            config.recognition, flip_augment=flip_augment))
        plain_config = replace(config, recognition=replace(
            config.recognition, flip_augment=False))
        mirrored_config = replace(config, recognition=replace(
            config.recognition, flip_augment=True))
        for build in (_embedder, _onnxruntime):
            embedder = build(settled)
            np.testing.assert_allclose(embedder.embed(crops, flip=False),
                                       build(plain_config).embed(crops), atol=1e-5)
            np.testing.assert_allclose(embedder.embed(crops, flip=True),
                                       build(mirrored_config).embed(crops), atol=1e-5)


def _onnxruntime(config: Config) -> Embedder:
    return build_embedder(replace(
        config, models=replace(config.models, runtime="onnxruntime")))
