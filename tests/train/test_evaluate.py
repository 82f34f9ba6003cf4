"""Pair accuracy: best threshold, k-fold threshold choice, and the engine on real ORL faces."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from turnstile.evaluate.protocol import accuracy_at, best_threshold
from turnstile.train.data import FaceSet, scan
from turnstile.train.evaluate import (
    evaluate_engine,
    evaluate_faces,
    kfold,
    pair_scores,
    write_pairs_csv,
)
from turnstile.vision.engine import Engine


def test_train_eval_and_eval_pairs_share_one_tie_rule() -> None:
    """`train-eval` and `eval pairs` pick the same threshold on the same pairs: among equally
    accurate cuts the higher one (a false accept costs more than a false reject)."""
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    same = np.array([0, 0, 1, 1])
    # Sorted: 0.1(-) 0.35(+) 0.4(-) 0.8(+): cutting at 0.225 or 0.6 both get 3 of 4 right.
    assert best_threshold(scores, same == 1) == pytest.approx(0.6)
    assert accuracy_at(scores, same == 1, 0.6) == 0.75
    assert accuracy_at(scores, same == 1, 0.9) == 0.5
    # Two people, two photos each, with these pair scores: same 0.35 and 0.8, different
    # 0.1 and 0.4 (rows of a Cholesky factor have exactly the wanted dot products).
    gram = np.array([[3.0, 0.35, 0.1, 0.1], [0.35, 3.0, 0.4, 0.4],
                     [0.1, 0.4, 3.0, 0.8], [0.1, 0.4, 0.8, 3.0]])
    vectors = np.linalg.cholesky(gram).astype(np.float32)
    faces = FaceSet(np.zeros((4, 4, 4, 3), np.uint8), np.array([0, 0, 1, 1]), ("a", "b"),
                    tuple(f"{i}.jpg" for i in range(4)), np.zeros(4, bool))
    report, pairs, labels = evaluate_faces(faces, lambda _: vectors, "probe", seed=0)
    chosen = pair_scores(vectors, pairs)
    assert report.threshold == pytest.approx(best_threshold(chosen, labels == 1))
    assert report.accuracy == pytest.approx(accuracy_at(chosen, labels == 1, report.threshold))


def test_kfold_on_separable_and_on_random_scores() -> None:
    same = np.array([1] * 50 + [0] * 50)
    scores = np.where(same == 1, 0.9, 0.1) + np.linspace(0, 0.05, 100)
    assert kfold(scores, same) == (1.0, 0.0)
    noise = np.random.default_rng(0).random(100)
    mean, _ = kfold(noise, same)
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
