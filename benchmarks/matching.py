"""1:N matching: the first Gallery algorithm, TemplateMatrix with the float32 product only,
and TemplateMatrix as shipped (int8 pre-selection from 50,000 rows), BLAS threads 1 vs 2.

Usage: python benchmarks/matching.py [REPEAT]. Each BLAS thread count runs in its own
process (idle OpenBLAS threads spin and would bill the next variant); inside a process the
variants alternate on the same random unit vectors and queries. A float16 copy of the matrix
(numpy's product, 5 calls) shows what half precision would cost.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from typing import Any

import numpy as np

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def previous_search(matrix: np.ndarray, ids: np.ndarray, query: np.ndarray) -> tuple[int, float]:
    """The algorithm Gallery.match used before TemplateMatrix (kept here for comparison)."""
    scores = matrix @ query
    top = min(scores.shape[0], 16)
    rows = np.argpartition(-scores, top - 1)[:top]
    rows = rows[np.argsort(-scores[rows])]
    others = rows[ids[rows] != ids[rows[0]]]
    return int(ids[rows[0]]), float(scores[others[0]])


def _before(plain: np.ndarray, ids: np.ndarray, queries: np.ndarray, i: int) -> object:
    return previous_search(plain, ids, queries[i % 64])


def _search(matrix: Any, queries: np.ndarray, i: int) -> object:
    return matrix.search(queries[i % 64])


def _half(half: np.ndarray, queries: np.ndarray, i: int) -> object:
    return half @ queries[i % 64].astype(np.float16)


def child(blas: int, repeat: int) -> None:
    from threadpoolctl import threadpool_limits

    from turnstile.bench.abtest import interleaved
    from turnstile.bench.synthetic import unit_vectors
    from turnstile.store.matcher import TemplateMatrix

    threadpool_limits(blas, user_api="blas")
    vectors = unit_vectors(max(SIZES), 128, seed=2)
    queries = unit_vectors(64, 128, seed=3)
    out = {}
    for size in SIZES:
        ids = np.arange(size)
        matrix = TemplateMatrix(128)
        matrix.replace(ids, vectors[:size])
        exact = TemplateMatrix(128, coarse=False)
        exact.replace(ids, vectors[:size])
        plain = np.ascontiguousarray(vectors[:size])
        stats = interleaved({
            "before": functools.partial(_before, plain, ids, queries),
            "float32": functools.partial(_search, exact, queries),
            "after": functools.partial(_search, matrix, queries),
        }, warmup=5, repeat=repeat)
        half = plain.astype(np.float16)
        stats.update(interleaved({"float16": functools.partial(_half, half, queries)},
                                 warmup=1, repeat=5))
        out[str(size)] = {name: [wall.median, wall.p90, cpu.median]
                          for name, (wall, cpu) in stats.items()}
        del matrix, exact, plain, half
    print(json.dumps(out))


def main() -> None:
    repeat = sys.argv[1] if len(sys.argv) > 1 else "40"
    print(f"1:N match, 128-d float32, one template per person (load average "
          f"{os.getloadavg()[0]:.2f}); wall median / p90 / cpu median, ms")
    for blas in (1, 2):
        done = subprocess.run([sys.executable, __file__, "--child", str(blas), repeat],
                              capture_output=True, text=True, check=True)
        for size, result in json.loads(done.stdout.strip().splitlines()[-1]).items():
            cells = "   ".join(f"{name} {w:7.3f} {p:7.3f} {c:7.3f}"
                               for name, (w, p, c) in result.items())
            print(f"BLAS threads {blas}  {size:>9}   {cells}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
