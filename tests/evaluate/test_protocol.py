"""Verification arithmetic against hand-computed values, and LFW's fold layout on the real file."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.evaluate.pairs import read_lfw_pairs
from turnstile.evaluate.protocol import (
    accuracy_at,
    auc,
    best_threshold,
    cross_identity_scores,
    kfold_accuracy,
    roc_curve,
    split_folds,
    tar_at_far,
)

SCORES = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
LABELS = np.array([True, True, False, True, False, False])


def test_accuracy_at_counts_ties_as_accepts() -> None:
    assert accuracy_at(SCORES, LABELS, 0.75) == pytest.approx(5 / 6)
    assert accuracy_at(SCORES, LABELS, 0.6) == pytest.approx(5 / 6)  # 0.6 >= 0.6 accepted
    assert accuracy_at(SCORES, LABELS, 0.65) == pytest.approx(4 / 6)


def test_best_threshold_prefers_the_higher_of_equally_accurate_cuts() -> None:
    # Accepting the top 2 or the top 4 both get 5 of 6 right; the stricter cut wins.
    assert best_threshold(SCORES, LABELS) == pytest.approx(0.75)


def test_best_threshold_never_splits_equal_scores() -> None:
    scores = np.array([0.5, 0.5, 0.2])
    labels = np.array([True, False, False])
    threshold = best_threshold(scores, labels)
    # Accepting both 0.5s (2/3 right) equals refusing everything (2/3): refuse everything.
    assert threshold > 0.5
    assert accuracy_at(scores, labels, threshold) == pytest.approx(2 / 3)


def test_best_threshold_at_the_extremes() -> None:
    assert best_threshold(np.array([0.3, 0.2]), np.array([True, True])) == pytest.approx(0.2)
    assert best_threshold(np.array([0.3, 0.2]), np.array([False, False])) > 0.3


def test_kfold_threshold_comes_from_the_other_folds() -> None:
    scores = np.array([0.9, 0.1, 0.8, 0.2, 0.6, 0.55])
    labels = np.array([True, False, True, False, True, False])
    folds = np.array([0, 0, 1, 1, 2, 2])
    result = kfold_accuracy(scores, labels, folds)
    # Fold 2 is held out: folds 0 and 1 put the cut at the middle of 0.2 and 0.8 (0.5), so
    # 0.55 is wrongly accepted there; the other folds are separated by their thresholds.
    assert result.thresholds[2] == pytest.approx(0.5)
    assert result.accuracies == (1.0, 1.0, 0.5)
    assert result.accuracy == pytest.approx(2.5 / 3)
    assert result.accuracy_std == pytest.approx(np.std([1.0, 1.0, 0.5]))


def test_kfold_needs_two_folds_and_matching_lengths() -> None:
    with pytest.raises(ValueError, match="two folds"):
        kfold_accuracy(SCORES, LABELS, np.zeros(6, int))
    with pytest.raises(ValueError, match="fold numbers"):
        kfold_accuracy(SCORES, LABELS, np.zeros(5, int))
    with pytest.raises(ValueError, match="labels"):
        accuracy_at(SCORES, LABELS[:3], 0.5)


def test_split_folds_in_equal_blocks() -> None:
    assert split_folds(6, 3).tolist() == [0, 0, 1, 1, 2, 2]
    with pytest.raises(ValueError, match="equal folds"):
        split_folds(7, 3)


def test_tar_at_far_against_hand_computed_values() -> None:
    impostor = np.arange(100) / 100.0  # 0.00 .. 0.99
    genuine = np.array([0.945, 0.96, 0.5, 1.0])
    point = tar_at_far(genuine, impostor, 0.05)
    # At most 5 impostors may pass: 0.95..0.99; the threshold sits just above 0.94.
    assert point.false_accepts == 5 and point.far == pytest.approx(0.05)
    assert 0.94 < point.threshold < 0.9400001
    assert point.tar == pytest.approx(0.75)
    assert point.resolved
    strict = tar_at_far(genuine, impostor, 0.001)  # 0.1 impostors: none may pass
    assert strict.false_accepts == 0 and strict.threshold > 0.99
    assert strict.tar == pytest.approx(0.25) and not strict.resolved


def test_tar_at_far_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        tar_at_far(SCORES, SCORES, 0.0)
    with pytest.raises(ValueError, match="both"):
        tar_at_far(SCORES, np.zeros(0), 0.1)


def test_auc_counts_ties_as_half() -> None:
    # 0.8 beats all three impostors; 0.5 beats 0.1, ties 0.5, loses to 0.6: (3 + 1.5) / 6.
    assert auc(np.array([0.8, 0.5]), np.array([0.6, 0.5, 0.1])) == pytest.approx(0.75)
    assert auc(np.array([1.0]), np.array([0.0])) == 1.0


def test_roc_curve_is_monotone_and_spans_both_ends() -> None:
    rng = np.random.default_rng(0)
    curve = roc_curve(rng.normal(0.6, 0.1, 500), rng.normal(0.1, 0.1, 20000), points=50)
    assert np.all(np.diff(curve.thresholds) < 0)
    assert np.all(np.diff(curve.far) >= 0) and np.all(np.diff(curve.tar) >= 0)
    assert curve.far[0] == 0.0 and curve.far[-1] == pytest.approx(1.0)


def test_real_lfw_pairs_file_has_ten_balanced_folds() -> None:
    root = dataset("lfw", "lfw-deepfunneled")
    pairs = read_lfw_pairs(dataset("lfw", "protocol", "pairs.txt"), root)
    assert len(pairs.pairs) == 6000 and len(pairs.images) == 7701
    folds, labels = pairs.folds, pairs.labels
    assert folds.tolist() == split_folds(6000, 10).tolist()
    for fold in range(10):
        assert labels[folds == fold].sum() == 300 and (~labels[folds == fold]).sum() == 300
    first = pairs.pairs[0]
    assert first.same and first.a == root / "Abel_Pacheco" / "Abel_Pacheco_0001.jpg"
    assert first.b.name == "Abel_Pacheco_0004.jpg"
    pairs.check_files()  # every image the protocol names is present


def test_cross_identity_scores_by_hand() -> None:
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], np.float32)
    names = np.array(["A", "A", "B"])
    # Only (0, 2) and (1, 2) are different people; (0, 1) is a genuine pair and left out.
    assert cross_identity_scores(vectors, names).tolist() == pytest.approx([0.0, 0.8])
    distances = cross_identity_scores(vectors, names, metric="euclidean")
    assert distances.tolist() == pytest.approx([-np.sqrt(2.0), -np.sqrt(0.36 + 0.04)], abs=1e-6)
    with pytest.raises(ValueError, match="metric"):
        cross_identity_scores(vectors, names, metric="manhattan")
