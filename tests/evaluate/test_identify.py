"""Open-set identification: search and gallery draws by hand, then a small real run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.config import Config
from turnstile.evaluate.embedding import EmbeddedSet, Pick, SetEmbedder, Settings
from turnstile.evaluate.identify import (
    Searches,
    dir_at_fpir,
    draw,
    evaluate,
    impostor_tail,
    search,
)
from turnstile.vision.embed import normalize


def test_search_reports_best_runner_up_and_correctness() -> None:
    gallery = np.eye(3, dtype=np.float32)
    probes = normalize(np.array([[0.9, 0.3, 0.0], [0.0, 0.2, 0.8]], np.float32))
    result = search(gallery, np.array([10, 11, 12]), probes, np.array([10, 11]))
    assert result.best.tolist() == pytest.approx([probes[0, 0], probes[1, 2]])
    assert result.runner_up.tolist() == pytest.approx([probes[0, 1], probes[1, 1]])
    assert result.correct.tolist() == [True, False]
    assert result.margin[0] == pytest.approx(probes[0, 0] - probes[0, 1])


def test_draw_enrols_half_of_those_with_two_images_reproducibly() -> None:
    names = np.array(["A", "A", "A", "B", "B", "C", "D", "D", "E", "F", "F"])
    first = draw(names, None, np.random.default_rng(1))
    again = draw(names, None, np.random.default_rng(1))
    assert first.enrolled.tolist() == again.enrolled.tolist()
    enrolled = {names[i] for i in first.enrolled}
    assert len(enrolled) == 2 and enrolled <= {"A", "B", "D", "F"}
    assert {names[i] for i in first.mated} == enrolled
    assert not enrolled & {names[i] for i in first.strangers}
    every = sorted([*first.enrolled, *first.mated, *first.strangers])
    assert every == list(range(len(names)))
    sized = draw(names, 4, np.random.default_rng(2))
    assert len(sized.enrolled) == 4


def test_dir_at_fpir_by_hand() -> None:
    f32 = np.float32
    strangers = Searches((np.arange(10) / 10.0).astype(f32), np.zeros(10, f32),
                         np.zeros(10, bool))
    mated = Searches(np.array([0.95, 0.99, 0.95, 0.5], f32), np.zeros(4, f32),
                     np.array([True, True, False, True]))
    # FPIR 0.1: one stranger (0.9) may pass, so the threshold sits just above 0.8; the
    # wrong identification at 0.95 does not count as found.
    point = dir_at_fpir(mated, strangers, 0.1)
    assert 0.8 < point.threshold < 0.81 and point.tar == pytest.approx(0.5)


@pytest.mark.slow
def test_identify_on_real_faces(config: Config, tmp_path: Path) -> None:
    root = dataset("orl")
    paths = [root / f"s{p}" / f"{i}.pgm" for p in range(1, 13) for i in range(1, 4)]
    embedded = SetEmbedder(config, cache_dir=tmp_path, progress=False).embed(
        paths, Settings(Pick.LARGEST, 0.8, False))
    result = evaluate(embedded, threshold=0.45, margin=0.05, sizes=(4, 100))
    report = result.to_json()
    assert report["enrolled"] == 6 and report["mated_searches"] == 12
    assert report["stranger_searches"] == 18
    assert report["rank1"] >= 0.9
    assert set(report["dir_at_fpir"]) == {"0.01", "0.001"}
    measured = [g for g in report["gallery_growth"] if g["measured"]]
    assert {g["gallery_size"] for g in measured} == {4}  # 100 people: extrapolated only
    assert report["false_accepts"] == (report["stranger_false_accepts"]
                                       + report["wrong_person_accepts"])


def test_impostor_tail_scores_searches_against_enrolments() -> None:
    enrolled = np.eye(3, dtype=np.float32)
    searches = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], np.float32)
    paths = tuple(Path(f"{name}/{name}_0001.jpg") for name in ("a", "b", "c"))
    embedded = EmbeddedSet(paths, enrolled, np.zeros(3, bool), "test", 0.0, searches)
    codes = np.arange(3, dtype=np.int64)
    tail, total = impostor_tail(embedded, codes)
    # Pairs (search i, enrolment j > i): a.b = 1, a.c = 0, b.c = 1.
    assert total == 3
    assert tail.tolist() == [1.0, 1.0, 0.0]
    alike = EmbeddedSet(paths, enrolled, np.zeros(3, bool), "test", 0.0)
    assert impostor_tail(alike, codes)[0].tolist() == [0.0, 0.0, 0.0]
