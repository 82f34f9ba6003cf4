"""Synthetic galleries: random unit vectors in the real SQLite schema and template matrix.

Random unit vectors stand in for enrolled people only where content does not matter (the
cost of 1:N matching); every face that is detected or embedded in a benchmark is real.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import numpy as np
import numpy.typing as npt

from turnstile.store.gallery import Gallery

#: Rows generated and written per chunk (bounds temporary memory at 1e6 people).
_CHUNK = 65_536


def unit_vectors(count: int, dimension: int, seed: int = 0) -> npt.NDArray[np.float32]:
    """`count` random L2-normalised float32 rows, generated chunk by chunk in place."""
    rng = np.random.default_rng(seed)
    out = np.empty((count, dimension), np.float32)
    for start in range(0, count, _CHUNK):
        block = out[start : start + _CHUNK]
        rng.standard_normal(out=block, dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
    return out


def fill_gallery(gallery: Gallery, vectors: npt.NDArray[np.float32]) -> None:
    """Enrol one synthetic person per row through the gallery's own tables, in bulk.

    Going through add_person/add_template would time SQLite round trips, not matching.
    """
    conn: sqlite3.Connection = gallery.connection
    now = datetime.now().isoformat(timespec="seconds")
    first = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM people").fetchone()[0]) + 1
    conn.execute("BEGIN IMMEDIATE")
    try:
        for start in range(0, vectors.shape[0], _CHUNK):
            block = vectors[start : start + _CHUNK]
            ids = range(first + start, first + start + block.shape[0])
            conn.executemany("INSERT INTO people (id, name, active, created) VALUES (?, ?, 1, ?)",
                             ((i, f"synthetic {i}", now) for i in ids))
            conn.executemany(
                "INSERT INTO templates (person_id, model, dimension, embedding, created)"
                " VALUES (?, ?, ?, ?, ?)",
                ((i, gallery.model, gallery.dimension, row.tobytes(), now)
                 for i, row in zip(ids, block, strict=True)))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    gallery.reload()
