"""The int8 pre-selection: large-gallery searches give exactly the full float32 search's answer."""

from __future__ import annotations

import numpy as np
import pytest

from tests.store.test_matcher import brute_search
from turnstile.bench.synthetic import unit_vectors
from turnstile.store import matcher
from turnstile.store.coarse import CoarseIndex, quantize
from turnstile.store.matcher import TemplateMatrix

DIM = 128


def near(rng: np.random.Generator, rows: np.ndarray, noise: float) -> np.ndarray:
    """Queries close to gallery rows (genuine-like searches, where ties are tight)."""
    picks = rows[rng.integers(0, rows.shape[0], 40)]
    q = picks + noise * rng.standard_normal(picks.shape).astype(np.float32)
    return np.asarray(q / np.linalg.norm(q, axis=1, keepdims=True), np.float32)


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the int8 path from 500 rows so the tests stay small."""
    monkeypatch.setattr(matcher, "MIN_ROWS", 500)


@pytest.mark.usefixtures("small_threshold")
@pytest.mark.parametrize("per_person", [1, 4])
def test_large_gallery_search_equals_the_full_product(per_person: int) -> None:
    rng = np.random.default_rng(per_person)
    rows = unit_vectors(3000, DIM, seed=101)
    ids = np.repeat(np.arange(3000 // per_person + 1), per_person)[:3000]
    matrix = TemplateMatrix(DIM)
    matrix.replace(ids, rows)
    assert matrix._coarse is not None
    queries = np.concatenate([unit_vectors(40, DIM, seed=102), near(rng, rows, 0.02),
                              near(rng, rows, 0.1)])
    for q in queries:
        found = matrix.search(q)
        want = brute_search(ids, rows, q)
        assert found is not None and found[0] == want[0]
        assert found[1] == pytest.approx(want[1], abs=1e-6)
        assert found[2] == pytest.approx(want[2], abs=1e-6)


@pytest.mark.usefixtures("small_threshold")
def test_index_follows_enrolment_and_removal() -> None:
    rng = np.random.default_rng(7)
    rows = unit_vectors(600, DIM, seed=103)
    matrix = TemplateMatrix(DIM)
    for i, row in enumerate(rows):  # crosses the threshold while enrolling one by one
        matrix.append(i // 2, row)
    assert matrix._coarse is not None and matrix._coarse.size == 600
    matrix.remove_person(5)
    ids = np.arange(600) // 2
    keep = ids != 5
    for q in near(rng, rows, 0.05):
        want = brute_search(ids[keep], rows[keep], q)
        found = matrix.search(q)
        assert found is not None and found[0] == want[0]
        assert found[2] == pytest.approx(want[2], abs=1e-6)


@pytest.mark.usefixtures("small_threshold")
def test_one_person_gallery_has_no_runner_up() -> None:
    rows = unit_vectors(800, DIM, seed=104)
    matrix = TemplateMatrix(DIM)
    matrix.replace(np.zeros(800, np.int64), rows)
    found = matrix.search(rows[10])
    assert found is not None and found[0] == 0 and found[2] == -1.0
    assert found[1] == pytest.approx(1.0, abs=1e-6)


def test_small_gallery_keeps_only_float32() -> None:
    matrix = TemplateMatrix(DIM)
    matrix.replace(np.arange(100), unit_vectors(100, DIM, seed=1))
    assert matrix._coarse is None


def test_quantisation_error_is_what_the_bound_assumes() -> None:
    rows = unit_vectors(200, DIM, seed=2)
    codes, errors = quantize(rows)
    assert codes.dtype == np.int8
    assert np.allclose(errors, np.linalg.norm(rows - codes / 127.0, axis=1), atol=1e-6)
    # Half a step per component at most.
    assert errors.max() <= 0.5 / 127.0 * np.sqrt(DIM) + 1e-6


def test_candidates_always_contain_the_exact_top_two_people() -> None:
    rng = np.random.default_rng(11)
    rows = unit_vectors(2000, DIM, seed=105)
    ids = np.arange(2000)
    index = CoarseIndex(DIM, threads=1)
    index.replace(rows)
    for q in near(rng, rows, 0.05):
        picked = set(index.candidates(q, ids).tolist())
        top_two = np.argsort(rows @ q)[-2:]
        assert set(top_two.tolist()) <= picked
        assert len(picked) < 2000  # it does narrow the search
