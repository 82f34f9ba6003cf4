"""Storage faults: a damaged file, the WAL, the size limit, backup and restore."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turnstile.config import EventsConfig
from turnstile.store import database as storage
from turnstile.store import upkeep
from turnstile.store.sqlite import SQLiteStore
from turnstile.store.sqlite.events import EventLog
from turnstile.types import Decision, Outcome

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 9, 0, 0)


def populated(path: Path, events: int = 200, thumbnail: bytes = b"") -> None:
    conn = storage.connect(path)
    SQLiteStore(conn).people.add("Alice")
    log = EventLog(conn, EventsConfig(retention_days=0, store_thumbnails=True))
    for i in range(events):
        log.record(Decision(Outcome.UNKNOWN, START + timedelta(seconds=i)),
                   thumbnail=thumbnail or None)
    conn.close()


def corrupt(path: Path) -> None:
    """Overwrite a page in the middle of the file (a bad sector, a torn write)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek(size * (pages // 2))
        handle.write(b"\xde\xad" * (size // 2))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "turnstile", *args], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_damaged_page_is_found_at_start_with_the_remedy(tmp_path: Path) -> None:
    path = tmp_path / "site.db"
    populated(path, 2000)
    corrupt(path)
    conn = storage.connect(path, migrate_schema=False)
    with pytest.raises(upkeep.DatabaseDamagedError) as caught:
        upkeep.check(conn, path)
    conn.close()
    message = str(caught.value)
    assert "\n" not in message and "damaged" in message and "turnstile restore" in message


def test_backup_while_writing_then_restore_after_damage(tmp_path: Path) -> None:
    path = tmp_path / "site.db"
    populated(path, 300)
    stop = threading.Event()

    def keep_writing() -> None:  # the kiosk, logging while the backup runs
        conn = storage.connect(path)
        log = EventLog(conn, EventsConfig(retention_days=0))
        i = 0
        while not stop.is_set():
            log.record(Decision(Outcome.UNKNOWN, START + timedelta(days=1, seconds=i)))
            i += 1
        conn.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    result = cli("backup", "--db", str(path), "--to", str(tmp_path / "copy.db"))
    stop.set()
    thread.join()
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "copy.db"
    assert copy.stat().st_mode & 0o777 == 0o600
    check = sqlite3.connect(copy)
    assert upkeep.problems(check, quick=False) == []
    assert check.execute("SELECT COUNT(*) FROM events").fetchone()[0] >= 300
    check.close()

    corrupt(path)
    result = cli("restore", "--db", str(path), str(copy))
    assert result.returncode == 0, result.stderr
    assert "replaced file is kept" in result.stdout
    conn = storage.connect(path)
    upkeep.check(conn, path)
    assert [p.name for p in SQLiteStore(conn).people.all()] == ["Alice"]
    conn.close()
    assert list(tmp_path.glob("site.replaced-*.db"))


def test_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    path, copy = tmp_path / "site.db", tmp_path / "copy.db"
    populated(path, 2000)
    populated(copy, 2000)
    corrupt(copy)
    result = cli("restore", "--db", str(path), str(copy))
    assert result.returncode == 2 and "damaged too" in result.stderr
    conn = storage.connect(path)
    upkeep.check(conn, path)  # the current file was left alone
    conn.close()


def test_events_are_pruned_by_size_oldest_first(tmp_path: Path) -> None:
    path = tmp_path / "site.db"
    populated(path, 1000, thumbnail=os.urandom(4000))
    conn = storage.connect(path)
    before = upkeep.used_bytes(conn)
    limit = before // 2
    deleted = upkeep.prune_to_size(conn, limit)
    assert deleted > 0 and upkeep.used_bytes(conn) <= limit
    oldest = conn.execute("SELECT MIN(at) FROM events").fetchone()[0]
    assert oldest > START.isoformat()  # the oldest went first
    assert conn.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 1  # never the gallery
    conn.close()


def test_the_wal_is_truncated_by_the_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "site.db"
    populated(path, 0)
    conn = storage.connect(path)
    log = EventLog(conn, EventsConfig(retention_days=0, store_thumbnails=True))
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # as if a reader had blocked them
    for i in range(300):
        log.record(Decision(Outcome.UNKNOWN, START + timedelta(seconds=i)),
                   thumbnail=os.urandom(4000))
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 1_000_000
    now = [0.0]
    care = upkeep.Upkeep(conn, every_s=60, clock=lambda: now[0])
    care.maybe_run()
    assert wal.stat().st_size > 1_000_000  # not due yet
    now[0] = 61
    care.maybe_run()
    assert wal.stat().st_size == 0
    assert int(conn.execute("PRAGMA journal_size_limit").fetchone()[0]) == \
        storage.JOURNAL_SIZE_LIMIT
    conn.close()
