"""Storage: WAL mode, migrations, newer schemas refused, crash safety of transactions."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from turnstile.store import database as storage
from turnstile.store.database import SchemaError


def test_new_database_is_wal_and_current(db_path: Path) -> None:
    conn = storage.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert storage.schema_version(conn) == storage.SCHEMA_VERSION
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_newer_schema_is_refused_untouched(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {storage.SCHEMA_VERSION + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaError, match="newer than this Turnstile supports"):
        storage.connect(db_path)
    assert db_path.read_bytes() == before


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("hello, this is not sqlite" * 100)
    with pytest.raises(SchemaError, match="not a usable SQLite database"):
        storage.connect(path)


def test_process_killed_mid_enrol_loses_only_the_unfinished_enrolment(db_path: Path) -> None:
    """A SIGKILL inside a write transaction must leave the committed gallery intact."""
    script = textwrap.dedent(f"""
        import sys, time
        import numpy as np
        from turnstile.store.records import NewTemplate
        from turnstile.store.sqlite import SQLiteStore
        store = SQLiteStore.open({str(db_path)!r})
        kept = store.people.add("Kept")
        store.templates.add(kept.id, "m", 3, [NewTemplate(np.array([1, 0, 0], np.float32))])
        conn = store.connection
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO people (name, active, created) VALUES ('Half', 1, 'now')")
        print("inside", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "inside"
    child.kill()
    child.wait()
    conn = storage.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = [r[0] for r in conn.execute("SELECT name FROM people")]
    assert names == ["Kept"]
    assert conn.execute("SELECT COUNT(*) FROM templates").fetchone()[0] == 1


def test_upgrade_makes_a_backup_first(db_path: Path) -> None:
    if storage.SCHEMA_VERSION < 2:
        pytest.skip("only one schema version exists so far")
    conn = sqlite3.connect(db_path)
    storage.migrate(conn, target=storage.SCHEMA_VERSION - 1)
    conn.close()
    storage.connect(db_path).close()
    assert list(db_path.parent.glob("turnstile.backup-*.db"))
