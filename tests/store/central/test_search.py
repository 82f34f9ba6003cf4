"""The server-side 1:N search (numpy fallback here; pgvector where the server has it)."""

from __future__ import annotations

import numpy as np
import psycopg
import pytest

from tests.store.central.conftest import MODEL, bulk_enrol, templates, unit
from turnstile.store.central import search
from turnstile.store.central.roster import CentralRoster


def test_nearest_finds_the_one_existing_enrolment(pg_dsn: str, roster: CentralRoster,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(20)
    bulk_enrol(pg_dsn, 500, 2, rng)
    vector = unit(rng)
    person = roster.enrol("Eve", "E5", templates(vector), MODEL.name, MODEL.dimension)
    noisy = vector + 0.1 * unit(rng)
    with psycopg.connect(pg_dsn) as conn:
        monkeypatch.setattr(search, "CHUNK", 97)  # several chunks: the best is in any
        found = search.nearest(conn, noisy / np.linalg.norm(noisy), MODEL.name)
        assert found is not None and found.person_id == person.person.id
        assert found.name == "Eve" and found.similarity > 0.9
        other = search.nearest(conn, vector, MODEL.name, exclude=person.person.id)
        assert other is not None and other.person_id != person.person.id
        assert other.similarity < found.similarity
        assert search.nearest(conn, vector, "unknown-model") is None
        # Where the server offers pgvector the answer is the same (not on every server).
        if search.enable_pgvector(conn):
            again = search.nearest(conn, noisy / np.linalg.norm(noisy), MODEL.name)
            assert again is not None and again.person_id == found.person_id
            assert abs(again.similarity - found.similarity) < 1e-4
