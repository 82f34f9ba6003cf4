"""Per fault: what the door did, what was logged, how long until the kiosk was back.

    PYTHONPATH=. python benchmarks/fault_recovery.py --repeat 5 --json faults.json

Each fault is injected into the kiosk's real loop (scripted frames, real SQLite file, the real
serial driver against a relay board behind a pty) and timed from the moment the fault ends to
the first frame or event that shows recovery; medians over `--repeat` runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.access.test_pipeline import Script, build
from tests.faults.fakerelay import CLOSE, OPEN, FakeRelay
from turnstile.access.camera import CameraLostError, Frame
from turnstile.access.door import SerialDoor, SimulatedDoor
from turnstile.access.pipeline import CameraState, CameraStatus, run
from turnstile.config import CameraConfig
from turnstile.store import database as storage


class Timed:
    """A source: Alice steps up every 2.5 s, 30 frames a second, frames made as read."""

    name = "timed"

    def __init__(self, lose: threading.Event | None = None) -> None:
        self.lose = lose or threading.Event()
        self.cycle = Script([1, 1, 1, 1] + [0] * 71).frames_

    def frames(self) -> Iterator[Frame]:
        started = time.monotonic()
        for index in range(10**9):
            if self.lose.is_set():
                raise CameraLostError("unplugged")
            time.sleep(max(0.0, started + index / 30 - time.monotonic()))
            image = self.cycle[index % len(self.cycle)].image
            yield Frame(image, index, index / 30,
                        self.cycle[0].at + timedelta(seconds=index / 30))


def fill_disk(conn: sqlite3.Connection) -> None:
    """SQLite's disk-full simulation: cap the pages, then use up the last ones."""
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.execute(f"PRAGMA max_page_count = {pages + 4}")
    for size in (2000, 200, 1):
        try:
            for _ in range(10_000):
                conn.execute("INSERT INTO events (at, outcome, detail) VALUES "
                             "('2000-01-01', 'unknown', ?)", ("f" * size,))
        except sqlite3.OperationalError:
            continue


def events(folder: Path) -> int:
    """Events in the log, read on a connection of our own (as the admin panel would)."""
    conn = sqlite3.connect(folder / "site.db")
    try:
        # Not the rows that filled the disk.
        return int(conn.execute("SELECT COUNT(*) FROM events WHERE detail NOT GLOB 'f*'")
                   .fetchone()[0])
    finally:
        conn.close()


class Kiosk:
    """The loop on its own thread with its own connection, as the kiosk's worker runs it."""

    def __init__(self, folder: Path, source: Any = None, door: Any = None,
                 status: Callable[[CameraStatus], None] | None = None,
                 prepare: Callable[[sqlite3.Connection], None] | None = None) -> None:
        self.door = door or SimulatedDoor()
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.conn: sqlite3.Connection | None = None
        self._args = (folder, source or Timed(), status, prepare)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(30)

    def _run(self) -> None:
        folder, source, status, prepare = self._args
        self.conn = storage.connect(folder / "site.db")
        self.conn.execute("PRAGMA busy_timeout = 200")
        pipeline = build(self.conn, door=self.door)
        if prepare is not None:
            prepare(self.conn)
        self.ready.set()
        run(source, pipeline, lambda r: None,
            camera=CameraConfig(reconnect_s=0.5, reconnect_max_s=10.0), stop=self.stop,
            on_status=status)
        self.conn.close()

    def end(self) -> None:
        self.stop.set()
        self.thread.join(10)


def _until(condition: Callable[[], bool], timeout: float = 30.0) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            return float("nan")
        time.sleep(0.005)
    return time.monotonic() - started


def writer_holds_lock(folder: Path) -> dict[str, Any]:
    storage.connect(folder / "site.db").close()
    holder = sqlite3.connect(folder / "site.db", isolation_level=None)
    kiosk = Kiosk(folder)
    holder.execute("BEGIN IMMEDIATE")
    time.sleep(6.0)  # two grants while locked
    pulses = kiosk.door.pulses
    holder.execute("ROLLBACK")
    holder.close()
    recovered = _until(lambda: events(folder) >= 2)
    kiosk.end()
    conn = sqlite3.connect(folder / "site.db")
    rows = conn.execute("SELECT reason FROM events ORDER BY id").fetchall()
    conn.close()
    return {"door_pulses_while_locked": pulses, "recovery_s": recovered,
            "logged": [str(r[0]) for r in rows][:2]}


def disk_full(folder: Path) -> dict[str, Any]:
    kiosk = Kiosk(folder, prepare=fill_disk)
    before = events(folder)
    time.sleep(6.0)
    pulses = kiosk.door.pulses
    # Space comes back (an operator clears the disk): raise the cap from another connection.
    conn = sqlite3.connect(folder / "site.db")
    conn.execute("DELETE FROM events WHERE detail LIKE 'f%'")
    conn.commit()
    conn.close()
    recovered = _until(lambda: events(folder) >= 2)
    kiosk.end()
    return {"door_pulses_while_full": pulses, "events_before": before, "recovery_s": recovered}


def camera_unplugged(folder: Path) -> dict[str, Any]:
    lose = threading.Event()
    running: list[float] = []

    def status(s: CameraStatus) -> None:
        if s.state is CameraState.RUNNING:
            running.append(time.monotonic())

    kiosk = Kiosk(folder, Timed(lose), status=status)
    time.sleep(1.0)
    lose.set()
    time.sleep(2.0)
    lose.clear()
    back = time.monotonic()
    recovered = _until(lambda: bool(running) and running[-1] >= back)
    kiosk.end()
    return {"recovery_s": recovered}


def close_not_taken(folder: Path) -> dict[str, Any]:
    relay = FakeRelay()
    try:
        door = SerialDoor(relay.port, 9600, OPEN, CLOSE, 0.2, open_ack=OPEN, close_ack=CLOSE)
        door.secure()
        relay.ignore_closes = 3
        door.open()
        opened = time.monotonic()
        closed = _until(lambda: not relay.energised)
        door.close()
        return {"relay_open_s": closed, "pulse_s": 0.2, "retries": 3,
                "first_open_s": round(time.monotonic() - opened, 3)}
    finally:
        relay.close()


FAULTS = {"writer holding the lock": writer_holds_lock, "disk full": disk_full,
          "camera unplugged 2 s": camera_unplugged,
          "relay misses 3 closes": close_not_taken}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, dest="json_out")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    results: dict[str, Any] = {}
    for name, fault in FAULTS.items():
        runs = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as scratch:
                runs.append(fault(Path(scratch)))
        key = "relay_open_s" if "relay_open_s" in runs[0] else "recovery_s"
        median = statistics.median(r[key] for r in runs)
        results[name] = {"median_" + key: round(median, 3), "runs": runs}
        print(f"{name:28} median {key} {median:.3f}  {runs[0]}", flush=True)
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
