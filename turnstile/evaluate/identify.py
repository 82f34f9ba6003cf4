"""Open-set 1:N identification on LFW as a turnstile sees it: enrolled people and strangers."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from turnstile.evaluate.embedding import EmbeddedSet
from turnstile.evaluate.protocol import OperatingPoint, tar_at_far

#: Fixed seed so every run enrols the same people.
SEED = 20070101
#: False-positive identification rates reported.
FPIRS = (1e-2, 1e-3)
#: Gallery sizes for the threshold-versus-gallery-size table.
GALLERY_SIZES = (100, 1000, 10000)
#: People left out of a drawn gallery to act as strangers.
MIN_PEOPLE_OUT = 500
#: Rows of the probe matrix scored at once.
BLOCK = 2048


def identities(paths: tuple[Path, ...]) -> npt.NDArray[np.str_]:
    """LFW stores each person's images in a folder named after them."""
    return np.array([path.parent.name for path in paths])


@dataclass(frozen=True)
class Searches:
    """1:N search results: best and runner-up similarity, and whether the best is right."""

    best: npt.NDArray[np.float32]
    runner_up: npt.NDArray[np.float32]
    correct: npt.NDArray[np.bool_]

    @property
    def margin(self) -> npt.NDArray[np.float32]:
        return np.asarray(self.best - self.runner_up, np.float32)


def search(gallery: npt.NDArray[np.float32], gallery_ids: npt.NDArray[np.int64],
           probes: npt.NDArray[np.float32], probe_ids: npt.NDArray[np.int64]) -> Searches:
    """Search each probe against a one-template-per-person gallery."""
    if len(probes) == 0:
        empty = np.zeros(0, np.float32)
        return Searches(empty, empty.copy(), np.zeros(0, bool))
    best, runner, correct = [], [], []
    for start in range(0, len(probes), BLOCK):
        scores = probes[start : start + BLOCK] @ gallery.T
        top = np.argmax(scores, axis=1)
        rows = np.arange(len(scores))
        best.append(scores[rows, top])
        scores[rows, top] = -np.inf
        runner.append(scores.max(axis=1) if gallery.shape[0] > 1 else np.full(len(rows), -1.0))
        correct.append(gallery_ids[top] == probe_ids[start : start + BLOCK])
    return Searches(np.concatenate(best).astype(np.float32),
                    np.concatenate(runner).astype(np.float32), np.concatenate(correct))


@dataclass(frozen=True)
class Draw:
    """One gallery: who is enrolled (one image each), their other images, and strangers."""

    enrolled: npt.NDArray[np.int64]
    mated: npt.NDArray[np.int64]
    strangers: npt.NDArray[np.int64]


def draw(names: npt.NDArray[np.str_], size: int | None, rng: np.random.Generator) -> Draw:
    """Enrol `size` people (None: half of those with >= 2 images), one random image each."""
    by_person: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        by_person[str(name)].append(index)
    people = sorted(by_person)
    if size is None:
        pool = [p for p in people if len(by_person[p]) >= 2]
        chosen = set(rng.permutation(pool)[: len(pool) // 2].tolist())
    else:
        chosen = set(rng.permutation(people)[:size].tolist())
    enrolled, mated, strangers = [], [], []
    for person in people:
        images = by_person[person]
        if person in chosen:
            pick = int(rng.integers(len(images)))
            enrolled.append(images[pick])
            mated.extend(images[:pick] + images[pick + 1 :])
        else:
            strangers.extend(images)
    return Draw(np.array(enrolled), np.array(mated, np.int64), np.array(strangers, np.int64))


def run_draw(embedded: EmbeddedSet, codes: npt.NDArray[np.int64],
             gallery: Draw) -> tuple[Searches, Searches]:
    """Mated and stranger searches against one drawn gallery."""
    matrix = embedded.embeddings[gallery.enrolled]
    ids = codes[gallery.enrolled]
    vectors = embedded.searches
    mated = search(matrix, ids, vectors[gallery.mated], codes[gallery.mated])
    strangers = search(matrix, ids, vectors[gallery.strangers], codes[gallery.strangers])
    return mated, strangers


@dataclass(frozen=True)
class GrowthRow:
    """The threshold that keeps strangers' false-accept rate at `fpir` for a gallery size."""

    gallery_size: int
    fpir: float
    threshold: float
    dir: float
    searches: int
    measured: bool


@dataclass(frozen=True)
class IdentifyResult:
    """What `turnstile eval identify` reports."""

    enrolled: int
    mated: Searches
    strangers: Searches
    operating: tuple[OperatingPoint, ...]
    threshold: float
    margin: float
    growth: tuple[GrowthRow, ...]
    no_face: int
    images: int
    model: str
    seconds: float
    #: Pooled mated and stranger searches of each measured gallery size (for DET curves).
    curves: dict[int, tuple[Searches, Searches]]

    def accepted(self, searches: Searches) -> npt.NDArray[np.bool_]:
        return np.asarray((searches.best >= self.threshold)
                          & (searches.margin >= self.margin), bool)

    def to_json(self) -> dict[str, Any]:
        mated_ok = self.accepted(self.mated)
        return {
            "rank1": round(float(np.mean(self.mated.correct)), 6),
            "dir_at_fpir": {str(p.far_target): round(p.tar, 6) for p in self.operating},
            "threshold_at_fpir": {str(p.far_target): round(p.threshold, 4)
                                  for p in self.operating},
            "configured_threshold": self.threshold,
            "configured_margin": self.margin,
            "false_accepts": int(np.count_nonzero(self.accepted(self.strangers))
                                 + np.count_nonzero(mated_ok & ~self.mated.correct)),
            "stranger_false_accepts": int(np.count_nonzero(self.accepted(self.strangers))),
            "wrong_person_accepts": int(np.count_nonzero(mated_ok & ~self.mated.correct)),
            "genuine_accept_rate": round(float(np.mean(mated_ok & self.mated.correct)), 6),
            "enrolled": self.enrolled,
            "mated_searches": int(self.mated.best.size),
            "stranger_searches": int(self.strangers.best.size),
            "gallery_growth": [{"gallery_size": g.gallery_size, "fpir": g.fpir,
                                "threshold": round(g.threshold, 4), "dir": round(g.dir, 6),
                                "searches": g.searches, "measured": g.measured}
                               for g in self.growth],
            "no_face": self.no_face,
            "images": self.images,
            "model": self.model,
            "seconds": round(self.seconds, 1),
        }


def dir_at_fpir(mated: Searches, strangers: Searches, fpir: float) -> OperatingPoint:
    """DIR: enrolled people found as themselves above the threshold that lets `fpir` of
    strangers in (the "genuine" scores of a wrong identification count as misses)."""
    hits = np.where(mated.correct, mated.best, -np.inf)
    return tar_at_far(hits, strangers.best, fpir)


def repeated_draws(embedded: EmbeddedSet, codes: npt.NDArray[np.int64], size: int,
                   target: float, limit: int = 400) -> tuple[Searches, Searches, int]:
    """Mated and stranger searches pooled over random galleries of `size` people, drawn until
    at least 20 stranger false accepts at rate `target` would be observable."""
    rng = np.random.default_rng(SEED + size)
    groups: tuple[list[Searches], list[Searches]] = ([], [])
    repeats = 0
    while repeats < limit and sum(s.best.size for s in groups[1]) * target < 20:
        mated, strangers = run_draw(embedded, codes, draw(codes.astype(str), size, rng))
        groups[0].append(mated)
        groups[1].append(strangers)
        repeats += 1
    merged = [Searches(*(np.concatenate([getattr(s, f) for s in group])
                         for f in ("best", "runner_up", "correct"))) for group in groups]
    return merged[0], merged[1], repeats


def largest_measurable(codes: npt.NDArray[np.int64]) -> int:
    """The largest gallery that still leaves people out as strangers (500, or half on small
    sets)."""
    people = int(np.unique(codes).size)
    return people - max(1, min(MIN_PEOPLE_OUT, people // 2))


def measurable(codes: npt.NDArray[np.int64], size: int) -> bool:
    """Whether the set has enough people to enrol `size` and keep strangers apart."""
    return size <= largest_measurable(codes)


def extrapolated_threshold(size: int, rate: float, tail: npt.NDArray[np.float32],
                           total: int) -> float:
    """Threshold whose per-comparison FAR p gives 1 - (1 - p)^size = rate (independence)."""
    per_comparison = -math.expm1(math.log1p(-rate) / size)
    rank = int(per_comparison * total)
    return float(tail[min(rank, tail.size - 1)])


def growth(embedded: EmbeddedSet, codes: npt.NDArray[np.int64], size: int,
           tail: npt.NDArray[np.float32], total: int,
           curves: dict[int, tuple[Searches, Searches]]) -> list[GrowthRow]:
    """Measured on repeated random galleries where LFW has enough people (their searches are
    kept in `curves` for the DET plot), and always the 1:1 impostor tail extrapolated assuming
    independent comparisons (marked as such)."""
    rows = []
    if measurable(codes, size):
        mated, strangers, _ = repeated_draws(embedded, codes, size, min(FPIRS))
        curves[size] = (mated, strangers)
        for fpir in FPIRS:
            point = dir_at_fpir(mated, strangers, fpir)
            rows.append(GrowthRow(size, fpir, point.threshold, point.tar, point.impostors, True))
    for fpir in FPIRS:
        threshold = extrapolated_threshold(size, fpir, tail, total)
        rows.append(GrowthRow(size, fpir, threshold, float("nan"), total, False))
    return rows


def impostor_tail(embedded: EmbeddedSet, codes: npt.NDArray[np.int64],
                  keep: int = 200_000) -> tuple[npt.NDArray[np.float32], int]:
    """The `keep` highest cross-identity similarities (descending) and how many pairs exist,
    each pair scored as a search (`searches` row) against an enrolment (`embeddings` row)."""
    searches, enrolled = embedded.searches, embedded.embeddings
    tail = np.zeros(0, np.float32)
    total = 0
    for start in range(0, len(enrolled), 512):
        block = searches[start : start + 512] @ enrolled.T
        rows = np.arange(start, start + len(block))[:, None]
        mask = (np.arange(len(enrolled))[None, :] > rows) & (
            codes[start : start + 512, None] != codes[None, :])
        values = block[mask]
        total += values.size
        joined = np.concatenate([tail, values])
        if joined.size > keep:
            joined = np.partition(joined, joined.size - keep)[-keep:]
        tail = joined
    return np.sort(tail)[::-1].astype(np.float32), total


def evaluate(embedded: EmbeddedSet, threshold: float, margin: float,
             sizes: tuple[int, ...] = GALLERY_SIZES) -> IdentifyResult:
    names = identities(embedded.paths)
    codes = np.unique(names, return_inverse=True)[1].astype(np.int64)
    gallery = draw(names, None, np.random.default_rng(SEED))
    mated, strangers = run_draw(embedded, codes, gallery)
    operating = tuple(dir_at_fpir(mated, strangers, f) for f in FPIRS)
    tail, total = impostor_tail(embedded, codes)
    curves: dict[int, tuple[Searches, Searches]] = {}
    rows = tuple(row for size in sizes for row in growth(embedded, codes, size, tail, total,
                                                         curves))
    return IdentifyResult(len(gallery.enrolled), mated, strangers, operating, threshold, margin,
                          rows, int(np.count_nonzero(embedded.no_face)), len(embedded.paths),
                          embedded.model, embedded.seconds, curves)
