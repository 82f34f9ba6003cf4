"""Each person's card number for an access panel: stored, unique, range-checked, migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from turnstile.store import database as storage
from turnstile.store.records import MAX_CREDENTIAL, StoreError
from turnstile.store.sqlite import SQLiteStore


def test_a_card_number_is_kept_with_the_person(store: SQLiteStore) -> None:
    alice = store.people.add("Alice")
    assert alice.credential is None
    assert store.people.set_credential(alice.id, 4242).credential == 4242
    assert store.people.get(alice.id).credential == 4242
    assert [p.credential for p in store.people.all()] == [4242]
    assert store.people.set_credential(alice.id, None).credential is None


def test_one_card_number_names_one_person(store: SQLiteStore) -> None:
    alice, bob = store.people.add("Alice"), store.people.add("Bob")
    store.people.set_credential(alice.id, 7)
    with pytest.raises(StoreError, match="card number 7 already belongs to someone else"):
        store.people.set_credential(bob.id, 7)
    assert store.people.get(bob.id).credential is None
    store.people.set_credential(alice.id, None)
    assert store.people.set_credential(bob.id, 7).credential == 7  # free again


@pytest.mark.parametrize("number", [-1, MAX_CREDENTIAL + 1])
def test_numbers_no_format_carries_are_refused(store: SQLiteStore, number: int) -> None:
    alice = store.people.add("Alice")
    with pytest.raises(StoreError, match="out of range: 0 to 34359738367"):
        store.people.set_credential(alice.id, number)
    with pytest.raises(StoreError, match="no person"):
        store.people.set_credential(999, 1)


def test_an_older_database_gains_the_column_with_nobody_numbered(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    before = next(i for i, script in enumerate(storage.MIGRATIONS)
                  if "ADD COLUMN credential" in script)
    storage.migrate(conn, before)
    conn.execute("INSERT INTO people (name, created) VALUES ('Alice', '2026-01-01T00:00:00')")
    conn.commit()
    conn.close()
    store = SQLiteStore.open(path)
    try:
        [alice] = store.people.all()
        assert alice.credential is None
        store.people.set_credential(alice.id, 1)
    finally:
        store.close()
