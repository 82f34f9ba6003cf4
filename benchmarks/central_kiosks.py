"""Twenty kiosks against one central database: propagation, ingest rate, CPU and memory.

Run from the project root (shared machine: niced), against a server that can create a
database (the test server by default, `$TURNSTILE_TEST_PG_DSN`):

    nice -n 10 .venv/bin/python benchmarks/central_kiosks.py --json central_kiosks.json

Two kiosk processes run the full recognition pipeline on looping face clips (the shared clips
beside the project); eighteen run everything except the networks: replica, change feed (LISTEN
plus the sync loop) and outbox, with a decision injected every `--period` seconds each (a
real 1:N match on the replica, a real event through the outbox). The main process enrols
people one at a time through the central roster and records each commit; every kiosk records
when each person became grant-ready in its replica (the replica transaction committed: the
next match names them). Then each light kiosk logs a burst of events at once and the main
process times until the centre holds them all (events per second ingested). The database is
created for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import psycopg
from psycopg import conninfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from turnstile.store import database as storage  # noqa: E402
from turnstile.store.central.connection import Central  # noqa: E402
from turnstile.store.central.replica import ChangeBatch, ModelId  # noqa: E402
from turnstile.store.central.roster import CentralRoster  # noqa: E402
from turnstile.store.central.schema import migrate  # noqa: E402
from turnstile.store.central.sync import Synchronizer  # noqa: E402
from turnstile.store.records import NewTemplate  # noqa: E402

CLIPS = ROOT.parent / "shared" / "datasets" / "videos"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _unit(rng: np.random.Generator, dimension: int) -> np.ndarray:
    vector = rng.standard_normal(dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


def _usage(started: float) -> dict[str, float]:
    """CPU time and peak memory of this process. The peak is VmHWM: ru_maxrss would carry the
    parent's peak across fork and exec."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.monotonic() - started
    status = dict(line.split(":", 1) for line in
                  Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "max_rss_mb": float(status["VmHWM"].split()[0]) / 1024.0,
            "rss_mb": float(status["VmRSS"].split()[0]) / 1024.0}


def _arrivals(sync: Synchronizer) -> dict[int, float]:
    """Person id -> when the replica transaction holding them committed (time.time())."""
    arrived: dict[int, float] = {}

    def note(batch: ChangeBatch) -> None:
        now = time.time()
        for row in batch.people:
            arrived.setdefault(int(row[0]), now)

    sync.listeners.append(note)
    return arrived


def light_kiosk(args: argparse.Namespace) -> None:
    """Replica + change feed + outbox, decisions injected every few seconds."""
    from turnstile.config import EventsConfig
    from turnstile.store.gallery import Gallery
    from turnstile.store.sqlite import SQLiteStore
    from turnstile.types import Decision, Outcome

    started = time.monotonic()
    model = ModelId(args.model, args.dimension)
    sync = Synchronizer(Central(args.dsn, args.kiosk), Path(args.db), model, poll_s=0.5)
    arrived = _arrivals(sync)
    stop = threading.Event()
    thread = sync.start(stop)
    store = SQLiteStore(storage.connect(Path(args.db)), EventsConfig(retention_days=0))
    conn = store.connection
    gallery = Gallery(store, model.name, model.dimension)
    log = store.events
    rng = np.random.default_rng(abs(hash(args.kiosk)) % 2**32)
    decisions = burst = 0
    folder = Path(args.control)

    def decide() -> None:
        row = conn.execute("SELECT embedding FROM templates ORDER BY random() LIMIT 1").fetchone()
        probe = (np.frombuffer(row[0], np.float32) if row and rng.random() < 0.8
                 else _unit(rng, model.dimension))
        match = gallery.match(probe)
        granted = match.similarity >= 0.57 and match.margin >= 0.2
        log.record(Decision(Outcome.GRANTED if granted else Outcome.UNKNOWN, datetime.now(),
                            match))

    due = time.monotonic() + random.uniform(0.5, 1.5) * args.period
    while not (folder / "stop").exists():
        if (folder / "burst").exists() and not burst:
            for _ in range(args.burst):
                decide()
            burst = args.burst
        if time.monotonic() >= due:
            decide()
            decisions += 1
            due += random.uniform(0.5, 1.5) * args.period
        time.sleep(0.05)
    stop.set()
    thread.join(10)
    conn.close()
    Path(args.out).write_text(json.dumps({
        "kind": "light", "kiosk": args.kiosk, "decisions": decisions, "burst": burst,
        "arrived": arrived, **_usage(started)}))


def full_kiosk(args: argparse.Namespace) -> None:
    """The whole pipeline on a looping clip, with the background sync."""
    from turnstile.access.camera import open_source
    from turnstile.access.door import SimulatedDoor
    from turnstile.access.pipeline import Pipeline, run
    from turnstile.config import Config, ModelsConfig
    from turnstile.store.sqlite import SQLiteStore
    from turnstile.vision.engine import Engine

    started = time.monotonic()
    config = Config(models=ModelsConfig(device="cpu", threads=1))
    engine = Engine.from_config(config)
    model = ModelId(engine.embedder.name, engine.embedder.dimension)
    sync = Synchronizer(Central(args.dsn, args.kiosk), Path(args.db), model, poll_s=0.5)
    arrived = _arrivals(sync)
    stop = threading.Event()
    thread = sync.start(stop)
    store = SQLiteStore(storage.connect(Path(args.db)), config.events)
    conn = store.connection
    pipeline = Pipeline.build(config, engine, engine.gallery(store),
                              SimulatedDoor(config.door.pulse_s), source_name=args.clip)
    source = open_source(args.clip, config.camera, pace=True, loop=True)
    finals = 0

    def show(result: object) -> None:
        nonlocal finals
        finals += bool(getattr(result, "final", False))

    watcher = threading.Thread(target=lambda: _wait_for(Path(args.control) / "stop", stop))
    watcher.start()
    summary = run(source, pipeline, show, camera=config.camera, reconnect=False, stop=stop)
    thread.join(10)
    conn.close()
    Path(args.out).write_text(json.dumps({
        "kind": "full", "kiosk": args.kiosk, "frames": summary.frames, "decisions": finals,
        "arrived": arrived, **_usage(started)}))


def _wait_for(path: Path, stop: threading.Event) -> None:
    while not path.exists():
        time.sleep(0.2)
    stop.set()


def _spawn(kind: str, kiosk: str, dsn: str, folder: Path, args: argparse.Namespace,
           model: ModelId, clip: str = "") -> subprocess.Popen[bytes]:
    command = [sys.executable, __file__, "--full-kiosk" if kind == "full" else "--light",
               "--kiosk", kiosk, "--dsn", dsn,
               "--db", str(folder / f"{kiosk}.db"), "--out", str(folder / f"{kiosk}.json"),
               "--control", str(folder), "--model", model.name,
               "--dimension", str(model.dimension), "--period", str(args.period),
               "--burst", str(args.burst), "--clip", clip]
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    return subprocess.Popen(command, env=env)


def _enrol_clip_faces(roster: CentralRoster, clips: list[Path]) -> ModelId:
    """Each clip's person enrolled from one of its frames, so the full kiosks grant."""
    import cv2

    from turnstile.config import Config, ModelsConfig
    from turnstile.vision.engine import Engine

    engine = Engine.from_config(Config(models=ModelsConfig(device="cpu")))
    model = ModelId(engine.embedder.name, engine.embedder.dimension)
    for clip in clips:
        capture = cv2.VideoCapture(str(clip))
        for _ in range(60):
            ok, frame = capture.read()
            if not ok:
                break
            found = engine.embed_largest(np.asarray(frame, np.uint8))
            if found is not None:
                roster.enrol(clip.stem, None, [NewTemplate(found.embedding, clip.name)],
                             model.name, model.dimension)
                break
        capture.release()
    return model


def main_run(args: argparse.Namespace) -> dict[str, object]:
    server = os.environ.get("TURNSTILE_TEST_PG_DSN", DEFAULT_DSN)
    name = f"turnstile_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = conninfo.make_conninfo(server, dbname=name)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return _measure(args, dsn, Path(tmp))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _measure(args: argparse.Namespace, dsn: str, folder: Path) -> dict[str, object]:
    rng = np.random.default_rng(0)
    conn = psycopg.connect(dsn)
    migrate(conn)
    roster = CentralRoster(conn, "bench", "office")
    clips = sorted(CLIPS.glob("*.mp4"))[: args.full]
    model = _enrol_clip_faces(roster, clips) if args.full else ModelId("sface", 128)
    roster.bulk_enrol([(f"P{n}", [_unit(rng, model.dimension) for _ in range(2)])
                       for n in range(args.people)], model.name, model.dimension)
    processes = [_spawn("full", f"full-{n + 1}", dsn, folder, args, model, str(clip))
                 for n, clip in enumerate(clips)]
    processes += [_spawn("light", f"door-{n + 1:02d}", dsn, folder, args, model)
                  for n in range(args.kiosks - len(clips))]
    target = int(conn.execute("SELECT value FROM change_counter").fetchone()[0])  # type: ignore[index]
    conn.commit()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        row = conn.execute("SELECT count(*) FROM kiosks WHERE change_number >= %s",
                           (target,)).fetchone()
        conn.commit()
        if row and row[0] >= len(processes):
            break
        time.sleep(1.0)
    joined = time.monotonic()
    commits: dict[int, float] = {}
    for n in range(args.enrolments):
        person = roster.enrol(f"New {n}", None, [_new(rng, model)], model.name,
                              model.dimension)
        commits[person.person.id] = time.time()
        time.sleep(args.enrol_every)
    time.sleep(3.0)
    burst_total = (args.kiosks - len(clips)) * args.burst
    before = _events(conn)
    (folder / "burst").touch()
    burst_start = time.monotonic()
    while _events(conn) < before + burst_total and time.monotonic() - burst_start < 300:
        time.sleep(0.1)
    burst_s = time.monotonic() - burst_start
    steady_s = time.monotonic() - joined
    (folder / "stop").touch()
    for process in processes:
        process.wait(120)
    results = [json.loads((folder / f).read_text()) for f in sorted(os.listdir(folder))
               if f.endswith(".json")]
    stored = _events(conn)
    duplicates = conn.execute("SELECT count(*) - count(DISTINCT uid) FROM events").fetchone()
    conn.close()
    return _summary(args, results, commits, stored, duplicates, burst_total, burst_s, steady_s)


def _new(rng: np.random.Generator, model: ModelId) -> NewTemplate:
    return NewTemplate(_unit(rng, model.dimension), "bench")


def _events(conn: psycopg.Connection[tuple[int]]) -> int:
    row = conn.execute("SELECT count(*) FROM events").fetchone()
    conn.commit()
    return int(row[0]) if row else 0


def _summary(args: argparse.Namespace, results: list[dict[str, object]],
             commits: dict[int, float], stored: int, duplicates: object, burst_total: int,
             burst_s: float, steady_s: float) -> dict[str, object]:
    delays = [float(k["arrived"][str(pid)]) - at  # type: ignore[index]
              for k in results for pid, at in commits.items()
              if str(pid) in k["arrived"]]  # type: ignore[operator]
    missing = len(results) * len(commits) - len(delays)
    delays.sort()
    per_kind: dict[str, dict[str, float]] = {}
    for kind in ("light", "full"):
        rows = [k for k in results if k["kind"] == kind]
        if rows:
            per_kind[kind] = {
                "kiosks": len(rows),
                "cpu_percent_median": statistics.median(
                    100.0 * float(k["cpu_s"]) / float(k["wall_s"]) for k in rows),  # type: ignore[arg-type]
                "max_rss_mb_median": statistics.median(float(k["max_rss_mb"]) for k in rows),  # type: ignore[arg-type]
                "max_rss_mb_max": max(float(k["max_rss_mb"]) for k in rows),  # type: ignore[arg-type]
            }
    decided = sum(int(k["decisions"]) for k in results)  # type: ignore[call-overload]
    return {
        "kiosks": len(results), "enrolments": len(commits),
        "propagation_s": {"median": statistics.median(delays) if delays else None,
                          "p99": delays[min(len(delays) - 1, int(0.99 * len(delays)))]
                          if delays else None,
                          "max": delays[-1] if delays else None, "samples": len(delays),
                          "missing": missing},
        "burst": {"events": burst_total, "seconds": burst_s,
                  "events_per_s": burst_total / burst_s if burst_s else None},
        "steady_s": steady_s, "decisions_steady": decided, "events_stored": stored,
        "duplicates": duplicates[0] if isinstance(duplicates, tuple) else duplicates,
        "per_kiosk": per_kind,
        "full_kiosks": [{"kiosk": k["kiosk"], "frames": k["frames"], "decisions": k["decisions"],
                         "wall_s": k["wall_s"], "cpu_s": k["cpu_s"]}
                        for k in results if k["kind"] == "full"],
    }


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--light", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--full-kiosk", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--full", type=int, default=2,
                        help="kiosks running full recognition on clips (default 2)")
    parser.add_argument("--kiosks", type=int, default=20, help="kiosk processes (default 20)")
    parser.add_argument("--people", type=int, default=1000, help="people enrolled before")
    parser.add_argument("--enrolments", type=int, default=40, help="people enrolled during")
    parser.add_argument("--enrol-every", type=float, default=1.5, help="seconds between them")
    parser.add_argument("--period", type=float, default=3.0,
                        help="seconds between a light kiosk's decisions (default 3)")
    parser.add_argument("--burst", type=int, default=300,
                        help="events each light kiosk logs at once for the ingest rate")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    for hidden in ("--kiosk", "--dsn", "--db", "--out", "--control", "--model", "--clip"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--dimension", type=int, default=128, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse()
    if args.light:
        light_kiosk(args)
        return
    if args.full_kiosk:
        full_kiosk(args)
        return
    figures = main_run(args)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
