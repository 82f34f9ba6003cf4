"""Verification arithmetic: threshold choice, k-fold accuracy, TAR at FAR, ROC and AUC."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.floating]
Labels = npt.NDArray[np.bool_]

#: Folds, and the seed of their fixed shuffle, for pair sets without folds of their own
#: (`eval pairs` lists, LFW View 1 files).
SHUFFLED_FOLDS = 10
SHUFFLE_SEED = 7


def _check(scores: Scores, labels: Labels) -> tuple[npt.NDArray[np.float64], Labels]:
    values = np.asarray(scores, np.float64).reshape(-1)
    truth = np.asarray(labels, bool).reshape(-1)
    if values.shape != truth.shape:
        raise ValueError(f"{values.size} scores but {truth.size} labels")
    if values.size == 0:
        raise ValueError("no pairs to evaluate")
    return values, truth


def accuracy_at(scores: Scores, labels: Labels, threshold: float) -> float:
    """Fraction of pairs decided correctly when a score >= threshold means "same person"."""
    values, truth = _check(scores, labels)
    return float(np.mean((values >= threshold) == truth))


def best_threshold(scores: Scores, labels: Labels) -> float:
    """The threshold with the highest accuracy on these pairs.

    Candidates lie half-way between neighbouring distinct scores (and just outside both ends);
    among equally accurate ones the highest is taken, because a false accept costs more.
    """
    values, truth = _check(scores, labels)
    order = np.argsort(-values, kind="stable")
    ordered, same = values[order], truth[order]
    # Accepting the first k pairs (k = 0..n): correct = same among them + different after.
    true_accepts = np.concatenate([[0], np.cumsum(same)])
    accepted = np.arange(values.size + 1)
    correct = true_accepts + (np.count_nonzero(~truth) - (accepted - true_accepts))
    # A cut may only fall between two different scores.
    valid = np.ones(values.size + 1, bool)
    valid[1:-1] = ordered[:-1] != ordered[1:]
    best = int(np.flatnonzero(valid & (correct == correct[valid].max()))[0])
    if best == 0:
        return float(np.nextafter(ordered[0], np.inf))
    if best == values.size:
        return float(ordered[-1])
    return float((ordered[best - 1] + ordered[best]) / 2.0)


@dataclass(frozen=True)
class FoldResult:
    """k-fold accuracy: each fold's threshold comes from the other folds' pairs."""

    accuracies: tuple[float, ...]
    thresholds: tuple[float, ...]

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.accuracies))

    @property
    def accuracy_std(self) -> float:
        return float(np.std(self.accuracies))

    @property
    def threshold(self) -> float:
        return float(np.mean(self.thresholds))


def kfold_accuracy(scores: Scores, labels: Labels,
                   folds: npt.NDArray[np.integer]) -> FoldResult:
    """For each fold: threshold chosen on all other folds, accuracy measured on this one."""
    values, truth = _check(scores, labels)
    fold_ids = np.asarray(folds).reshape(-1)
    if fold_ids.shape != values.shape:
        raise ValueError(f"{values.size} scores but {fold_ids.size} fold numbers")
    names = np.unique(fold_ids)
    if names.size < 2:
        raise ValueError("k-fold evaluation needs at least two folds")
    accuracies, thresholds = [], []
    for fold in names:
        held_out = fold_ids == fold
        threshold = best_threshold(values[~held_out], truth[~held_out])
        thresholds.append(threshold)
        accuracies.append(accuracy_at(values[held_out], truth[held_out], threshold))
    return FoldResult(tuple(accuracies), tuple(thresholds))


def shuffled_folds(count: int) -> npt.NDArray[np.int64]:
    """Fold number of each of `count` items after a fixed-seed shuffle (for pair sets that
    come without folds of their own), SHUFFLED_FOLDS folds."""
    order = np.random.default_rng(SHUFFLE_SEED).permutation(count)
    return np.asarray(order % SHUFFLED_FOLDS, np.int64)


def split_folds(count: int, folds: int) -> npt.NDArray[np.int64]:
    """Fold number of each of `count` items in order, as LFW lays them out (equal blocks)."""
    if folds < 1 or count % folds:
        raise ValueError(f"{count} pairs cannot be split into {folds} equal folds")
    return np.repeat(np.arange(folds), count // folds)


@dataclass(frozen=True)
class OperatingPoint:
    """The lowest threshold whose false-accept rate does not exceed the target."""

    far_target: float
    threshold: float
    tar: float
    far: float
    false_accepts: int
    impostors: int

    @property
    def resolved(self) -> bool:
        """Whether there are enough impostor pairs for the target to mean something."""
        return self.far_target * self.impostors >= 1.0


def tar_at_far(genuine: Scores, impostor: Scores, far: float) -> OperatingPoint:
    """TAR at the lowest threshold that lets at most floor(far * impostors) impostors through."""
    if not 0.0 < far < 1.0:
        raise ValueError(f"FAR must be between 0 and 1, not {far}")
    gen = np.asarray(genuine, np.float64).reshape(-1)
    imp = np.asarray(impostor, np.float64).reshape(-1)
    if gen.size == 0 or imp.size == 0:
        raise ValueError("TAR at FAR needs both genuine and impostor scores")
    allowed = int(np.floor(far * imp.size + 1e-9))
    if allowed >= imp.size:
        threshold = float(imp.min())
    else:
        # The (allowed+1)-th highest impostor must be refused: go just above it.
        kth = -np.partition(-imp, allowed)[allowed]
        threshold = float(np.nextafter(kth, np.inf))
    passed = int(np.count_nonzero(imp >= threshold))
    return OperatingPoint(far, threshold, float(np.mean(gen >= threshold)),
                          passed / imp.size, passed, int(imp.size))


def far_at(impostor: Scores, threshold: float) -> float:
    imp = np.asarray(impostor).reshape(-1)
    return float(np.count_nonzero(imp >= threshold) / imp.size)


def auc(genuine: Scores, impostor: Scores) -> float:
    """Area under the ROC: chance a genuine pair outscores an impostor pair (ties count half)."""
    gen = np.asarray(genuine, np.float64).reshape(-1)
    imp = np.sort(np.asarray(impostor, np.float64).reshape(-1))
    if gen.size == 0 or imp.size == 0:
        raise ValueError("AUC needs both genuine and impostor scores")
    below = np.searchsorted(imp, gen, side="left")
    not_above = np.searchsorted(imp, gen, side="right")
    return float((below.sum() + 0.5 * (not_above - below).sum()) / (gen.size * imp.size))


@dataclass(frozen=True)
class Curve:
    """ROC / DET points: false-accept and true-accept rates at each threshold (descending)."""

    thresholds: npt.NDArray[np.float64]
    far: npt.NDArray[np.float64]
    tar: npt.NDArray[np.float64]

    @property
    def frr(self) -> npt.NDArray[np.float64]:
        return 1.0 - self.tar


def roc_curve(genuine: Scores, impostor: Scores, points: int = 400) -> Curve:
    """The ROC sampled at `points` thresholds spaced evenly in log(FAR), plus the ends."""
    gen = np.sort(np.asarray(genuine, np.float64).reshape(-1))
    imp = np.sort(np.asarray(impostor, np.float64).reshape(-1))
    lowest = 1.0 / imp.size
    fars = np.unique(np.concatenate([np.geomspace(lowest, 1.0, points), [lowest, 1.0]]))
    # Threshold for each FAR: the impostor score with that fraction at or above it.
    ranks = np.clip(imp.size - np.floor(fars * imp.size).astype(np.int64), 0, imp.size - 1)
    thresholds = np.unique(np.concatenate([imp[ranks], [np.nextafter(imp[-1], np.inf)]]))[::-1]
    far = (imp.size - np.searchsorted(imp, thresholds, side="left")) / imp.size
    tar = (gen.size - np.searchsorted(gen, thresholds, side="left")) / gen.size
    return Curve(thresholds, far, tar)


#: Rows of the similarity matrix computed at once (bounds memory on large sets).
BLOCK = 512


def cross_identity_scores(embeddings: npt.NDArray[np.floating], identities: npt.NDArray[np.str_],
                          metric: str = "cosine") -> npt.NDArray[np.float32]:
    """Score of every pair of images whose identities differ (each pair once). "cosine" is the
    dot product of unit vectors; "euclidean" gives minus the distance, so higher is always
    more alike."""
    if metric not in ("cosine", "euclidean"):
        raise ValueError(f"unknown metric {metric!r}")
    vectors = np.asarray(embeddings, np.float32)
    codes = np.unique(identities, return_inverse=True)[1]
    squares = np.sum(vectors * vectors, axis=1)
    chunks = []
    for start in range(0, len(vectors), BLOCK):
        block = vectors[start : start + BLOCK] @ vectors.T
        if metric == "euclidean":
            block = -np.sqrt(np.maximum(
                squares[start : start + BLOCK, None] + squares[None, :] - 2 * block, 0.0))
        rows = np.arange(start, start + len(block))[:, None]
        keep = (np.arange(len(vectors))[None, :] > rows) & (
            codes[start : start + BLOCK, None] != codes[None, :])
        chunks.append(block[keep])
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
