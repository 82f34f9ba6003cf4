"""How long an enrolment made in the admin panel takes to reach a running recognition worker.

Run from the project root: `nice -n 10 .venv/bin/python benchmarks/admin_propagation.py`.
A worker thread holds its own connection and Gallery (as the kiosk's worker does) and matches a
probe every 10 ms; the main thread enrols the probe's person through PeopleAdmin (the panel's
code path) and the benchmark records when the worker first names them. The gallery is padded
with random unit vectors so the reload cost at realistic sizes is included; those rows only
make the matrix large, they are never the answer (the probe is a real face of the person).
Prints the median and max of REPEATS runs per gallery size.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from turnstile.admin.audit import AuditLog
from turnstile.admin.people import PeopleAdmin
from turnstile.config import Config, ModelsConfig
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.vision.engine import Engine, thumbnail_jpeg
from turnstile.vision.imageio import read_image

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "datasets" / "face_recognition_examples" / "examples"
SIZES = (100, 1_000, 10_000)
REPEATS = 5
POLL_S = 0.01


def _pad(people: PeopleAdmin, count: int, dimension: int) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(count, dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for start in range(0, count, 10):
        chunk = [NewTemplate(v) for v in vectors[start:start + 10]]
        people.enrol(f"padding {start}", None, chunk, consent=False)


def _watch(db: Path, engine: Engine, probe: np.ndarray, seen: dict[str, float],
           stop: threading.Event) -> None:
    store = SQLiteStore.open(db)
    gallery = engine.gallery(store)
    while not stop.is_set():
        if gallery.match(probe).name == "Barack Obama" and "at" not in seen:
            seen["at"] = time.perf_counter()
        time.sleep(POLL_S)
    store.close()


def measure(engine: Engine, size: int, enrolled: NewTemplate, probe: np.ndarray) -> list[float]:
    latencies = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        store = SQLiteStore.open(db)
        people = PeopleAdmin(store, AuditLog(store.connection, datetime.now), "bench",
                             datetime.now, engine.gallery(store))
        _pad(people, size, engine.embedder.dimension)
        for _ in range(REPEATS):
            seen: dict[str, float] = {}
            stop = threading.Event()
            watcher = threading.Thread(target=_watch, args=(db, engine, probe, seen, stop))
            watcher.start()
            time.sleep(0.5)  # the worker has built its matrix and is matching
            person = people.enrol("Barack Obama", None, [enrolled], consent=True)
            committed = time.perf_counter()
            while "at" not in seen and time.perf_counter() - committed < 10:
                time.sleep(POLL_S / 2)
            stop.set()
            watcher.join()
            latencies.append(seen.get("at", float("inf")) - committed)
            people.delete(person.id)
        store.close()
    return latencies


def main() -> None:
    engine = Engine.from_config(Config(models=ModelsConfig(device="cpu")))
    first = engine.embed_largest(read_image(EXAMPLES / "obama.jpg"))
    second = engine.embed_largest(read_image(EXAMPLES / "obama-720p.jpg"))
    assert first is not None and second is not None
    enrolled = NewTemplate(first.embedding, "obama.jpg", None, thumbnail_jpeg(first.aligned))
    for size in SIZES:
        values = measure(engine, size, enrolled, second.embedding)
        print(f"gallery {size:>6} templates: enrolment seen by the worker after median "
              f"{statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms "
              f"({REPEATS} runs, worker polling every {POLL_S * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
