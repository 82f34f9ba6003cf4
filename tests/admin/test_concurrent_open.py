"""The kiosk's worker and the admin panel may open a new database at the same moment."""

from __future__ import annotations

import threading
from pathlib import Path

from turnstile.store import database as storage


def test_simultaneous_first_opens_all_succeed(tmp_path: Path) -> None:
    for attempt in range(5):
        path = tmp_path / f"race-{attempt}.db"
        barrier = threading.Barrier(4)
        errors: list[BaseException] = []

        def open_it(target: Path = path, gate: threading.Barrier = barrier,
                    errors: list[BaseException] = errors) -> None:
            gate.wait()
            try:
                storage.connect(target).close()
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        conn = storage.connect(path)
        assert storage.schema_version(conn) == storage.SCHEMA_VERSION
        conn.close()
