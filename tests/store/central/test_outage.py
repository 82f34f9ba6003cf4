"""The link to the centre fails: kiosks keep deciding, nothing is lost or duplicated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import psycopg

from tests.netproxy import TcpProxy
from tests.store.central.conftest import MODEL, Kiosk, bulk_enrol, templates, through, unit
from turnstile.store import database as storage
from turnstile.store.central.roster import CentralRoster
from turnstile.store.outbox import Outbox
from turnstile.types import Outcome

ROOT = Path(__file__).resolve().parents[3]
DECISIONS = 1000


def _central_events(dsn: str) -> dict[str, tuple[int, int]]:
    """Per kiosk: (events, distinct uids) in the central log."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT kiosk_id, count(*), count(DISTINCT uid) FROM events"
                            " GROUP BY kiosk_id").fetchall()
    return {str(k): (int(n), int(d)) for k, n, d in rows}


def _wait(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_cut_link_during_1000_decisions_at_two_kiosks(
        pg_dsn: str, roster: CentralRoster, proxy: TcpProxy, tmp_path: Path) -> None:
    basis = np.eye(MODEL.dimension, dtype=np.float32)
    people, strangers = list(basis[:5]), list(basis[8:])
    for number, vector in enumerate(people):
        roster.enrol(f"Person {number}", f"E{number}", templates(vector), MODEL.name,
                     MODEL.dimension)
    dsn = through(pg_dsn, proxy)
    kiosks = [Kiosk.open(name, tmp_path, dsn, poll_s=0.1) for name in ("door-1", "door-2")]
    stop = threading.Event()
    threads = [k.sync.start(stop) for k in kiosks]
    _wait(lambda: all(k.sync.state.change_number > 0 for k in kiosks))
    outcomes: dict[str, list[Outcome]] = {k.name: [] for k in kiosks}
    cut_at, restore_at = DECISIONS // 4, DECISIONS * 3 // 4
    link_down = threading.Event()

    def decide(kiosk: Kiosk) -> None:
        # Each thread opens its own connection: SQLite connections stay in their thread.
        local = Kiosk(kiosk.name, kiosk.path, kiosk.central, storage.connect(kiosk.path),
                      kiosk.sync)
        for number in range(DECISIONS):
            stranger = number % 10 == 0
            probe = (strangers[number % len(strangers)] if stranger
                     else people[number % len(people)])
            outcomes[kiosk.name].append(local.decide(probe).outcome)
            if number == cut_at and kiosk is kiosks[0]:
                proxy.cut()
                link_down.set()
            if number == restore_at and kiosk is kiosks[0]:
                proxy.restore()
            time.sleep(0.002)
        local.close()

    workers = [threading.Thread(target=decide, args=(k,)) for k in kiosks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    try:
        assert link_down.is_set()
        for kiosk in kiosks:
            decided = outcomes[kiosk.name]
            assert len(decided) == DECISIONS
            assert decided.count(Outcome.GRANTED) == DECISIONS - DECISIONS // 10
            assert decided.count(Outcome.UNKNOWN) == DECISIONS // 10
        _wait(lambda: all(n == DECISIONS for n, _ in _central_events(pg_dsn).values())
              and len(_central_events(pg_dsn)) == 2)
        # Every decision exactly once; a little longer, in case a duplicate were still coming.
        time.sleep(0.5)
        assert _central_events(pg_dsn) == {"door-1": (DECISIONS, DECISIONS),
                                           "door-2": (DECISIONS, DECISIONS)}
        for kiosk in kiosks:
            assert Outbox(kiosk.conn, "central").size() == 0
    finally:
        stop.set()
        for thread in threads:
            thread.join(5)
        for kiosk in kiosks:
            kiosk.close()


_SYNC_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from turnstile.store.central import replica, sync
    from turnstile.store.central.connection import Central
    from turnstile.store.central.replica import ModelId
    replica.BATCH_PEOPLE = 100
    sync.PUSH_BATCH = 100
    sync.Synchronizer(Central(sys.argv[1], "door-k"), Path(sys.argv[2]),
                      ModelId(sys.argv[3], int(sys.argv[4]))).once()
    """)


def _start_sync(dsn: str, path: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", _SYNC_SCRIPT, dsn, str(path), MODEL.name,
                             str(MODEL.dimension)], env=env, cwd=ROOT)


def _replica_number(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM replica_state WHERE key = 'change_number'")\
            .fetchone()
        return int(row[0]) if row else 0
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def test_kill_9_in_the_middle_of_a_sync(pg_dsn: str, roster: CentralRoster,
                                        tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    bulk_enrol(pg_dsn, 3000, 2, rng)
    kiosk = Kiosk.open("door-k", tmp_path, pg_dsn)
    Outbox(kiosk.conn, "central").register()
    stranger = unit(rng)
    for _ in range(3000):
        kiosk.decide(stranger)
    kiosk.close()

    # Killed while pulling the roster.
    process = _start_sync(pg_dsn, kiosk.path)
    _wait(lambda: _replica_number(kiosk.path) > 0)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    _check_consistent(pg_dsn, kiosk.path)

    # Killed while pushing the outbox.
    process = _start_sync(pg_dsn, kiosk.path)
    _wait(lambda: _central_events(pg_dsn).get("door-k", (0, 0))[0] > 0, timeout=60)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    pushed = _central_events(pg_dsn).get("door-k", (0, 0))[0]
    _check_consistent(pg_dsn, kiosk.path)
    conn = storage.connect(kiosk.path)
    left = Outbox(conn, "central").size()
    conn.close()
    assert pushed < 3000 and pushed + left >= 3000  # nothing lost; a resend may overlap

    # Restarted: the replica equals the centre, every event is there exactly once.
    process = _start_sync(pg_dsn, kiosk.path)
    assert process.wait(60) == 0
    assert _central_events(pg_dsn) == {"door-k": (3000, 3000)}
    conn = storage.connect(kiosk.path)
    assert Outbox(conn, "central").size() == 0
    assert conn.execute("SELECT count(*) FROM people").fetchone() == (3000,)
    conn.close()


def _check_consistent(dsn: str, path: Path) -> None:
    """The replica holds exactly the people of its change number, each with all templates."""
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    number = _replica_number(path)
    local = dict(conn.execute("SELECT p.id, count(t.id) FROM people p LEFT JOIN templates t"
                              " ON t.person_id = p.id GROUP BY p.id").fetchall())
    conn.close()
    with psycopg.connect(dsn) as central:
        expected: dict[int, int] = dict(central.execute(
            "SELECT c.person_id, count(t.id) FROM changes c JOIN templates t"
            " ON t.person_id = c.person_id WHERE c.seq <= %s GROUP BY c.person_id",
            (number,)).fetchall())
    assert local == expected
