"""The SQLite file: opening it privately in WAL mode, transactions and schema migrations."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from turnstile.errors import TurnstileError
from turnstile.store.files import backup, create_private_file, expire_backups, make_private_folder

#: Each entry moves the schema one version forward; never edit a released one, append.
MIGRATIONS: tuple[str, ...] = (
    # 1: people and their face templates.
    """
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        employee_id TEXT UNIQUE,
        active INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        valid_from TEXT,
        valid_until TEXT,
        consent_at TEXT
    );
    CREATE INDEX people_name ON people(name);
    CREATE TABLE templates (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        dimension INTEGER NOT NULL,
        embedding BLOB NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        quality REAL,
        thumbnail BLOB,
        created TEXT NOT NULL
    );
    CREATE INDEX templates_person ON templates(person_id);
    """,
    # 2: the kiosk's event log: every access decision with its scores. person_id is cleared
    # when the person is removed; name keeps who it was for the audit trail.
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        name TEXT,
        similarity REAL,
        runner_up REAL,
        reason TEXT,
        detail TEXT NOT NULL DEFAULT '',
        door TEXT NOT NULL DEFAULT '',
        scores TEXT NOT NULL DEFAULT '{}',
        source TEXT NOT NULL DEFAULT '',
        thumbnail BLOB
    );
    CREATE INDEX events_at ON events(at);
    CREATE INDEX events_person ON events(person_id);
    """,
    # 3: weekly access schedules; a person without rows may pass at any time of the week.
    """
    CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
        start_time TEXT NOT NULL,
        end_time TEXT NOT NULL
    );
    CREATE INDEX schedules_person ON schedules(person_id);
    """,
    # 4: admin accounts, failed-login tracking and the audit log of admin actions.
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('administrator', 'operator')),
        password TEXT NOT NULL,
        created TEXT NOT NULL,
        last_login TEXT
    );
    CREATE TABLE login_failures (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        failures INTEGER NOT NULL,
        locked_until TEXT
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_log_at ON audit_log(at);
    """,
    # 5: access groups; a door may admit only members of some groups (policy.allowed_groups).
    """
    CREATE TABLE access_groups (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    CREATE TABLE person_groups (
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        group_id INTEGER NOT NULL REFERENCES access_groups(id) ON DELETE CASCADE,
        PRIMARY KEY (person_id, group_id)
    );
    CREATE INDEX person_groups_group ON person_groups(group_id);
    """,
    # 6: a global sign-in throttle beside the per-name lockout; the audit log becomes a hash
    # chain (each entry seals the one before; pruning keeps the last pruned hash as anchor);
    # personal data leaves older audit details (entries name people by number only).
    """
    CREATE TABLE login_throttle (
        scope TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start TEXT NOT NULL,
        last_failure TEXT NOT NULL
    );
    ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
    CREATE TABLE audit_anchor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        hash TEXT NOT NULL,
        pruned INTEGER NOT NULL DEFAULT 0
    );
    UPDATE audit_log SET detail = json_remove(detail, '$.name', '$.employee_id',
                                              '$.confirmed_duplicate_of')
        WHERE json_valid(detail);
    """,
    # 7: the outbox: events and audit entries queued for other systems (the central
    # database, event streams), each with a unique id so a resend is recognised. Rows are
    # written by triggers in the same transaction as the event, and only once a sink is
    # registered: a single kiosk keeps no second copy of its log. AUTOINCREMENT: a delivered
    # and pruned seq is never handed out again, so each sink's cursor stays meaningful.
    # replica_state: what this file mirrors of the central database (change number, model).
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE outbox_sinks (
        name TEXT PRIMARY KEY,
        delivered INTEGER NOT NULL DEFAULT 0
    );
    CREATE TRIGGER events_to_outbox AFTER INSERT ON events
    WHEN EXISTS (SELECT 1 FROM outbox_sinks)
    BEGIN
        INSERT INTO outbox (uid, kind, payload, created) VALUES (
            lower(hex(randomblob(16))), 'event',
            json_object('local_id', NEW.id, 'at', NEW.at, 'outcome', NEW.outcome,
                        'person_id', NEW.person_id, 'name', NEW.name,
                        'similarity', NEW.similarity, 'runner_up', NEW.runner_up,
                        'reason', NEW.reason, 'detail', NEW.detail, 'door', NEW.door,
                        'scores', NEW.scores, 'source', NEW.source),
            NEW.at);
    END;
    CREATE TRIGGER audit_to_outbox AFTER INSERT ON audit_log
    WHEN EXISTS (SELECT 1 FROM outbox_sinks)
    BEGIN
        INSERT INTO outbox (uid, kind, payload, created) VALUES (
            lower(hex(randomblob(16))), 'audit',
            json_object('local_id', NEW.id, 'at', NEW.at, 'actor', NEW.actor,
                        'action', NEW.action, 'target', NEW.target, 'detail', NEW.detail,
                        'prev_hash', NEW.prev_hash, 'hash', NEW.hash),
            NEW.at);
    END;
    CREATE TABLE replica_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 8: visitor passes (the signed QR code carries id, name and validity; host and reason
    # stay here) and their revocations; events name the pass a visitor event was about.
    """
    CREATE TABLE visitor_passes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        visitor TEXT NOT NULL,
        host TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        valid_from TEXT NOT NULL,
        valid_until TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        issued_by TEXT NOT NULL,
        revoked_at TEXT,
        revoked_by TEXT
    );
    ALTER TABLE events ADD COLUMN pass_id INTEGER;
    CREATE INDEX events_pass ON events(pass_id) WHERE pass_id IS NOT NULL;
    """,
    # 9: each person's card number for an access panel (door.kind = "osdp"): the kiosk
    # reports a grant as a read of this card. Unique: one number names one person.
    """
    ALTER TABLE people ADD COLUMN credential INTEGER;
    CREATE UNIQUE INDEX people_credential ON people(credential) WHERE credential IS NOT NULL;
    """,
    # 10: a version per person, bumped by every saved change: an administrator's edit of an
    # older copy is refused instead of silently overwriting another's. A replica takes the
    # central numbers, so it starts its change feed over once to learn them.
    """
    ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    UPDATE replica_state SET value = '0' WHERE key = 'change_number';
    """,
    # 11: PINs typed at the kiosk: one salted scrypt hash per person, with the wrong tries in
    # a row and the lockout kept here so a restart does not reset them; groups whose members
    # need face and PIN on every door.
    """
    CREATE TABLE person_pins (
        person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        hash TEXT NOT NULL,
        set_at TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT
    );
    ALTER TABLE access_groups ADD COLUMN face_and_pin INTEGER NOT NULL DEFAULT 0;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
#: The WAL file is truncated back to at most this many bytes after each checkpoint.
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024


class SchemaError(TurnstileError, RuntimeError):
    """The database was written by a newer Turnstile, or is not a Turnstile database."""


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; inside another one it joins it.

    IMMEDIATE takes the write lock at the start, so two writers queue on the busy timeout
    instead of failing half-way with "database is locked".
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply pending migrations up to `target`, each in its own transaction; returns version."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"database schema version {version} is newer than this Turnstile supports "
            f"({SCHEMA_VERSION}); upgrade Turnstile instead of opening it with an older one"
        )
    for number in range(version + 1, target + 1):
        script = MIGRATIONS[number - 1]
        # executescript commits first; wrap in an explicit transaction so a crash mid-way
        # leaves the previous version intact.
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.OperationalError:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            # Another connection (the kiosk's worker, the admin panel) opened the same new
            # file at the same moment and applied this step first: nothing left to do here.
            if schema_version(conn) >= number:
                continue
            raise
    return schema_version(conn)


def _enable_wal(conn: sqlite3.Connection, patience_s: float = 10.0) -> None:
    """Switch to WAL, waiting out another connection that holds the file right now.

    Changing the journal mode answers "database is locked" at once, without SQLite's busy
    timeout, while a second process (kiosk worker, admin panel) is creating the same file.
    """
    deadline = time.monotonic() + patience_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def open_raw(path: Path | str) -> sqlite3.Connection:
    """A connection with the settings every Turnstile connection has, schema untouched:
    foreign keys on, and deleted content overwritten with zeros (set here, not left to how
    the system SQLite was built, so an erased person leaves no bytes behind)."""
    conn = sqlite3.connect(str(path), check_same_thread=True, timeout=10.0,
                           isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    return conn


def connect(path: Path | str, migrate_schema: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) a Turnstile database: WAL, foreign keys, current schema."""
    memory = str(path) == ":memory:"
    if not memory:
        make_private_folder(Path(path).parent)
        create_private_file(Path(path))
    try:
        conn = open_raw(path)
        version = schema_version(conn)
    except sqlite3.DatabaseError as exc:
        raise SchemaError(f"{path} is not a usable SQLite database: {exc}") from exc
    if version > SCHEMA_VERSION:
        conn.close()  # before touching the file: a newer release's data stays as it was
        raise SchemaError(
            f"{path} has schema version {version}, newer than this Turnstile supports "
            f"({SCHEMA_VERSION}); upgrade Turnstile instead of opening it with an older one"
        )
    if not memory:
        _enable_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        expire_backups(Path(path), datetime.now())
    if migrate_schema and version < SCHEMA_VERSION:
        if version > 0 and not memory:
            backup(Path(path))
        migrate(conn)
    return conn
