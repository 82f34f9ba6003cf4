"""Upgrades: an older gallery is backed up, then migrated keeping every row; newer is refused."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest

from turnstile.cli import main
from turnstile.store import database as storage
from turnstile.store.gallery import Gallery
from turnstile.store.sqlite import SQLiteStore

#: Every schema version a previous release could have left behind.
OLD_VERSIONS = range(1, storage.SCHEMA_VERSION)
#: Values for columns whose CHECK constraint or meaning a generic value would break,
#: keyed by (table, column); add one here when a migration adds such a column.
VALUE_HINTS: dict[tuple[str, str], object] = {}
#: Columns holding timestamps the code parses with datetime.fromisoformat.
TIME_COLUMN = re.compile(r"(^|_)(created|at|time|timestamp|from|until)$")
DIMENSION = 128
ROWS = 3

Snapshot = dict[str, tuple[list[str], list[tuple[object, ...]]]]


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    return [str(name) for (name,) in rows]


def _parents_first(conn: sqlite3.Connection) -> list[str]:
    """Tables ordered so each comes after the tables its foreign keys point to."""
    pending = {t: {str(fk[2]) for fk in conn.execute(f"PRAGMA foreign_key_list('{t}')")} - {t}
               for t in _tables(conn)}
    ordered: list[str] = []
    while pending:
        ready = sorted(t for t, parents in pending.items() if parents <= set(ordered))
        assert ready, f"foreign keys form a cycle among {sorted(pending)}"
        ordered += ready
        for table in ready:
            del pending[table]
    return ordered


#: `column IN ('a', 'b')` inside a CHECK constraint: the column must take one of these.
CHECK_IN = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)", re.IGNORECASE)


def _allowed(conn: sqlite3.Connection, table: str) -> dict[str, list[str]]:
    """Enumerated values per column, from the table's CHECK (column IN (...)) constraints."""
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    return {column: [v.strip().strip("'") for v in values.split(",")]
            for column, values in CHECK_IN.findall(str(sql))}


def _value(table: str, column: str, kind: str, row: int, allowed: list[str] | None) -> object:
    """A distinctive value for the column, so a lost or shifted row is noticed."""
    kind = kind.upper()
    if (table, column) in VALUE_HINTS:
        return VALUE_HINTS[(table, column)]
    if allowed:
        return allowed[row % len(allowed)]
    if TIME_COLUMN.search(column):
        return f"2024-0{row + 1}-1{row}T08:30:0{row}"
    if "INT" in kind:
        return row + 1
    if "REAL" in kind or "FLOA" in kind or "DOUB" in kind:
        return 0.25 + row
    if "BLOB" in kind:
        return bytes([row, 255 - row, 7]) * 5
    return f"{table}.{column}.{row}"


#: A table that holds one row at most (`CHECK (id = 1)`, such as the audit chain's anchor).
SINGLE_ROW = re.compile(r"CHECK\s*\(\s*id\s*=\s*1\s*\)", re.IGNORECASE)


def _fill_generic(conn: sqlite3.Connection, table: str) -> None:
    """Insert ROWS rows into a table this test knows nothing about, from its declared columns."""
    columns = list(conn.execute(f"PRAGMA table_info('{table}')"))
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    rows = 1 if SINGLE_ROW.search(str(sql)) else ROWS
    foreign = {str(fk[3]): (str(fk[2]), str(fk[4])) for fk in
               conn.execute(f"PRAGMA foreign_key_list('{table}')")}
    allowed = _allowed(conn, table)
    for row in range(rows):
        names, values = [], []
        for _, name, kind, _, _, pk in columns:
            if pk and "INT" in str(kind).upper() and name not in foreign:
                continue  # rowid alias: SQLite numbers it
            if name in foreign:
                parent, key = foreign[name]
                keys = [r[0] for r in conn.execute(f"SELECT {key} FROM {parent} ORDER BY rowid")]
                assert keys, f"{table}.{name} needs rows in {parent}"
                value: object = keys[row % len(keys)]
            else:
                value = _value(table, str(name), str(kind), row, allowed.get(str(name)))
            names.append(str(name))
            values.append(value)
        marks = ", ".join("?" for _ in values)
        try:
            conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values)
        except sqlite3.IntegrityError as exc:
            pytest.fail(f"cannot fill {table} generically ({exc}); add VALUE_HINTS for it")


def _fill_gallery(conn: sqlite3.Connection) -> list[np.ndarray]:
    """People and templates as the first release wrote them (released schema 1 never changes)."""
    rng = np.random.default_rng(7)
    vectors = []
    for row in range(ROWS):
        conn.execute("INSERT INTO people (name, employee_id, active, created) VALUES (?, ?, 1, ?)",
                     (f"Person {row}", f"E{row:03}", f"2024-01-0{row + 1}T09:00:00"))
        vector = rng.normal(size=DIMENSION).astype(np.float32)
        vector /= np.linalg.norm(vector)
        vectors.append(vector)
        conn.execute("INSERT INTO templates (person_id, model, dimension, embedding, source, "
                     "quality, thumbnail, created) VALUES (?, 'sface', ?, ?, ?, 0.5, ?, ?)",
                     (row + 1, DIMENSION, vector.tobytes(), f"photo{row}.jpg", b"\xff\xd8jpeg",
                      "2024-01-01T09:00:00"))
    return vectors


def make_old_database(path: Path, version: int) -> list[np.ndarray]:
    """A database at `version`, built through the real migrations, with rows in every table."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    assert storage.migrate(conn, target=version) == version
    vectors = _fill_gallery(conn)
    for table in _parents_first(conn):
        if table not in ("people", "templates"):
            _fill_generic(conn, table)
    conn.close()
    return vectors


def snapshot(path: Path) -> Snapshot:
    """Every table's column names and rows, read without migrating anything."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result: Snapshot = {}
        for table in _tables(conn):
            columns = [str(c[1]) for c in conn.execute(f"PRAGMA table_info('{table}')")]
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            result[table] = (columns, rows)
        return result
    finally:
        conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return storage.schema_version(conn)
    finally:
        conn.close()


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_upgrade_keeps_every_row_of_every_table(db_path: Path, version: int) -> None:
    make_old_database(db_path, version)
    before = snapshot(db_path)

    storage.connect(db_path).close()

    assert _version(db_path) == storage.SCHEMA_VERSION
    after = snapshot(db_path)
    for table, (columns, rows) in before.items():
        assert table in after, f"upgrade dropped table {table}"
        new_columns, new_rows = after[table]
        kept = [tuple(r[new_columns.index(c)] for c in columns) for r in new_rows]
        assert kept == rows, f"upgrade from {version} changed rows of {table}"


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_upgrade_first_writes_a_timestamped_backup(db_path: Path, version: int) -> None:
    make_old_database(db_path, version)
    before = snapshot(db_path)

    storage.connect(db_path).close()

    [backup] = backups_of(db_path)
    assert re.fullmatch(r"turnstile\.backup-\d{8}-\d{6}\.db", backup.name)
    assert _version(backup) == version
    assert snapshot(backup) == before


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_upgraded_gallery_still_matches_its_people(db_path: Path, version: int) -> None:
    vectors = make_old_database(db_path, version)

    store = SQLiteStore.open(db_path)
    people = store.people.all()
    match = Gallery(store, "sface", DIMENSION).match(vectors[1])
    store.close()

    assert [(p.name, p.employee_id, p.templates) for p in people] == [
        (f"Person {row}", f"E{row:03}", 1) for row in range(ROWS)]
    assert match is not None and match.name == "Person 1"
    assert match.similarity == pytest.approx(1.0, abs=1e-5)


@pytest.mark.skipif(storage.SCHEMA_VERSION < 2, reason="needs a schema older than the current")
def test_failed_upgrade_leaves_old_database_and_backup(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = storage.SCHEMA_VERSION - 1
    make_old_database(db_path, old)
    before = snapshot(db_path)
    broken = (*storage.MIGRATIONS[:-1], "CREATE TABLE half_done (id INTEGER); SELECT nonsense;")
    monkeypatch.setattr(storage, "MIGRATIONS", broken)

    with pytest.raises(sqlite3.OperationalError):
        storage.connect(db_path)

    assert _version(db_path) == old
    assert snapshot(db_path) == before
    assert [snapshot(b) for b in backups_of(db_path)] == [before]


def test_current_and_new_databases_are_not_backed_up(db_path: Path) -> None:
    storage.connect(db_path).close()  # new file: nothing to keep
    storage.connect(db_path).close()  # current schema: nothing to migrate
    assert backups_of(db_path) == []
    assert _version(db_path) == storage.SCHEMA_VERSION


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_backup_is_as_private_as_the_database(db_path: Path, version: int) -> None:
    make_old_database(db_path, version)
    db_path.chmod(0o600)

    storage.connect(db_path).close()

    [backup] = backups_of(db_path)
    assert backup.stat().st_mode & 0o777 == 0o600


def _newer_database(path: Path) -> bytes:
    storage.connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {storage.SCHEMA_VERSION + 1}")
    conn.close()
    return path.read_bytes()


def test_newer_schema_is_refused_and_left_alone(db_path: Path) -> None:
    content = _newer_database(db_path)

    with pytest.raises(storage.SchemaError, match="newer than this Turnstile supports"):
        storage.connect(db_path)

    assert db_path.read_bytes() == content
    assert backups_of(db_path) == []


def test_cli_on_newer_schema_says_to_upgrade(
        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _newer_database(db_path)

    assert main(["people", "--db", str(db_path)]) == 2

    error = capsys.readouterr().err
    assert f"schema version {storage.SCHEMA_VERSION + 1}" in error
    assert "upgrade Turnstile" in error


def test_not_a_database_is_refused_and_kept(db_path: Path) -> None:
    db_path.write_bytes(b"these are not the bytes of a SQLite file" * 100)

    with pytest.raises(storage.SchemaError, match="not a usable SQLite database"):
        storage.connect(db_path)

    assert db_path.read_bytes() == b"these are not the bytes of a SQLite file" * 100
