"""The embedded backend: every table of one SQLite file behind the store interfaces."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from turnstile.config import EventsConfig
from turnstile.store import database
from turnstile.store.records import Change
from turnstile.store.sqlite.events import EventLog
from turnstile.store.sqlite.groups import SQLiteGroups, SQLiteSchedules
from turnstile.store.sqlite.people import SQLitePeople, SQLiteTemplates
from turnstile.store.sqlite.pins import SQLitePins
from turnstile.store.sqlite.session import Session


class SQLiteStore:
    """People, templates, groups, schedules and events on one connection (one per thread)."""

    def __init__(self, conn: sqlite3.Connection, events: EventsConfig | None = None) -> None:
        self._session = Session(conn)
        self._people = SQLitePeople(self._session)
        self._templates = SQLiteTemplates(self._session, self._people)
        self._groups = SQLiteGroups(self._session)
        self._schedules = SQLiteSchedules(self._session)
        self._pins = SQLitePins(self._session)
        self._events = EventLog(conn, events or EventsConfig())

    @classmethod
    def open(cls, path: Path | str, events: EventsConfig | None = None) -> SQLiteStore:
        """Open (creating and migrating as needed) the database file, or ":memory:"."""
        return cls(database.connect(path), events)

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for the accounts and audit tables until they move in here."""
        return self._session.conn

    @property
    def people(self) -> SQLitePeople:
        return self._people

    @property
    def templates(self) -> SQLiteTemplates:
        return self._templates

    @property
    def groups(self) -> SQLiteGroups:
        return self._groups

    @property
    def schedules(self) -> SQLiteSchedules:
        return self._schedules

    @property
    def pins(self) -> SQLitePins:
        """PINs and face-and-PIN groups (not part of `Store`: only the kiosk's file has them)."""
        return self._pins

    @property
    def events(self) -> EventLog:
        return self._events

    def transaction(self) -> AbstractContextManager[None]:
        return self._session.transaction()

    def revision(self) -> int:
        return self._session.revision()

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        self._session.subscribe(listener)

    def close(self) -> None:
        self._session.conn.close()
