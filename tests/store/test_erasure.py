"""Erasure you can prove: after `remove`, no byte of the person in the database, WAL or backups."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from turnstile.admin.audit import AuditLog
from turnstile.admin.people import PeopleAdmin
from turnstile.store import database as storage
from turnstile.store import files
from turnstile.store.gallery import Gallery
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Decision, Match, Outcome

DIMENSION = 128
NAME = "Zebulon Quixotic-Vanderhoeven"
EMPLOYEE = "EMP-77310"
#: A JPEG-like picture unique to this person (what a thumbnail holds).
PICTURE = b"\xff\xd8\xff\xe0" + b"face-of-zebulon-" * 40


def _vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=DIMENSION).astype(np.float32)
    return np.asarray(vector / np.linalg.norm(vector), np.float32)


#: The schema in which audit details stopped naming people (older backups still do).
NAMELESS_AUDIT = next(number for number, script in enumerate(storage.MIGRATIONS, start=1)
                      if "json_remove" in script)


def _old_database(path: Path) -> None:
    """A database of the last schema whose audit details named people, holding the person:
    the upgrade backs them up, names and all."""
    conn = sqlite3.connect(path, isolation_level=None)
    storage.migrate(conn, target=NAMELESS_AUDIT - 1)
    conn.execute("INSERT INTO people (name, employee_id, active, created)"
                 " VALUES (?, ?, 1, '2025-01-01T09:00:00')", (NAME, EMPLOYEE))
    conn.execute("INSERT INTO templates (person_id, model, dimension, embedding, thumbnail,"
                 " created) VALUES (1, 'm', ?, ?, ?, '2025-01-01T09:00:00')",
                 (DIMENSION, _vector(1).tobytes(), PICTURE))
    # Before schema 6, audit details named people; an old backup still does.
    conn.execute("INSERT INTO audit_log (at, actor, action, target, detail) VALUES"
                 " ('2025-01-01T09:00:00', 'alice', 'enrol', 'person #1', ?)",
                 (f'{{"name": "{NAME}", "employee_id": "{EMPLOYEE}", "templates": 1}}',))
    conn.execute("INSERT INTO audit_log (at, actor, action, target, detail) VALUES"
                 " ('2025-01-01T09:00:00', 'alice', 'login', '', 'not json')")
    conn.close()


def _traces() -> dict[str, bytes]:
    return {"name": NAME.encode(), "employee id": EMPLOYEE.encode(),
            "thumbnail": PICTURE[:64], "old template": _vector(1).tobytes(),
            "new template": _vector(2).tobytes()}


def _files(db: Path) -> Iterator[Path]:
    yield db
    for suffix in ("-wal", "-shm", "-journal"):
        extra = db.with_name(db.name + suffix)
        if extra.exists():
            yield extra
    yield from files.backups_of(db)


def _found(db: Path) -> list[str]:
    return [f"{what} in {path.name}" for path in _files(db)
            for what, needle in _traces().items() if needle in path.read_bytes()]


def test_erased_person_leaves_no_byte_in_database_wal_or_backups(tmp_path: Path) -> None:
    db = tmp_path / "turnstile.db"
    _old_database(db)
    admin = SQLiteStore.open(db)  # upgrades, writing a backup that holds the person
    assert len(files.backups_of(db)) == 1
    kiosk = SQLiteStore.open(db)  # the kiosk's worker, reading all along
    kiosk_gallery = Gallery(kiosk, "m", DIMENSION)
    gallery = Gallery(admin, "m", DIMENSION)
    people = PeopleAdmin(admin, AuditLog(admin.connection, datetime.now), "alice",
                         datetime.now, gallery)
    [person] = admin.people.all()
    people.edit(person.id, NAME, EMPLOYEE)  # an audit entry naming them
    people.add_templates(person.id, [NewTemplate(_vector(2), "live", 0.9, PICTURE)])
    people.set_groups(person.id, ["Night shift"])
    other = people.enrol("Ada Lovelace", "E1", [NewTemplate(_vector(3))], consent=True)
    for i in range(3):
        match = kiosk_gallery.match(_vector(2))
        assert match.name == NAME
        kiosk.events.record(Decision(Outcome.GRANTED, datetime(2026, 3, 2, 9) + timedelta(i),
                                     Match(match.person_id, match.name, match.similarity,
                                           match.runner_up)), thumbnail=PICTURE)
    assert _found(db)  # the test can see the traces it looks for

    people.delete(person.id)

    assert _found(db) == []
    # The erasure took only that person: the rest of the data is intact in every file.
    assert [p.name for p in admin.people.all()] == ["Ada Lovelace"]
    assert kiosk.events.count() == 3 and kiosk_gallery.match(_vector(2)).name != NAME
    assert admin.people.get(other.id).templates == 1
    kiosk.close()
    admin.close()
    assert _found(db) == []
    conn = sqlite3.connect(files.backups_of(db)[0])
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_cli_remove_leaves_no_byte_of_the_person(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from turnstile.cli import main

    db = tmp_path / "turnstile.db"
    store = SQLiteStore.open(db)
    person = store.people.add(NAME, EMPLOYEE)
    store.templates.add(person.id, "m", DIMENSION, [NewTemplate(_vector(2), "a", 0.5, PICTURE)])
    store.close()
    assert main(["remove", NAME, "--yes", "--db", str(db)]) == 0
    capsys.readouterr()
    assert [f for f in _found(db) if "old template" not in f] == []


def test_every_connection_zeroes_deleted_content(tmp_path: Path) -> None:
    conn = storage.connect(tmp_path / "t.db")
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert storage.connect(":memory:").execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_old_upgrade_backups_expire(tmp_path: Path) -> None:
    db = tmp_path / "turnstile.db"
    storage.connect(db).close()
    old = db.with_name("turnstile.backup-20240101-090000.db")
    recent = db.with_name("turnstile.backup-20260301-090000.db")
    for path in (old, recent):
        path.write_bytes(b"backup")
    month_ago = (datetime.now() - files.BACKUP_KEEP - timedelta(days=1)).timestamp()
    os.utime(old, (month_ago, month_ago))
    storage.connect(db).close()
    assert files.backups_of(db) == [recent]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_files_and_folders_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    shared = tmp_path / "home"
    shared.mkdir(mode=0o755)
    db = shared / "data" / "turnstile" / "turnstile.db"
    previous = os.umask(umask)
    try:
        store = SQLiteStore.open(db)
        store.people.add("Ada")  # a write, so the WAL and shared-memory files exist
        files.backup(db)  # what an upgrade writes first
        modes = {p.name: p.stat().st_mode & 0o777 for p in db.parent.iterdir()}
        store.close()
    finally:
        os.umask(previous)
    assert (shared.stat().st_mode & 0o777) == 0o755  # an existing folder is left alone
    assert (db.parent.parent.stat().st_mode & 0o777) == 0o700
    assert (db.parent.stat().st_mode & 0o777) == 0o700
    assert {"turnstile.db", "turnstile.db-wal", "turnstile.db-shm"} <= set(modes)
    assert len([n for n in modes if ".backup-" in n]) == 1
    assert set(modes.values()) == {0o600}, modes
