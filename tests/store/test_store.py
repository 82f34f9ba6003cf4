"""The store interfaces on the SQLite backend: transactions, change notices, errors."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from turnstile.store import database as storage
from turnstile.store.interfaces import Store
from turnstile.store.records import (
    Change,
    EditConflictError,
    NewTemplate,
    PersonErased,
    RosterChanged,
    StoreError,
    TemplatesAdded,
)
from turnstile.store.sqlite import SQLiteStore


def test_the_sqlite_backend_is_a_store(conn: sqlite3.Connection) -> None:
    store: Store = SQLiteStore(conn)  # mypy checks every method against the protocols
    person = store.people.add(" Ada ", " E1 ")
    assert (person.name, person.employee_id, person.templates) == ("Ada", "E1", 0)
    assert store.people.find("ada") == [person] == store.people.find("E1")


def test_nested_transactions_commit_together_or_not_at_all(store: SQLiteStore) -> None:
    with store.transaction():
        store.people.add("Ada")
        with store.transaction():  # joins the outer one
            store.people.add("Bob")
        assert store.connection.in_transaction
    assert [p.name for p in store.people.all()] == ["Ada", "Bob"]
    with pytest.raises(StoreError, match="already enrolled"), store.transaction():
        store.people.add("Cy", "E9")
        store.people.add("Dee", "E9")
    assert [p.name for p in store.people.all()] == ["Ada", "Bob"]
    assert not store.connection.in_transaction


def test_listeners_hear_only_what_was_committed(store: SQLiteStore) -> None:
    heard: list[Change] = []
    store.subscribe(heard.append)
    vector = np.array([1, 0, 0], np.float32)
    with store.transaction():
        ada = store.people.add("Ada")
        store.templates.add(ada.id, "m", 3, [NewTemplate(vector)])
        assert heard == []  # not before the commit
    assert [type(c) for c in heard] == [TemplatesAdded]
    added = heard[0]
    assert isinstance(added, TemplatesAdded) and (added.person_id, added.name) == (ada.id, "Ada")
    heard.clear()
    with pytest.raises(RuntimeError), store.transaction():
        store.templates.add(ada.id, "m", 3, [NewTemplate(vector)])
        raise RuntimeError("power cut")
    assert heard == [] and store.people.get(ada.id).templates == 1
    store.people.rename(ada.id, "Ada King", None)
    store.people.erase(ada.id)
    assert heard == [RosterChanged(ada.id), PersonErased(ada.id)]


def test_unknown_ids_are_store_errors_and_change_nothing(store: SQLiteStore) -> None:
    for call in (lambda: store.people.get(7), lambda: store.people.set_active(7, False),
                 lambda: store.people.rename(7, "X", None), lambda: store.people.erase(7),
                 lambda: store.templates.owner(7), lambda: store.schedules.set(7, []),
                 lambda: store.groups.set(7, ["Staff"]),
                 lambda: store.people.set_consent(7, datetime(2026, 1, 1))):
        with pytest.raises(StoreError):
            call()
    assert store.people.all() == [] and store.groups.names() == ()


def test_revision_follows_other_connections_only(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    mine, other = SQLiteStore.open(path), SQLiteStore.open(path)
    before = mine.revision()
    mine.people.add("Ada")
    assert mine.revision() == before  # own commits arrive as change notices instead
    other.people.add("Bob")
    assert mine.revision() != before
    mine.close()
    other.close()


def test_transaction_helper_on_a_raw_connection(db_path: Path) -> None:
    conn = storage.connect(db_path)
    with pytest.raises(ValueError), storage.transaction(conn):
        conn.execute("INSERT INTO people (name, active, created) VALUES ('Ada', 1, 'now')")
        raise ValueError("half-way")
    with storage.transaction(conn), storage.transaction(conn):
        conn.execute("INSERT INTO people (name, active, created) VALUES ('Bob', 1, 'now')")
    assert [r[0] for r in conn.execute("SELECT name FROM people")] == ["Bob"]
    conn.close()


def test_touch_moves_the_version_only_over_the_expected_one(conn: sqlite3.Connection) -> None:
    store = SQLiteStore(conn)
    person = store.people.add("Ada")
    assert person.version == 1
    assert store.people.touch(person.id) == 2
    assert store.people.touch(person.id, expected=2) == 3
    with pytest.raises(EditConflictError, match="changed by someone else meanwhile"):
        store.people.touch(person.id, expected=2)
    assert store.people.get(person.id).version == 3
    with pytest.raises(StoreError, match="no person with id 99"):
        store.people.touch(99, expected=1)


def test_an_upgraded_replica_fetches_the_roster_again_for_its_versions(tmp_path: Path) -> None:
    path = tmp_path / "replica.db"
    old = sqlite3.connect(path, isolation_level=None)
    versioned = next(number for number, script in enumerate(storage.MIGRATIONS, 1)
                     if "people ADD COLUMN version" in script)
    storage.migrate(old, target=versioned - 1)
    old.execute("INSERT INTO replica_state VALUES ('change_number', '41'), ('model', 'm')")
    old.close()
    conn = storage.connect(path)
    assert dict(conn.execute("SELECT key, value FROM replica_state").fetchall()) == {
        "change_number": "0", "model": "m"}
    conn.close()
