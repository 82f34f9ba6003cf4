"""Access groups in the database: set by name, read back, refused names, erasure cascade."""

from __future__ import annotations

import pytest

from turnstile.access.schedule import Directory
from turnstile.store.groups import GroupError, parse_groups
from turnstile.store.records import StoreError
from turnstile.store.sqlite import SQLiteStore


def test_set_groups_creates_missing_groups_and_reuses_existing(store: SQLiteStore) -> None:
    alice, bob = store.people.add("Alice"), store.people.add("Bob")
    groups = store.groups
    assert groups.set(alice.id, [" Staff ", "Night shift", "staff"]) == (
        "Night shift", "Staff")
    groups.set(bob.id, ["STAFF"])  # same group, whatever the case
    assert groups.names() == ("Night shift", "Staff")
    assert groups.of(bob.id) == frozenset({"Staff"})
    assert groups.memberships() == {alice.id: ("Night shift", "Staff"), bob.id: ("Staff",)}
    rule = Directory(store).rule(alice.id)
    assert rule is not None and rule.groups == frozenset({"Staff", "Night shift"})
    groups.set(alice.id, [])
    assert groups.of(alice.id) == frozenset()
    # The name column's NOCASE rule is the schema's own: no index was added at run time.
    indexes = store.connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name = 'access_groups'").fetchall()
    assert indexes == []


def test_bad_names_and_unknown_people_change_nothing(store: SQLiteStore) -> None:
    person = store.people.add("Alice")
    groups = store.groups
    groups.set(person.id, ["Staff"])
    with pytest.raises(GroupError, match="needs a name"):
        groups.set(person.id, ["Cleaning", "  "])
    assert groups.of(person.id) == frozenset({"Staff"})
    assert groups.names() == ("Staff",)
    with pytest.raises(StoreError, match="no person"):
        groups.set(99, ["Staff"])


def test_deleting_a_person_erases_their_memberships(store: SQLiteStore) -> None:
    person = store.people.add("Alice")
    store.groups.set(person.id, ["Staff"])
    store.people.erase(person.id)
    assert store.connection.execute("SELECT COUNT(*) FROM person_groups").fetchone()[0] == 0


def test_parse_groups_reads_comma_separated_names() -> None:
    assert parse_groups("") == ()
    assert parse_groups(" Staff, Cleaning ") == ("Staff", "Cleaning")
    with pytest.raises(GroupError):
        parse_groups("Staff,,Cleaning")
