"""1:N matching on an in-memory template matrix: the best person and the runner-up person."""

from __future__ import annotations

import os
import threading

import numpy as np
import numpy.typing as npt

from turnstile.store.coarse import MIN_ROWS, CoarseIndex

#: Rows of spare capacity the matrix starts with; it doubles when full.
_INITIAL_CAPACITY = 64
#: Next-best rows looked at for a different person before masking all of the best's rows.
_RUNNER_TRIES = 4
#: Above this share of rows left by the int8 pre-selection, one full product is cheaper.
_MAX_CANDIDATE_SHARE = 0.1


class TemplateMatrix:
    """Templates as rows of one preallocated float32 matrix, with the person of each row.

    Enrolling appends into spare capacity (amortised O(1), no copy of the whole matrix per
    template); removing a person compacts in place. A query is one matrix-vector product into
    a reused score buffer plus a few argmax passes: no per-call allocation of N scores and no
    partial sort, which at 1e6 rows cost more than the product itself.
    """

    def __init__(self, dimension: int, coarse: bool = True) -> None:
        self.dimension = dimension
        #: Whether large galleries get the int8 pre-selection (off: always the full product).
        self._use_coarse = coarse
        self._rows = np.zeros((_INITIAL_CAPACITY, dimension), np.float32)
        self._ids = np.zeros(_INITIAL_CAPACITY, np.int64)
        self._scores = np.zeros(_INITIAL_CAPACITY, np.float32)
        self._count = 0
        #: int8 copy for large galleries (see turnstile.store.coarse); None below MIN_ROWS.
        self._coarse: CoarseIndex | None = None
        # The score buffer is shared state: one query at a time.
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._count

    @property
    def person_ids(self) -> npt.NDArray[np.int64]:
        return self._ids[: self._count]

    @property
    def rows(self) -> npt.NDArray[np.float32]:
        """The filled rows (a view; do not modify)."""
        return self._rows[: self._count]

    def replace(self, person_ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        """Load all templates at once (a rebuild from the database or a bulk load)."""
        ids = np.asarray(person_ids, np.int64).reshape(-1)
        matrix = np.asarray(vectors, np.float32).reshape(-1, self.dimension)
        if ids.shape[0] != matrix.shape[0]:
            raise ValueError(f"{ids.shape[0]} person ids for {matrix.shape[0]} vectors")
        with self._lock:
            self._count = 0
            self._reserve(max(ids.shape[0], _INITIAL_CAPACITY))
            self._rows[: ids.shape[0]] = matrix
            self._ids[: ids.shape[0]] = ids
            self._count = ids.shape[0]
            self._coarse = None
            self._update_coarse()

    def append(self, person_id: int, vector: npt.ArrayLike) -> None:
        row = np.asarray(vector, np.float32).reshape(self.dimension)
        with self._lock:
            if self._count == self._rows.shape[0]:
                self._reserve(2 * self._count)
            self._rows[self._count] = row
            self._ids[self._count] = person_id
            self._count += 1
            if self._coarse is not None:
                self._coarse.append(row)
            self._update_coarse()

    def remove_person(self, person_id: int) -> int:
        """Drop every row of one person; returns how many were dropped."""
        with self._lock:
            keep = self._ids[: self._count] != person_id
            kept = int(keep.sum())
            dropped = self._count - kept
            if dropped:
                self._rows[:kept] = self._rows[: self._count][keep]
                self._ids[:kept] = self._ids[: self._count][keep]
                self._count = kept
                if self._coarse is not None:
                    self._coarse.keep(keep)
            return dropped

    def _update_coarse(self) -> None:
        """Build the int8 copy once the gallery is large enough for it to pay."""
        if self._use_coarse and self._coarse is None and self._count >= MIN_ROWS:
            self._coarse = CoarseIndex(self.dimension, min(os.cpu_count() or 1, 4))
            self._coarse.replace(self._rows[: self._count])

    def _reserve(self, capacity: int) -> None:
        if capacity <= self._rows.shape[0]:
            return
        rows = np.zeros((capacity, self.dimension), np.float32)
        ids = np.zeros(capacity, np.int64)
        rows[: self._count] = self._rows[: self._count]
        ids[: self._count] = self._ids[: self._count]
        self._rows, self._ids = rows, ids
        self._scores = np.zeros(capacity, np.float32)

    def search(self, query: npt.NDArray[np.float32]) -> tuple[int, float, float] | None:
        """(best person id, their similarity, best similarity of any other person or -1).

        None when the matrix is empty. `query` must be a float32 vector of `dimension`.
        """
        with self._lock:
            count = self._count
            if count == 0:
                return None
            ids = self._ids[:count]
            if self._coarse is not None:
                rows = self._coarse.candidates(query, ids)
                if rows.size <= _MAX_CANDIDATE_SHARE * count:
                    return _search_rows(self._rows[rows] @ query, ids[rows])
            scores = self._scores[:count]
            np.dot(self._rows[:count], query, out=scores)
            return _search_rows(scores, ids)

    def nearest(self, query: npt.NDArray[np.float32],
                exclude: int | None = None) -> tuple[int, float] | None:
        """(person id, similarity) of the most similar row of anyone but `exclude`, exactly
        (no pre-selection); None when no other person has a row. For enrolment's duplicate
        check, which is rare enough that one full product costs nothing."""
        with self._lock:
            count = self._count
            if count == 0:
                return None
            scores = self._rows[:count] @ query
            ids = self._ids[:count]
            if exclude is not None:
                scores[ids == exclude] = -np.inf
            if not np.isfinite(scores.max()):
                return None
            best = int(scores.argmax())
            return int(ids[best]), float(scores[best])


def _search_rows(scores: npt.NDArray[np.float32],
                 ids: npt.NDArray[np.int64]) -> tuple[int, float, float]:
    """Best person and runner-up among these rows' exact float32 scores (which it
    overwrites: the caller's scratch buffer or a fresh array)."""
    best = int(scores.argmax())
    best_pid, best_score = int(ids[best]), float(scores[best])
    return best_pid, best_score, _runner_up(scores, ids, best, best_pid)


def _runner_up(scores: npt.NDArray[np.float32], ids: npt.NDArray[np.int64], best: int,
               best_pid: int) -> float:
    """Best score of another person; overwrites `scores` (the caller's scratch buffer)."""
    if scores.shape[0] == 1:
        return -1.0
    # Usually the next-best row already belongs to someone else: a few argmax passes are
    # far cheaper than comparing every row's person id.
    scores[best] = -np.inf
    for _ in range(_RUNNER_TRIES):
        row = int(scores.argmax())
        if ids[row] != best_pid:
            return float(scores[row])
        if scores[row] == -np.inf:
            return -1.0
        scores[row] = -np.inf
    scores[ids == best_pid] = -np.inf
    runner = float(scores.max())
    return runner if np.isfinite(runner) else -1.0
