"""The passive model: ONNX contract, per-frame verdicts, and training on NUAA crops."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from tests.conftest import dataset
from turnstile.access.liveness.passive import (
    CROP_SIZE,
    KIND,
    META_KIND,
    PassiveLiveness,
    PassiveModel,
    crops_from,
    image_files,
)
from turnstile.types import Box, Face, PassiveCues, Verdict
from turnstile.vision.engine import Engine


def brightness_model(path: Path, kind: str = KIND) -> Path:
    """A real ONNX graph scoring a crop by its mean brightness: bright is 'live'."""
    face = helper.make_tensor_value_info("face", TensorProto.FLOAT, ["n", 3, CROP_SIZE, CROP_SIZE])
    live = helper.make_tensor_value_info("live", TensorProto.FLOAT, ["n", 1])
    axes = helper.make_tensor("axes", TensorProto.INT64, [3], [1, 2, 3])
    scale = helper.make_tensor("scale", TensorProto.FLOAT, [], [8.0])
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["face", "axes"], ["mean"], keepdims=0),
         helper.make_node("Mul", ["mean", "scale"], ["scaled"]),
         helper.make_node("Sigmoid", ["scaled"], ["prob"]),
         helper.make_node("Unsqueeze", ["prob", "one"], ["live"])],
        "brightness", [face], [live],
        [axes, scale, helper.make_tensor("one", TensorProto.INT64, [1], [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    entry = model.metadata_props.add()
    entry.key, entry.value = META_KIND, kind
    onnx.save(model, str(path))
    return path


FACE = Face(Box(20, 20, 60, 60), ((35, 40), (65, 40), (50, 55), (38, 68), (62, 68)), 0.9)


def test_scores_follow_the_graph(tmp_path: Path) -> None:
    model = PassiveModel(brightness_model(tmp_path / "m.onnx"))
    bright = np.full((CROP_SIZE, CROP_SIZE, 3), 240, np.uint8)
    dark = np.full((CROP_SIZE, CROP_SIZE, 3), 10, np.uint8)
    high, low = model.scores([bright, dark])
    assert high > 0.99 and low < 0.01
    assert model.scores([]) == []


def test_verdict_waits_for_a_few_frames_then_decides(tmp_path: Path) -> None:
    check = PassiveLiveness(PassiveModel(brightness_model(tmp_path / "m.onnx")), 0.5)
    bright = np.full((100, 100, 3), 230, np.uint8)
    first = check.observe(bright, FACE, 0.0)
    assert first.verdict is Verdict.INSUFFICIENT_EVIDENCE
    check.observe(bright, FACE, 0.1)
    assert check.observe(bright, FACE, 0.2).verdict is Verdict.LIVE
    check.reset()
    dark = np.full((100, 100, 3), 20, np.uint8)
    results = [check.observe(dark, FACE, t) for t in (0.0, 0.1, 0.2)]
    assert results[-1].verdict is Verdict.SPOOF
    assert results[-1].cues == (PassiveCues(results[-1].score, 3),)
    assert results[-1].score < 0.5


def test_other_onnx_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a Turnstile liveness model"):
        PassiveModel(brightness_model(tmp_path / "m.onnx", kind="embedder"))
    (tmp_path / "junk.onnx").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a usable ONNX model"):
        PassiveModel(tmp_path / "junk.onnx")
    with pytest.raises(FileNotFoundError):
        PassiveModel(tmp_path / "missing.onnx")


def test_image_files_reject_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a folder"):
        image_files([tmp_path / "nope"])


@pytest.mark.slow
def test_training_exports_a_model_that_matches_pytorch(tmp_path: Path, engine: Engine) -> None:
    pytest.importorskip("torch")
    from turnstile.access.liveness import train

    nuaa = dataset("nuaa_subset")
    live_files = image_files([nuaa / "ClientFace" / "0001"])[:12]
    attack_files = image_files([nuaa / "ImposterFace" / "0001"])[:12]
    live = [crop for _, crop in crops_from(engine.detector, live_files)]
    attack = [crop for _, crop in crops_from(engine.detector, attack_files)]
    assert len(live) >= 10 and len(attack) >= 10
    assert live[0].shape == (CROP_SIZE, CROP_SIZE, 3)
    losses: list[float] = []
    network = train.train(live, attack, train.TrainSettings(epochs=2, batch_size=8),
                          lambda _epoch, loss: losses.append(loss))
    assert len(losses) == 2 and all(np.isfinite(losses))
    path = tmp_path / "liveness.onnx"
    train.export_onnx(network, path)
    onnx_scores = PassiveModel(path, "cpu").scores(live[:4] + attack[:4])
    torch_scores = train.predict(network, live[:4] + attack[:4])
    assert np.allclose(onnx_scores, torch_scores, atol=1e-4)
    assert all(0.0 <= s <= 1.0 for s in onnx_scores)


def test_training_without_faces_is_an_error() -> None:
    pytest.importorskip("torch")
    from turnstile.access.liveness import train

    with pytest.raises(ValueError, match="at least one live and one attack"):
        train.train([], [np.zeros((CROP_SIZE, CROP_SIZE, 3), np.uint8)], train.TrainSettings())
