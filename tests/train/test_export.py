"""A model trained here for a few steps on real ORL faces, exported, and used by the engine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pytest

torch = pytest.importorskip("torch")

from turnstile.store.gallery import Gallery  # noqa: E402
from turnstile.store.records import NewTemplate  # noqa: E402
from turnstile.store.sqlite import SQLiteStore  # noqa: E402
from turnstile.train.data import load_faces, scan  # noqa: E402
from turnstile.train.export import OPSET, export_onnx, plot_history  # noqa: E402
from turnstile.train.settings import TrainSettings  # noqa: E402
from turnstile.train.trainer import MEAN, STD, Trainer, to_tensor  # noqa: E402
from turnstile.vision.embed import OnnxEmbedder  # noqa: E402
from turnstile.vision.engine import Engine  # noqa: E402
from turnstile.vision.imageio import read_image  # noqa: E402

pytestmark = pytest.mark.slow


def train_tiny(tiny_orl: Path, engine: Engine, tmp_path: Path, loss: str) -> Trainer:
    faces = load_faces(scan(tiny_orl), engine.detector, 64)
    settings = TrainSettings(loss=loss, arch="classic", epochs=2, batch=8, per_identity=2)
    trainer = Trainer(settings, faces, None, torch.device("cpu"), tmp_path / "m.ckpt",
                      log=lambda _: None, progress=False)
    trainer.run()
    return trainer


def test_to_tensor_follows_the_exported_contract() -> None:
    crop = np.zeros((1, 2, 2, 3), np.uint8)
    crop[..., 0] = 255  # blue in BGR
    tensor = to_tensor(crop, torch.device("cpu"))
    assert tensor.shape == (1, 3, 2, 2)
    # RGB order: channel 2 is blue.
    assert float(tensor[0, 2, 0, 0]) == pytest.approx((255 - MEAN) / STD)
    assert float(tensor[0, 0, 0, 0]) == pytest.approx((0 - MEAN) / STD)


def test_trained_model_runs_in_the_unchanged_engine(tiny_orl: Path, engine: Engine,
                                                    tmp_path: Path) -> None:
    trainer = train_tiny(tiny_orl, engine, tmp_path, "triplet")
    assert len(trainer.history.loss) == 2 and (tmp_path / "m.ckpt").exists()
    faces = load_faces(scan(tiny_orl), engine.detector, 64)
    path = tmp_path / "tiny.onnx"
    metadata = {"name": "tiny-orl", "input_size": "64", "color": "RGB", "mean": str(MEAN),
                "std": str(STD), "embedding_size": "128", "training_data": "orl: 4 identities",
                "loss": "triplet"}
    difference = export_onnx(trainer.model, path, 64, metadata,
                             to_tensor(faces.images[:5], torch.device("cpu")))
    assert difference <= 1e-4
    proto = onnx.load(str(path))
    assert proto.opset_import[0].version == OPSET
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["turnstile.embedding_size"] == "128" and meta["turnstile.loss"] == "triplet"

    embedder = OnnxEmbedder(path, device="cpu")
    assert (embedder.name, embedder.input_size, embedder.dimension) == ("tiny-orl", 64, 128)
    # The engine aligns at the model's 64 px and normalises as the metadata says: its
    # embedding equals PyTorch's for the same crop.
    image = read_image(tiny_orl / "s2" / "1.pgm")
    kiosk = Engine(engine.detector, embedder)
    result = kiosk.embed_largest(image)
    assert result is not None and result.aligned.shape == (64, 64, 3)
    trainer.model.eval()
    with torch.no_grad():
        expected = torch.nn.functional.normalize(
            trainer.model(to_tensor(result.aligned[None], torch.device("cpu"))), dim=1)
    np.testing.assert_allclose(result.embedding, expected.numpy()[0], atol=1e-4)

    store = SQLiteStore.open(":memory:")
    gallery: Gallery = kiosk.gallery(store)
    for person in ("s1", "s2", "s3", "s4"):
        enrolled = kiosk.embed_largest(read_image(tiny_orl / person / "1.pgm"))
        assert enrolled is not None
        store.templates.add(store.people.add(person).id, gallery.model, gallery.dimension,
                            [NewTemplate(enrolled.embedding, "1.pgm")])
    found = kiosk.analyze(image, gallery)
    assert found and found[0].match is not None
    assert found[0].match.name == "s2" and found[0].match.similarity == pytest.approx(1.0, 1e-4)
    store.close()


@pytest.mark.parametrize("loss", ["contrastive", "bce", "arcface", "cosface"])
def test_every_loss_trains_and_exports(loss: str, tiny_orl: Path, engine: Engine,
                                       tmp_path: Path) -> None:
    trainer = train_tiny(tiny_orl, engine, tmp_path, loss)
    assert all(np.isfinite(trainer.history.loss))
    sample = torch.rand(3, 3, 64, 64)
    assert export_onnx(trainer.model, tmp_path / f"{loss}.onnx", 64, {"name": loss},
                       sample) <= 1e-4
    plot_history([trainer.history], tmp_path / f"{loss}.png", loss)
    assert (tmp_path / f"{loss}.png").read_bytes()[:4] == b"\x89PNG"


def test_weight_average_with_per_image_norm_exports_and_resumes(tiny_orl: Path, engine: Engine,
                                                                tmp_path: Path) -> None:
    faces = load_faces(scan(tiny_orl), engine.detector, 48)
    settings = TrainSettings(loss="cosface", epochs=1, batch=8, per_identity=2, size=48,
                             input_norm="image", augment="strong", ema=0.9)
    first = Trainer(settings, faces, None, torch.device("cpu"), tmp_path / "m.ckpt",
                    log=lambda _: None, progress=False)
    first.run()
    live = dict(first.model.state_dict())
    averaged = first.final_model.state_dict()
    assert first.final_model is not first.model
    assert any(not torch.equal(live[k], averaged[k]) for k in live)  # it lags the live weights
    # The exported network standardises each image itself: a brighter, higher-contrast copy
    # of the same crops gives the same embeddings.
    crops = to_tensor(faces.images[:4], torch.device("cpu"))
    path = tmp_path / "avg.onnx"
    assert export_onnx(first.final_model, path, 48, {"name": "avg", "input_size": "48"},
                       crops) <= 1e-4
    embedder = OnnxEmbedder(path, device="cpu")
    brighter = np.clip(faces.images[:4].astype(np.float32) * 1.2 + 20, 0, 255).astype(np.uint8)
    np.testing.assert_allclose(embedder.embed(list(faces.images[:4])),
                               embedder.embed(list(brighter)), atol=0.05)

    again = Trainer(replace(settings, epochs=2), faces, None, torch.device("cpu"),
                    tmp_path / "m.ckpt", log=lambda _: None, progress=False)
    assert again.resume()
    restored = again.final_model.state_dict()
    assert all(torch.equal(averaged[k], restored[k]) for k in averaged)
