"""Erasure you can prove: a person's rows, then their old pages in the WAL and in backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from turnstile.store.database import open_raw, transaction
from turnstile.store.files import backups_of
from turnstile.store.outbox import forget_person


def erase_person(conn: sqlite3.Connection, person_id: int, events: bool = True) -> None:
    """The rows of an erasure, inside the caller's transaction: the person row (templates,
    thumbnails, schedule and groups follow by cascade); their events, logged or still queued
    for other systems, lose the link, the name and the face picture (`events` is False for
    an old backup without an event table).
    Audit entries name people by number only, so they hold nothing to erase."""
    if events:
        conn.execute("UPDATE events SET person_id = NULL, name = NULL, thumbnail = NULL"
                     " WHERE person_id = ?", (person_id,))
        # Events still queued for other systems (MQTT, webhook, central) go without them too.
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'outbox'").fetchone():
            forget_person(conn, person_id)
    conn.execute("DELETE FROM people WHERE id = ?", (person_id,))


def audit_target(person_id: int) -> str:
    """How audit entries name a person: by number only, never by name."""
    return f"person #{person_id}"


#: Personal keys that audit details held before schema 6 (migration 6 removed them from the
#: database; an older backup still has them).
_OLD_AUDIT_KEYS = ("$.name", "$.employee_id", "$.confirmed_duplicate_of")


def _scrub_old_audit(conn: sqlite3.Connection) -> None:
    """Remove the pre-schema-6 personal keys from a backup's audit details, as migration 6
    did in the database (only rows that hold one are rewritten)."""
    keys = ", ".join(f"'{key}'" for key in _OLD_AUDIT_KEYS)
    holds = " OR ".join(f"json_type(detail, '{key}') IS NOT NULL" for key in _OLD_AUDIT_KEYS)
    conn.execute(f"UPDATE audit_log SET detail = json_remove(detail, {keys})"
                 f" WHERE CASE WHEN json_valid(detail) THEN {holds} ELSE 0 END")


def scrub_backups(path: Path, present: set[int]) -> list[Path]:
    """Erase from every upgrade backup each person no longer in the database (`present`
    holds the ids that are) and the names older audit details held, then rewrite the backup
    so no freed page keeps their bytes. Backups predate the current schema: which tables
    they have is read from the file."""
    scrubbed = []
    for old in backups_of(path):
        conn = open_raw(old)
        try:
            tables = frozenset(str(r[0]) for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))
            gone = {int(r[0]) for r in conn.execute("SELECT id FROM people")} - present
            with transaction(conn):
                for person_id in sorted(gone):
                    erase_person(conn, person_id, events="events" in tables)
                if "audit_log" in tables:
                    _scrub_old_audit(conn)
            conn.execute("VACUUM")
            checkpoint(conn)
        finally:
            conn.close()
        scrubbed.append(old)
    return scrubbed


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Move the WAL into the database file and truncate it to zero bytes (after an erasure,
    so that no old page of the erased person stays in the WAL). False when a reader of the
    kiosk kept it from finishing; the next checkpoint completes it."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(busy) == 0
