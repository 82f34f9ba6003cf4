"""Pair accuracy: best threshold, k-fold threshold choice, and the engine on real ORL faces."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from turnstile.train.data import scan
from turnstile.train.evaluate import (
    accuracy_at,
    best_threshold,
    evaluate_engine,
    kfold_accuracy,
    write_pairs_csv,
)
from turnstile.vision.engine import Engine


def test_best_threshold_by_hand() -> None:
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    same = np.array([0, 0, 1, 1])
    # Sorted: 0.1(-) 0.35(+) 0.4(-) 0.8(+): cutting at 0.225 or 0.6 both get 3 of 4 right.
    accuracy, threshold = best_threshold(scores, same)
    assert accuracy == 0.75 and threshold == pytest.approx(0.225)
    assert accuracy_at(scores, same, 0.6) == 0.75
    assert accuracy_at(scores, same, 0.9) == 0.5


def test_best_threshold_at_the_ends() -> None:
    accuracy, threshold = best_threshold(np.array([0.5, 0.6]), np.array([1, 1]))
    assert accuracy == 1.0 and threshold < 0.5
    accuracy, threshold = best_threshold(np.array([0.5, 0.6]), np.array([0, 0]))
    assert accuracy == 1.0 and threshold > 0.6


def test_kfold_on_separable_and_on_random_scores() -> None:
    same = np.array([1] * 50 + [0] * 50)
    scores = np.where(same == 1, 0.9, 0.1) + np.linspace(0, 0.05, 100)
    assert kfold_accuracy(scores, same) == (1.0, 0.0)
    noise = np.random.default_rng(0).random(100)
    mean, _ = kfold_accuracy(noise, same)
    assert mean < 0.7  # chance-level scores cannot look good when thresholds are held out


@pytest.mark.slow
def test_default_engine_on_real_orl(tiny_orl: Path, engine: Engine, tmp_path: Path) -> None:
    report, faces, pairs, same = evaluate_engine(engine, scan(tiny_orl), seed=0)
    # 4 people x C(4, 2) = 24 same-person pairs and as many different-person pairs.
    assert (report.positives, report.negatives, report.images) == (24, 24, 16)
    assert report.accuracy >= 0.95  # SFace tells these four people apart
    out = tmp_path / "pairs.csv"
    write_pairs_csv(out, faces, pairs, same)
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["path_a", "path_b", "same"] and len(rows) == 49
    assert rows[1] == ["s1/1.pgm", "s1/2.pgm", "1"]
    assert "pair accuracy" in report.describe()
