"""SQL for the audit log: append-only rows chained by hashes, the anchor left by pruning."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from turnstile.store import database

#: The hash before the first entry ever written.
GENESIS = "0" * 64
_COLUMNS = "id, at, actor, action, target, detail, prev_hash, hash"


@dataclass(frozen=True)
class AuditRow:
    """One audit_log row as stored (times as ISO text, detail as JSON text)."""

    id: int
    at: str
    actor: str
    action: str
    target: str
    detail: str
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, at: str, actor: str, action: str, target: str,
               detail: str) -> str:
    """SHA-256 over the previous entry's hash and this entry's content.

    The detail enters in a canonical form (parsed, keys sorted, no spaces), so rewriting the
    same JSON differently (SQLite's json functions minify it) is not an edit; a changed
    value is. Text that is not JSON enters as it is and fails verification as changed."""
    try:
        canonical = json.dumps(json.loads(detail), ensure_ascii=False, sort_keys=True,
                               separators=(",", ":"))
    except ValueError:
        canonical = detail
    content = json.dumps([prev_hash, at, actor, action, target, canonical], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(content.encode()).hexdigest()


def _row(row: tuple[object, ...]) -> AuditRow:
    eid, at, actor, action, target, detail, prev, digest = row
    return AuditRow(int(str(eid)), str(at), str(actor), str(action), str(target), str(detail),
                    str(prev), str(digest))


class AuditStore:
    """audit_log and audit_anchor in one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """The write lock, taken before reading the chain's head (two processes append)."""
        return database.transaction(self._conn)

    def anchor(self) -> tuple[str, int]:
        """(hash the oldest remaining entry follows, entries pruned so far)."""
        row = self._conn.execute("SELECT hash, pruned FROM audit_anchor WHERE id = 1").fetchone()
        return (GENESIS, 0) if row is None else (str(row[0]), int(row[1]))

    def head(self) -> str:
        """The newest sealed entry's hash (the anchor when none is left)."""
        row = self._conn.execute("SELECT hash FROM audit_log WHERE hash != ''"
                                 " ORDER BY id DESC LIMIT 1").fetchone()
        return self.anchor()[0] if row is None else str(row[0])

    def append(self, at: str, actor: str, action: str, target: str, detail: str,
               prev_hash: str, digest: str) -> int:
        cursor = self._conn.execute(
            "INSERT INTO audit_log (at, actor, action, target, detail, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", (at, actor, action, target, detail, prev_hash,
                                             digest))
        return int(cursor.lastrowid or 0)

    def unsealed(self) -> list[AuditRow]:
        """Entries written before the chain existed, oldest first."""
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM audit_log WHERE hash = ''"
                                  " ORDER BY id")
        return [_row(r) for r in rows]

    def seal(self, entry_id: int, prev_hash: str, digest: str) -> None:
        self._conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                           (prev_hash, digest, entry_id))

    def ascending(self, page: int = 1000) -> Iterator[AuditRow]:
        """Every entry, oldest first, a page at a time."""
        last = -1
        while True:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM audit_log WHERE id > ?"
                                      " ORDER BY id LIMIT ?", (last, page)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row(row)
            last = int(rows[-1][0])

    def newest(self, since: str | None, actor: str | None, limit: int) -> list[AuditRow]:
        sql = f"SELECT {_COLUMNS} FROM audit_log WHERE 1 = 1"
        params: list[object] = []
        if since is not None:
            sql += " AND at >= ?"
            params.append(since)
        if actor is not None:
            sql += " AND actor = ? COLLATE NOCASE"
            params.append(actor)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [_row(r) for r in self._conn.execute(sql, params)]

    def prune_before(self, cutoff: str) -> int:
        """Delete the oldest entries up to the first one at or after `cutoff`; the last
        deleted hash becomes the anchor, so the remaining chain still verifies."""
        row = self._conn.execute("SELECT MIN(id) FROM audit_log WHERE at >= ?",
                                 (cutoff,)).fetchone()
        keep_from = row[0] if row and row[0] is not None else None
        where, params = ("id < ?", (keep_from,)) if keep_from is not None else ("1 = 1", ())
        last = self._conn.execute(f"SELECT hash FROM audit_log WHERE {where} AND hash != ''"
                                  " ORDER BY id DESC LIMIT 1", params).fetchone()
        if last is None:
            return 0
        count = self._conn.execute(f"DELETE FROM audit_log WHERE {where}", params).rowcount
        pruned = self.anchor()[1] + count
        self._conn.execute("INSERT INTO audit_anchor (id, hash, pruned) VALUES (1, ?, ?)"
                           " ON CONFLICT(id) DO UPDATE SET hash = excluded.hash,"
                           " pruned = excluded.pruned", (str(last[0]), pruned))
        return count
