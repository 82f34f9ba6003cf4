"""Access groups in the database: set by name, read back, refused names, erasure cascade."""

from __future__ import annotations

import sqlite3

import pytest

from turnstile.access.schedule import Directory
from turnstile.store.gallery import Gallery, GalleryError
from turnstile.store.groups import GroupError, GroupStore, parse_groups


def test_set_groups_creates_missing_groups_and_reuses_existing(conn: sqlite3.Connection) -> None:
    gallery = Gallery(conn, "test", 4)
    alice, bob = gallery.add_person("Alice"), gallery.add_person("Bob")
    store = GroupStore(conn)
    assert store.set_groups(alice.id, [" Staff ", "Night shift", "staff"]) == (
        "Night shift", "Staff")
    store.set_groups(bob.id, ["STAFF"])  # same group, whatever the case
    assert store.names() == ("Night shift", "Staff")
    assert store.of(bob.id) == frozenset({"Staff"})
    assert store.all_memberships() == {alice.id: ("Night shift", "Staff"),
                                       bob.id: ("Staff",)}
    rule = Directory(gallery).rule(alice.id)
    assert rule is not None and rule.groups == frozenset({"Staff", "Night shift"})
    store.set_groups(alice.id, [])
    assert store.of(alice.id) == frozenset()


def test_bad_names_and_unknown_people_change_nothing(conn: sqlite3.Connection) -> None:
    person = Gallery(conn, "test", 4).add_person("Alice")
    store = GroupStore(conn)
    store.set_groups(person.id, ["Staff"])
    with pytest.raises(GroupError, match="needs a name"):
        store.set_groups(person.id, ["Cleaning", "  "])
    assert store.of(person.id) == frozenset({"Staff"})
    assert store.names() == ("Staff",)
    with pytest.raises(GalleryError, match="no person"):
        store.set_groups(99, ["Staff"])


def test_deleting_a_person_erases_their_memberships(conn: sqlite3.Connection) -> None:
    gallery = Gallery(conn, "test", 4)
    person = gallery.add_person("Alice")
    GroupStore(conn).set_groups(person.id, ["Staff"])
    gallery.remove_person(person.id)
    assert conn.execute("SELECT COUNT(*) FROM person_groups").fetchone()[0] == 0


def test_parse_groups_reads_comma_separated_names() -> None:
    assert parse_groups("") == ()
    assert parse_groups(" Staff, Cleaning ") == ("Staff", "Cleaning")
    with pytest.raises(GroupError):
        parse_groups("Staff,,Cleaning")
