"""OnnxEmbedder's session code path on a tiny ONNX graph built here, and bad model files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from turnstile.vision.embed import OnnxEmbedder, choose_providers


def tiny_embedder(path: Path, color: str = "BGR", batch: str | int = "batch") -> np.ndarray:
    """An 'embedder' averaging each channel of a 4x4 input: output = channel means (3-d)."""
    weight = np.zeros((48, 3), np.float32)
    for channel in range(3):
        weight[channel * 16 : (channel + 1) * 16, channel] = 1.0 / 16
    graph = helper.make_graph(
        [helper.make_node("Flatten", ["image"], ["flat"]),
         helper.make_node("MatMul", ["flat", "w"], ["vector"])],
        "tiny",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [batch, 3, 4, 4])],
        [helper.make_tensor_value_info("vector", TensorProto.FLOAT, [batch, 3])],
        [numpy_helper.from_array(weight, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    for key, value in {"name": "tiny-test", "input_size": "4", "color": color,
                       "mean": "10", "std": "2"}.items():
        model.metadata_props.add(key=f"turnstile.{key}", value=value)
    onnx.save(model, str(path))
    return weight


def test_metadata_contract_is_honoured(tmp_path: Path) -> None:
    tiny_embedder(tmp_path / "tiny.onnx", color="RGB")
    embedder = OnnxEmbedder(tmp_path / "tiny.onnx", device="cpu")
    assert (embedder.name, embedder.input_size, embedder.dimension) == ("tiny-test", 4, 3)
    crop = np.zeros((4, 4, 3), np.uint8)
    crop[..., 0] = 30  # blue in BGR
    crop[..., 2] = 70  # red in BGR
    vector = embedder.embed([crop])[0]
    # RGB order, (value - 10) / 2: red 30, green -5, blue 10, then L2-normalised.
    expected = np.array([30.0, -5.0, 10.0])
    np.testing.assert_allclose(vector, expected / np.linalg.norm(expected), rtol=1e-5)


def test_batches_and_resizes(tmp_path: Path) -> None:
    tiny_embedder(tmp_path / "tiny.onnx")
    embedder = OnnxEmbedder(tmp_path / "tiny.onnx", device="cpu")
    crops = [np.full((8, 8, 3), v, np.uint8) for v in (20, 40, 60)]
    assert embedder.embed(crops).shape == (3, 3)
    assert embedder.embed([]).shape == (0, 3)


def test_fixed_batch_model_is_run_one_by_one(tmp_path: Path) -> None:
    tiny_embedder(tmp_path / "tiny.onnx", batch=1)
    embedder = OnnxEmbedder(tmp_path / "tiny.onnx", device="cpu")
    assert embedder.embed([np.full((4, 4, 3), 50, np.uint8)] * 2).shape == (2, 3)
    flipped = OnnxEmbedder(tmp_path / "tiny.onnx", device="cpu", flip_augment=True)
    assert flipped.embed([np.full((4, 4, 3), 50, np.uint8)] * 2).shape == (2, 3)


def test_flip_augmentation_sums_both_views(tmp_path: Path) -> None:
    tiny_embedder(tmp_path / "tiny.onnx")
    plain = OnnxEmbedder(tmp_path / "tiny.onnx", device="cpu")
    flipped = OnnxEmbedder(tmp_path / "tiny.onnx", device="cpu", flip_augment=True)
    crop = np.random.default_rng(0).integers(0, 255, (4, 4, 3)).astype(np.uint8)
    # Channel means do not change under a mirror, so both must agree exactly.
    np.testing.assert_allclose(plain.embed([crop]), flipped.embed([crop]), rtol=1e-5)


def test_wrong_model_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"this is not onnx")
    with pytest.raises(ValueError, match="not a usable ONNX embedder"):
        OnnxEmbedder(bad, device="cpu")
    with pytest.raises(FileNotFoundError):
        OnnxEmbedder(tmp_path / "absent.onnx")


def test_cpu_is_always_available() -> None:
    assert choose_providers("cpu") == ["CPUExecutionProvider"]
    assert choose_providers("auto")[-1] == "CPUExecutionProvider"
