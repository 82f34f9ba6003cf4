"""One SQLite connection shared by the table classes, with transactions and change notices."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from turnstile.store import database
from turnstile.store.records import Change


class Session:
    """The connection, its sqlite-utils view and what to do once the current write commits."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        file = next(str(r[2]) for r in conn.execute("PRAGMA database_list") if r[1] == "main")
        #: The database file (None in memory): erasure also scrubs the backups beside it.
        self.path = Path(file) if file else None
        self._listeners: list[Callable[[Change], None]] = []
        self._changes: list[Change] = []
        self._after_commit: list[Callable[[], None]] = []
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; listeners hear of its changes only after it committed."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with database.transaction(self.conn):
                yield
        except BaseException:
            self._changes.clear()
            self._after_commit.clear()
            raise
        finally:
            self._depth = 0
        changes, self._changes = self._changes, []
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()
        for change in changes:
            for listener in self._listeners:
                listener(change)

    def changed(self, change: Change) -> None:
        """Queue a notice for the listeners (called inside a transaction)."""
        self._changes.append(change)

    def after_commit(self, action: Callable[[], None]) -> None:
        self._after_commit.append(action)

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def revision(self) -> int:
        # data_version changes only for commits of *other* connections: ours arrive as notices.
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])
