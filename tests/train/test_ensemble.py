"""Joining trained networks and whitening them: hand-computed values, then through the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch import Tensor, nn  # noqa: E402

from turnstile.store.gallery import Gallery  # noqa: E402
from turnstile.store.records import NewTemplate  # noqa: E402
from turnstile.store.sqlite import SQLiteStore  # noqa: E402
from turnstile.train.data import load_faces, scan  # noqa: E402
from turnstile.train.ensemble import (  # noqa: E402
    WHITENING_RIDGE,
    EnsembleEmbedder,
    Whitening,
    fit,
    fit_whitening,
)
from turnstile.train.export import export_onnx  # noqa: E402
from turnstile.train.settings import TrainSettings  # noqa: E402
from turnstile.train.trainer import Trainer, to_tensor  # noqa: E402
from turnstile.vision.embed import OnnxEmbedder  # noqa: E402
from turnstile.vision.engine import Engine  # noqa: E402
from turnstile.vision.imageio import read_image  # noqa: E402

#: Offsets of each person's four photos around that person's mean: variance 4 along x, 1
#: along y, none shared between the axes.
SPREAD = np.array([[2.0, 1.0], [-2.0, -1.0], [2.0, -1.0], [-2.0, 1.0]])


def test_whitening_inverts_the_within_person_spread_by_hand() -> None:
    embeddings = np.concatenate([SPREAD, SPREAD + np.array([10.0, 6.0])])
    labels = np.array([0] * 4 + [1] * 4)
    whitening = fit_whitening(embeddings, labels)
    ridge = WHITENING_RIDGE * (4.0 + 1.0) / 2
    assert whitening.mean == pytest.approx([5.0, 3.0])
    expected = np.diag([(4.0 + ridge) ** -0.5, (1.0 + ridge) ** -0.5])
    assert whitening.matrix == pytest.approx(expected)
    # After whitening, a person's photos spread about equally in both directions.
    spread = (embeddings[:4] - whitening.mean) @ whitening.matrix
    assert spread.std(axis=0) == pytest.approx([1.0, 1.0], abs=0.02)


def test_whitening_needs_two_labelled_people() -> None:
    with pytest.raises(ValueError, match="at least two people"):
        fit_whitening(SPREAD, np.zeros(4, np.int64))
    with pytest.raises(ValueError, match="one label each"):
        fit_whitening(SPREAD, np.array([0, 1]))


class Fixed(nn.Module):
    """A 'network' that returns a fixed linear map of the first pixels (known outputs)."""

    def __init__(self, weights: list[list[float]]) -> None:
        super().__init__()
        self.weights = torch.tensor(weights)

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = x.flatten(1)[:, : self.weights.shape[1]] @ self.weights.T
        return out


def test_members_are_joined_as_unit_vectors_of_equal_weight() -> None:
    first = Fixed([[1.0, 0.0], [0.0, 1.0]] + [[0.0, 0.0]] * 126)
    second = Fixed([[3.0, 0.0], [0.0, 0.0]] + [[0.0, 0.0]] * 126)
    x = torch.zeros(1, 3, 2, 2)
    x.view(-1)[:2] = torch.tensor([3.0, 4.0])
    joined = EnsembleEmbedder([first, second])(x)[0]
    assert joined[:2].tolist() == pytest.approx([0.6 / 2**0.5, 0.8 / 2**0.5])
    assert joined[128:130].tolist() == pytest.approx([1.0 / 2**0.5, 0.0])
    assert float(joined.norm()) == pytest.approx(1.0)
    mean = np.zeros(256)
    mean[0] = 0.1
    whitened = EnsembleEmbedder([first, second], Whitening(mean, 2.0 * np.eye(256)))(x)[0]
    assert float(whitened[0]) == pytest.approx(2.0 * (0.6 / 2**0.5 - 0.1))
    assert whitened[128:130].tolist() == pytest.approx([2.0 / 2**0.5, 0.0])


@pytest.mark.slow
def test_whitened_members_identify_through_the_unchanged_engine(
        tiny_orl: Path, engine: Engine, tmp_path: Path) -> None:
    faces = load_faces(scan(tiny_orl), engine.detector, 64)
    members = []
    for seed in (0, 1):
        settings = TrainSettings(epochs=1, batch=8, per_identity=2, seed=seed)
        trainer = Trainer(settings, faces, None, torch.device("cpu"), tmp_path / f"{seed}.ckpt",
                          log=lambda _: None, progress=False)
        trainer.run()
        members.append(trainer.final_model.eval())
    model = fit(members, faces, torch.device("cpu"))
    path = tmp_path / "pair.onnx"
    sample = to_tensor(faces.images[:4], torch.device("cpu"))
    assert export_onnx(model, path, 64, {"name": "pair", "input_size": "64"}, sample) <= 1e-4

    kiosk = Engine(engine.detector, OnnxEmbedder(path, device="cpu"))
    assert kiosk.embedder.dimension == 256
    store = SQLiteStore.open(":memory:")
    gallery: Gallery = kiosk.gallery(store)
    for person in ("s1", "s2", "s3", "s4"):
        enrolled = kiosk.embed_largest(read_image(tiny_orl / person / "1.pgm"))
        assert enrolled is not None
        store.templates.add(store.people.add(person).id, gallery.model, gallery.dimension,
                            [NewTemplate(enrolled.embedding, "1.pgm")])
    found = kiosk.analyze(read_image(tiny_orl / "s2" / "1.pgm"), gallery)
    assert found and found[0].match is not None
    assert found[0].match.name == "s2" and found[0].match.similarity == pytest.approx(1.0, 1e-4)
    store.close()
