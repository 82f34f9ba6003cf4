"""Tests for the template matrix: brute-force agreement, growth, removal, edge cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from turnstile.store.matcher import TemplateMatrix


def _unit(rng: np.random.Generator, rows: int, dim: int = 8) -> np.ndarray:
    m = rng.standard_normal((rows, dim)).astype(np.float32)
    return np.asarray(m / np.linalg.norm(m, axis=1, keepdims=True), np.float32)


def brute_search(ids: np.ndarray, rows: np.ndarray, q: np.ndarray) -> tuple[int, float, float]:
    """Best person, similarity and runner-up the slow, obvious way (the reference)."""
    scores = rows @ q
    best = int(np.argmax(scores))
    others = scores[ids != ids[best]]
    return int(ids[best]), float(scores[best]), float(others.max()) if others.size else -1.0


@pytest.mark.parametrize("per_person", [1, 3, 12])
def test_search_agrees_with_brute_force(per_person: int) -> None:
    rng = np.random.default_rng(per_person)
    rows = _unit(rng, 300)
    ids = np.repeat(np.arange(300 // per_person + 1), per_person)[:300]
    matrix = TemplateMatrix(8)
    matrix.replace(ids, rows)
    for q in _unit(rng, 50):
        found = matrix.search(q)
        assert found is not None
        want = brute_search(ids, rows, q)
        assert found[0] == want[0]
        assert found[1] == pytest.approx(want[1], abs=1e-5)
        assert found[2] == pytest.approx(want[2], abs=1e-5)


def test_runner_up_when_best_person_owns_many_top_rows() -> None:
    rng = np.random.default_rng(1)
    q = _unit(rng, 1)[0]
    near = q + 0.01 * rng.standard_normal((10, 8)).astype(np.float32)
    rows = np.vstack([near / np.linalg.norm(near, axis=1, keepdims=True), _unit(rng, 20)])
    ids = np.array([7] * 10 + list(range(100, 120)))
    matrix = TemplateMatrix(8)
    matrix.replace(ids, rows)
    found = matrix.search(q)
    assert found is not None and found[0] == 7
    assert found[2] == pytest.approx(brute_search(ids, rows, q)[2], abs=1e-5)


def test_empty_single_and_one_person() -> None:
    matrix = TemplateMatrix(4)
    q = np.array([1, 0, 0, 0], np.float32)
    assert matrix.search(q) is None
    matrix.append(5, q)
    assert matrix.search(q) == (5, 1.0, -1.0)
    matrix.append(5, np.array([0, 1, 0, 0], np.float32))
    assert matrix.search(q) == (5, 1.0, -1.0)


def test_append_grows_past_capacity_and_remove_compacts() -> None:
    rng = np.random.default_rng(2)
    rows = _unit(rng, 200)
    matrix = TemplateMatrix(8)
    for i, row in enumerate(rows):
        matrix.append(i % 50, row)
    assert matrix.size == 200
    np.testing.assert_array_equal(matrix.rows, rows)
    assert matrix.remove_person(3) == 4
    assert matrix.remove_person(3) == 0
    assert matrix.size == 196
    assert 3 not in set(matrix.person_ids.tolist())
    keep = np.arange(200) % 50 != 3
    np.testing.assert_array_equal(matrix.rows, rows[keep])
    found = matrix.search(rows[3])
    assert found is not None and found[0] != 3


def test_replace_rejects_mismatched_lengths() -> None:
    matrix = TemplateMatrix(8)
    with pytest.raises(ValueError, match="person ids"):
        matrix.replace(np.arange(3), np.zeros((2, 8), np.float32))


def test_gallery_matches_through_the_matrix_and_follows_other_connections(
        tmp_path: Path) -> None:
    from turnstile.store.gallery import Gallery
    from turnstile.store.records import NewTemplate
    from turnstile.store.sqlite import SQLiteStore

    rng = np.random.default_rng(3)
    rows = _unit(rng, 6)
    store = SQLiteStore.open(tmp_path / "g.db")
    gallery = Gallery(store, "m", 8)
    ann, bob = store.people.add("Ann"), store.people.add("Bob")
    for i in range(3):
        store.templates.add(ann.id, "m", 8, [NewTemplate(rows[i])])
        store.templates.add(bob.id, "m", 8, [NewTemplate(rows[3 + i])])
    match = gallery.match(rows[4])
    assert match.name == "Bob"
    assert match.similarity == pytest.approx(1.0)
    assert match.runner_up == pytest.approx(float((rows[:3] @ rows[4]).max()), abs=1e-5)
    SQLiteStore.open(tmp_path / "g.db").people.erase(bob.id)
    assert gallery.size == 3
    assert gallery.match(rows[4]).name == "Ann"
    assert gallery.match(rows[4]).runner_up == -1.0
