"""Keeping the database healthy unattended: integrity check, WAL checkpoints, size limit,
online backup and restore."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from turnstile.store.database import JOURNAL_SIZE_LIMIT, SCHEMA_VERSION, SchemaError, schema_version

log = logging.getLogger(__name__)

__all__ = ["JOURNAL_SIZE_LIMIT", "DatabaseDamagedError", "Upkeep", "backup", "check",
           "checkpoint", "problems", "prune_to_size", "restore", "used_bytes"]
#: Seconds between the kiosk loop's checkpoints and size checks.
UPKEEP_EVERY_S = 300.0
#: Events deleted per statement while pruning by size (keeps each transaction short).
PRUNE_BATCH = 100
RESTORE_HINT = ("stop the kiosk, then `turnstile restore BACKUP` with the newest "
                "turnstile.backup-*.db (see README, Backups)")


class DatabaseDamagedError(SchemaError):
    """The integrity check failed: the file must be restored from a backup."""


def problems(conn: sqlite3.Connection, quick: bool = True) -> list[str]:
    """What SQLite's integrity check reports (empty when the file is sound)."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as exc:
        return [" ".join(str(exc).split())]
    # One line per problem (SQLite's text may span lines).
    found = [" ".join(str(row[0]).split()) for row in rows]
    return [] if found == ["ok"] else found


def check(conn: sqlite3.Connection, path: Path | str) -> None:
    """Raise DatabaseDamagedError with one line naming the remedy when the file is damaged."""
    found = problems(conn)
    if found:
        raise DatabaseDamagedError(f"{path} is damaged ({found[0]}); {RESTORE_HINT}")


def used_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of the file in use (free pages left by deletions excluded)."""
    pages, free, size = (int(conn.execute(f"PRAGMA {name}").fetchone()[0])
                         for name in ("page_count", "freelist_count", "page_size"))
    return (pages - free) * size


def prune_to_size(conn: sqlite3.Connection, max_bytes: int) -> int:
    """Delete the oldest events until the file's used bytes are within `max_bytes`."""
    deleted = 0
    while max_bytes and used_bytes(conn) > max_bytes:
        cursor = conn.execute("DELETE FROM events WHERE id IN "
                              "(SELECT id FROM events ORDER BY at, id LIMIT ?)", (PRUNE_BATCH,))
        if cursor.rowcount <= 0:
            break  # nothing left to prune: the rest is the gallery itself
        deleted += cursor.rowcount
    if deleted:
        log.warning("event log pruned by size: %d oldest event(s) deleted", deleted)
    return deleted


def checkpoint(conn: sqlite3.Connection) -> tuple[int, int]:
    """Copy the WAL into the database and truncate it; returns (WAL pages, copied pages).

    A reader holding an old snapshot (an open admin panel) can keep part of the WAL; the
    next checkpoint gets it, and journal_size_limit caps what stays on disk meanwhile.
    """
    row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(row[1]), int(row[2])


class Upkeep:
    """The kiosk loop's periodic care: checkpoint the WAL and keep the file within size."""

    def __init__(self, conn: sqlite3.Connection, max_bytes: int = 0,
                 every_s: float = UPKEEP_EVERY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.conn = conn
        self.max_bytes = max_bytes
        self.every_s = every_s
        self._clock = clock
        self._last = clock()

    def maybe_run(self) -> None:
        if self._clock() - self._last < self.every_s:
            return
        self._last = self._clock()
        try:
            prune_to_size(self.conn, self.max_bytes)
            checkpoint(self.conn)
        except sqlite3.Error as exc:  # upkeep waits for the next round; decisions go on
            log.warning("database upkeep failed: %s", exc)


def _private(path: Path) -> None:
    if os.name == "posix":
        path.chmod(0o600)


def backup(database: Path, target: Path | None = None) -> Path:
    """An online copy (SQLite's backup API: consistent while the kiosk writes), checked."""
    if not database.exists():
        raise FileNotFoundError(f"{database} does not exist")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = target or database.with_name(f"{database.stem}.backup-{stamp}{database.suffix}")
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose another name")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch(mode=0o600)  # the copy holds biometric templates: private from the start
    source = sqlite3.connect(database)
    try:
        with sqlite3.connect(target) as dest:
            source.backup(dest)
            found = problems(dest, quick=False)
        dest.close()
    finally:
        source.close()
    _private(target)
    if found:
        target.unlink()
        raise DatabaseDamagedError(f"{database} is damaged ({found[0]}); no backup written")
    return target


def _check_backup(source: Path) -> None:
    """Refuse a backup that is missing, damaged or from a newer Turnstile."""
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_conn:
        found = problems(backup_conn, quick=False)
        version = schema_version(backup_conn) if not found else 0
    backup_conn.close()
    if found:
        raise DatabaseDamagedError(f"{source} is damaged too ({found[0]}); try an older backup")
    if not 0 < version <= SCHEMA_VERSION:
        raise SchemaError(f"{source} is not a Turnstile database this version can open "
                          f"(schema {version})")


def restore(database: Path, source: Path) -> Path:
    """Replace `database` with the backup `source`; the replaced file is kept beside it.

    Returns where the replaced file went. Run it with the kiosk stopped.
    """
    _check_backup(source)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = database.with_name(f"{database.stem}.replaced-{stamp}{database.suffix}")
    if database.exists():
        # Renamed, not rewritten: a damaged file may not even open. Its WAL goes with it.
        database.replace(aside)
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{database}{suffix}")
            if extra.exists():
                extra.replace(Path(f"{aside}{suffix}"))
    _copy(source, database)
    return aside


def _copy(source: Path, target: Path) -> None:
    target.touch(mode=0o600)  # templates inside: private from the start
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dest:
        src.backup(dest)
    src.close()
    dest.close()
    _private(target)


def pending_restore(database: Path) -> Path:
    """Where a restore chosen in the admin panel waits for the next start."""
    return database.with_name(f"{database.name}.restore-pending")


def stage_restore(database: Path, source: Path) -> Path:
    """Check the backup `source` and keep a copy to replace `database` at the next start.

    The panel cannot swap the file under the kiosk's open connections, so the swap happens
    before anything opens it (`apply_pending_restore`). A second choice replaces the first.
    """
    _check_backup(source)
    pending = pending_restore(database)
    staged = pending.with_name(pending.name + ".part")
    staged.unlink(missing_ok=True)
    _copy(source, staged)
    staged.replace(pending)  # a half-copied file is never taken for a chosen backup
    return pending


def apply_pending_restore(database: Path) -> Path | None:
    """Finish a restore chosen in the panel (at start, before the database is opened):
    returns where the replaced file went, or None when none was waiting."""
    pending = pending_restore(database)
    if not pending.exists():
        return None
    aside = restore(database, pending)
    pending.unlink()
    log.warning("database %s restored from the backup chosen in the admin panel; the "
                "replaced file is kept as %s", database, aside)
    return aside


def limit_lock_wait(conn: sqlite3.Connection, milliseconds: int) -> None:
    """Wait at most this long for another writer's lock before a write fails as busy."""
    conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
