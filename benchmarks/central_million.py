"""1,000,000 templates in the central database: a new kiosk's replica, and the server search.

Run from the project root (shared machine: niced; about 10 minutes on 2 busy cores):

    nice -n 10 .venv/bin/python benchmarks/central_million.py --json central_million.json

Fills a database created for the run (and dropped afterwards) with PEOPLE x PER_PERSON
synthetic templates (random unit vectors of the default model's 128 dimensions), then
  * a new kiosk process builds its replica from nothing (`Synchronizer.once()`, the same code
    `turnstile sync --once` and the kiosk run): wall time, and its peak memory (max RSS);
  * the same process loads the replica into its matcher: time and peak memory after;
  * the server-side duplicate check (`search.nearest`, numpy over streamed rows here; pgvector
    where the server has the extension): median latency over repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psycopg
from psycopg import conninfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from turnstile.store.central import search  # noqa: E402
from turnstile.store.central.roster import CentralRoster  # noqa: E402
from turnstile.store.central.schema import migrate  # noqa: E402

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
MODEL, DIMENSION = "sface", 128


def _rss_mb() -> float:
    """Peak memory of this process (VmHWM: ru_maxrss would carry the parent's across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def build_replica(dsn: str, path: Path) -> dict[str, float]:
    """Child process: a new kiosk's first sync, then its matcher load."""
    from turnstile.store import database as storage
    from turnstile.store.central.connection import Central
    from turnstile.store.central.replica import ModelId
    from turnstile.store.central.sync import Synchronizer
    from turnstile.store.gallery import Gallery
    from turnstile.store.sqlite import SQLiteStore

    start = time.monotonic()
    report = Synchronizer(Central(dsn, "new-kiosk"), path, ModelId(MODEL, DIMENSION)).once()
    synced = time.monotonic() - start
    rss_sync = _rss_mb()
    start = time.monotonic()
    conn = storage.connect(path)
    gallery = Gallery(SQLiteStore(conn), MODEL, DIMENSION)
    size = gallery.size
    loaded = time.monotonic() - start
    probe = np.random.default_rng(1).standard_normal(DIMENSION).astype(np.float32)
    probe /= np.linalg.norm(probe)
    times = []
    for _ in range(20):
        begin = time.perf_counter()
        gallery.match(probe)
        times.append(time.perf_counter() - begin)
    conn.close()
    return {"people": report.updated, "templates": size, "sync_s": synced,
            "max_rss_after_sync_mb": rss_sync, "matcher_load_s": loaded,
            "max_rss_after_load_mb": _rss_mb(), "replica_file_mb": path.stat().st_size / 2**20,
            "replica_match_ms_median": 1000.0 * statistics.median(times)}


def fill(conn: psycopg.Connection[tuple[object, ...]], people: int, per_person: int,
         chunk: int) -> float:
    roster = CentralRoster(conn, "bench", "office")
    rng = np.random.default_rng(0)
    start = time.monotonic()
    for first in range(0, people, chunk):
        count = min(chunk, people - first)
        vectors = rng.standard_normal((count * per_person, DIMENSION)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        roster.bulk_enrol([(f"P{first + n}", list(vectors[n * per_person:(n + 1) * per_person]))
                           for n in range(count)], MODEL, DIMENSION)
    return time.monotonic() - start


def server_search(conn: psycopg.Connection[tuple[object, ...]], repeat: int) -> dict[str, object]:
    rng = np.random.default_rng(2)
    pgvector = search.enable_pgvector(conn)
    times = []
    for _ in range(repeat):
        probe = rng.standard_normal(DIMENSION).astype(np.float32)
        probe /= np.linalg.norm(probe)
        begin = time.perf_counter()
        search.nearest(conn, probe, MODEL)
        times.append(time.perf_counter() - begin)
    return {"method": "pgvector" if pgvector else "numpy over streamed rows",
            "median_s": statistics.median(times), "max_s": max(times), "repeats": repeat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--per-person", type=int, default=4)
    parser.add_argument("--chunk", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", nargs=2, metavar=("DSN", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(build_replica(args.child[0], Path(args.child[1]))))
        return
    server = os.environ.get("TURNSTILE_TEST_PG_DSN", DEFAULT_DSN)
    name = f"turnstile_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = conninfo.make_conninfo(server, dbname=name)
    try:
        with psycopg.connect(dsn) as conn, tempfile.TemporaryDirectory() as tmp:
            migrate(conn)
            fill_s = fill(conn, args.people, args.per_person, args.chunk)
            child = subprocess.run(
                [sys.executable, __file__, "--child", dsn, str(Path(tmp) / "replica.db")],
                capture_output=True, text=True, check=False,
                env=dict(os.environ, PYTHONPATH=str(ROOT)))
            if child.returncode:
                raise SystemExit(f"the new kiosk failed:\n{child.stderr[-3000:]}")
            figures = {"templates": args.people * args.per_person, "people": args.people,
                       "central_fill_s": fill_s,
                       "new_kiosk": json.loads(child.stdout.strip().splitlines()[-1]),
                       "server_duplicate_check": server_search(conn, args.repeat)}
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
