"""The PIN tables: hashes with their lockout, erasure, face-and-PIN group flags."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turnstile.store import database as storage
from turnstile.store.records import StoreError
from turnstile.store.sqlite import SQLiteStore

T0 = datetime(2026, 3, 2, 9, 0, 0)


def test_a_pin_is_set_replaced_and_cleared() -> None:
    store = SQLiteStore.open(":memory:")
    pid = store.people.add("Dana", "1001").id
    assert store.pins.state(pid) is None and store.pins.holder("1001") is None
    store.pins.set(pid, "scrypt$first", T0)
    store.pins.failed(pid, 2, T0 + timedelta(minutes=5))
    store.pins.set(pid, "scrypt$second", T0)
    state = store.pins.state(pid)
    assert state is not None and state.hash == "scrypt$second"
    assert (state.failures, state.locked_until) == (0, None)  # a new PIN starts over
    assert store.pins.holder(" 1001 ") == pid and store.pins.holders() == {pid}
    assert store.pins.clear(pid) and not store.pins.clear(pid)
    assert store.pins.state(pid) is None


def test_a_pin_for_nobody_is_refused() -> None:
    store = SQLiteStore.open(":memory:")
    with pytest.raises(StoreError, match="no person with id 9"):
        store.pins.set(9, "scrypt$x", T0)


def test_erasing_a_person_erases_their_pin(tmp_path: Path) -> None:
    store = SQLiteStore.open(tmp_path / "t.db")
    pid = store.people.add("Dana", "1001").id
    store.pins.set(pid, "scrypt$x", T0)
    store.people.erase(pid)
    assert store.connection.execute("SELECT count(*) FROM person_pins").fetchone()[0] == 0


def test_group_flags_any_case_and_unknown_groups() -> None:
    store = SQLiteStore.open(":memory:")
    pid = store.people.add("Dana").id
    store.groups.set(pid, ["Lab", "Staff"])
    store.pins.set_group("lab", True)
    assert store.pins.pin_groups() == {"Lab"}
    store.pins.set_group("LAB", False)
    assert store.pins.pin_groups() == frozenset()
    with pytest.raises(StoreError, match="no access group named 'Vault'"):
        store.pins.set_group(" Vault ", True)


def test_an_older_database_gains_the_pin_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = storage.open_raw(path)
    storage.migrate(conn, storage.SCHEMA_VERSION - 1)
    conn.execute("INSERT INTO access_groups (name) VALUES ('Lab')")
    conn.close()
    store = SQLiteStore.open(path)
    assert storage.schema_version(store.connection) == storage.SCHEMA_VERSION
    assert store.pins.pin_groups() == frozenset()
    store.pins.set_group("Lab", True)
    assert store.pins.pin_groups() == {"Lab"}
