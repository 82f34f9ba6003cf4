"""Synthetic galleries: random unit vectors in the real SQLite schema and template matrix.

Random unit vectors stand in for enrolled people only where content does not matter (the
cost of 1:N matching); every face that is detected or embedded in a benchmark is real.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from turnstile.store.gallery import Gallery
from turnstile.store.sqlite import SQLiteStore

#: Rows generated per chunk (bounds temporary memory at 1e6 people).
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
    """Enrol one synthetic person per row into the gallery's SQLite store, in bulk.

    Going through the people service would time SQLite round trips, not matching.
    """
    store = gallery.store
    if not isinstance(store, SQLiteStore):
        raise TypeError("synthetic galleries are written into the embedded SQLite store")
    store.templates.add_people("synthetic", gallery.model, gallery.dimension, vectors)
