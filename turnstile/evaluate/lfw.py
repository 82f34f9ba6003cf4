"""The LFW View 2 protocol: 10-fold accuracy, AUC, and TAR at low FAR on every impostor pair."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from turnstile.evaluate.embedding import EmbeddedSet, SetEmbedder, Settings
from turnstile.evaluate.pairs import PairSet
from turnstile.evaluate.protocol import (
    FoldResult,
    OperatingPoint,
    auc,
    cross_identity_scores,
    kfold_accuracy,
    shuffled_folds,
    tar_at_far,
)

#: False-accept rates reported for verification.
FARS = (1e-2, 1e-3, 1e-4)


@dataclass(frozen=True)
class Scored:
    """Genuine and impostor similarity scores of one image set."""

    genuine: npt.NDArray[np.float32]
    impostor: npt.NDArray[np.float32]


def pair_scores(embedded: EmbeddedSet, pairs: PairSet) -> npt.NDArray[np.float32]:
    """Cosine similarity of each pair, in pair order."""
    where = embedded.index()
    a = embedded.embeddings[[where[pair.a] for pair in pairs.pairs]]
    b = embedded.embeddings[[where[pair.b] for pair in pairs.pairs]]
    return np.asarray(np.sum(a * b, axis=1), np.float32)


@dataclass(frozen=True)
class LfwResult:
    """Everything `turnstile eval lfw` reports; `to_json` gives the documented keys."""

    folds: FoldResult
    auc: float
    operating: tuple[OperatingPoint, ...]
    protocol: Scored
    extended: Scored
    no_face: tuple[Path, ...]
    images: int
    model: str
    settings: Settings
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "accuracy": round(self.folds.accuracy, 6),
            "accuracy_std": round(self.folds.accuracy_std, 6),
            "auc": round(self.auc, 6),
            "threshold": round(self.folds.threshold, 4),
            "tar_at_far": {str(p.far_target): round(p.tar, 6) for p in self.operating},
            "threshold_at_far": {str(p.far_target): round(p.threshold, 4)
                                 for p in self.operating},
            "impostor_pairs": int(self.extended.impostor.size),
            "genuine_pairs": int(self.protocol.genuine.size),
            "no_face": len(self.no_face),
            "no_face_images": [str(p) for p in self.no_face],
            "images": self.images,
            "model": self.model,
            "fold_accuracies": [round(a, 6) for a in self.folds.accuracies],
            "fold_thresholds": [round(t, 4) for t in self.folds.thresholds],
            "settings": {"pick": self.settings.pick.value, "min_score": self.settings.min_score,
                         "flip": self.settings.flip},
            "seconds": round(self.seconds, 1),
        }


def evaluate(pairs: PairSet, embedder: SetEmbedder, settings: Settings) -> LfwResult:
    """Run the protocol: pairs.txt for accuracy and AUC; every cross-identity pair of its
    images as impostors for TAR at low FAR (3,000 impostors cannot resolve FAR = 1e-4)."""
    pairs.check_files()
    embedded = embedder.embed(pairs.images, settings)
    scores = pair_scores(embedded, pairs)
    labels = pairs.labels
    fold_ids = pairs.folds
    if np.unique(fold_ids).size < 2:
        # View 1's files (DevTrain, DevTest) are one set each: thresholds by 10-fold
        # cross-validation over it, as for any pair list without folds.
        fold_ids = shuffled_folds(len(scores))
    folds = kfold_accuracy(scores, labels, fold_ids)
    identity = {}
    for pair in pairs.pairs:
        identity[pair.a], identity[pair.b] = pair.identity_a, pair.identity_b
    names = np.array([identity[path] for path in embedded.paths])
    impostor = cross_identity_scores(embedded.embeddings, names)
    genuine = scores[labels]
    operating = tuple(tar_at_far(genuine, impostor, far) for far in FARS)
    no_face = tuple(p for p, missing in zip(embedded.paths, embedded.no_face, strict=True)
                    if missing)
    return LfwResult(folds, auc(genuine, scores[~labels]), operating,
                     Scored(genuine, scores[~labels]), Scored(genuine, impostor), no_face,
                     len(embedded.paths), embedded.model, settings, embedded.seconds)
