"""Pair verification accuracy of any embedder on an identity folder (NumPy; no PyTorch)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from turnstile.evaluate.protocol import accuracy_at, best_threshold, kfold_accuracy
from turnstile.train.data import FaceSet, load_faces
from turnstile.train.sampling import IntArray, balanced_pairs
from turnstile.vision.engine import Engine

FloatArray = npt.NDArray[np.float64]


def kfold(scores: FloatArray, same: IntArray, folds: int = 10,
          seed: int = 0) -> tuple[float, float]:
    """Mean and std of accuracy when each fold's threshold is chosen on the other folds
    (folds drawn by `seed`; the threshold rule is evaluate.protocol's, as `eval pairs` uses)."""
    fold_of = np.random.default_rng(seed).permutation(len(scores)) % folds
    result = kfold_accuracy(scores, same == 1, fold_of)
    return result.accuracy, result.accuracy_std


def pair_scores(embeddings: npt.NDArray[np.float32], pairs: IntArray) -> FloatArray:
    """Cosine similarity of each pair of L2-normalised embeddings."""
    a, b = embeddings[pairs[:, 0]], embeddings[pairs[:, 1]]
    return np.asarray((a * b).sum(axis=1), np.float64)


@dataclass(frozen=True)
class PairReport:
    """Verification on all same-identity pairs of a folder and as many different ones."""

    model: str
    images: int
    no_face: int
    positives: int
    negatives: int
    accuracy: float
    threshold: float
    kfold_accuracy: float
    kfold_std: float

    def describe(self) -> str:
        return (f"{self.model}: {self.accuracy:.2%} pair accuracy at the best threshold "
                f"{self.threshold:.3f}; 10-fold {self.kfold_accuracy:.2%} +- {self.kfold_std:.2%}"
                f" ({self.positives} same + {self.negatives} different pairs, {self.images} "
                f"images, {self.no_face} without a detected face)")


def evaluate_faces(faces: FaceSet, embed: Callable[[FaceSet], npt.NDArray[np.float32]],
                   name: str, seed: int) -> tuple[PairReport, IntArray, IntArray]:
    """Score the balanced pair set of `faces`; also returns the pairs and labels used."""
    pairs, same = balanced_pairs(faces.labels, np.random.default_rng(seed))
    scores = pair_scores(embed(faces), pairs)
    threshold = best_threshold(scores, same == 1)
    accuracy = accuracy_at(scores, same == 1, threshold)
    mean, std = kfold(scores, same, seed=seed)
    report = PairReport(name, len(faces.labels), faces.fallback_count,
                        int(same.sum()), int((same == 0).sum()), accuracy, threshold, mean, std)
    return report, pairs, same


def evaluate_engine(engine: Engine, files: dict[str, list[Path]], seed: int,
                    fallback: str = "resize") -> tuple[PairReport, FaceSet, IntArray, IntArray]:
    """Run the unchanged engine (its detector, aligner and embedder) over every image."""
    faces = load_faces(files, engine.detector, engine.embedder.input_size, fallback)

    def embed(subset: FaceSet) -> npt.NDArray[np.float32]:
        batches = [engine.embedder.embed(list(subset.images[i : i + 64]))
                   for i in range(0, len(subset.images), 64)]
        return np.concatenate(batches)

    report, pairs, same = evaluate_faces(faces, embed, engine.embedder.name, seed)
    return report, faces, pairs, same


def write_pairs_csv(path: Path, faces: FaceSet, pairs: IntArray, same: IntArray) -> None:
    """The pair list as `path_a,path_b,same` rows, relative to the data folder."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path_a", "path_b", "same"])
        for (i, j), label in zip(pairs.tolist(), same.tolist(), strict=True):
            writer.writerow([faces.sources[i], faces.sources[j], int(label)])
