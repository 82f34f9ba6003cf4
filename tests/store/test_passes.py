"""The visitor pass table: issue, list, revoke, revocation lookups and use counts."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from turnstile.config import EventsConfig
from turnstile.store.passes import PassBook
from turnstile.store.records import StoreError
from turnstile.store.sqlite.events import EventLog
from turnstile.types import Decision, DenyReason, Outcome, Visitor

NOW = datetime(2026, 3, 2, 9, 0)


def _issue(book: PassBook, name: str = "Zoë", hours: float = 8, start: datetime = NOW) -> int:
    return book.issue(name, "Dana", "audit", start, start + timedelta(hours=hours), "cli:reception",
                      NOW).id


def test_a_pass_is_stored_with_everything_the_card_shows(conn: sqlite3.Connection) -> None:
    book = PassBook(conn)
    record = book.get(_issue(book))
    assert (record.visitor, record.host, record.reason, record.issued_by) == (
        "Zoë", "Dana", "audit", "cli:reception")
    assert record.valid_until - record.valid_from == timedelta(hours=8)
    assert not record.revoked and not book.revoked(record.id)


def test_listing_is_newest_first_and_current_leaves_out_ended_and_revoked(
        conn: sqlite3.Connection) -> None:
    book = PassBook(conn)
    ended = _issue(book, "Ended", start=NOW - timedelta(hours=10))
    revoked = _issue(book, "Revoked")
    current = _issue(book, "Current")
    book.revoke(revoked, "cli:x", NOW)
    assert [r.id for r in book.all()] == [current, revoked, ended]
    assert [r.id for r in book.all(current_at=NOW)] == [current]


def test_revoking_twice_keeps_the_first(conn: sqlite3.Connection) -> None:
    book = PassBook(conn)
    pid = _issue(book)
    first = book.revoke(pid, "alice", NOW)
    second = book.revoke(pid, "bob", NOW + timedelta(hours=1))
    assert second.revoked_by == "alice" and second.revoked_at == first.revoked_at == NOW
    assert book.revoked(pid)


def test_a_pass_this_database_never_issued_counts_as_revoked(conn: sqlite3.Connection) -> None:
    assert PassBook(conn).revoked(999)


@pytest.mark.parametrize(("name", "hours", "message"), [("  ", 8, "visitor's name"),
                                                        ("Zoë", 0, "end after it starts"),
                                                        ("Zoë", -1, "end after it starts")])
def test_bad_passes_are_refused(conn: sqlite3.Connection, name: str, hours: float,
                                message: str) -> None:
    book = PassBook(conn)
    with pytest.raises(StoreError, match=message):
        _issue(book, name, hours)
    assert book.all() == []


def test_unknown_ids_are_errors(conn: sqlite3.Connection) -> None:
    with pytest.raises(StoreError, match="no visitor pass 5"):
        PassBook(conn).revoke(5, "x", NOW)


def test_uses_count_visitor_events_of_that_pass_only(conn: sqlite3.Connection) -> None:
    book = PassBook(conn)
    pid, other = _issue(book), _issue(book, "Other")
    log = EventLog(conn, EventsConfig())
    log.record(Decision(Outcome.VISITOR, NOW, visitor=Visitor(pid, "Zoë")))
    log.record(Decision(Outcome.VISITOR, NOW, visitor=Visitor(other, "Other")))
    # A refusal or a door that did not open is not a use.
    log.record(Decision(Outcome.DENIED, NOW, reason=DenyReason.PASS_EXPIRED,
                        visitor=Visitor(pid, "Zoë")))
    assert book.uses(pid) == 1
    event = log.recent(1, outcome=Outcome.VISITOR)[0]
    assert event.pass_id == other and event.name == "Other" and event.person_id is None


def test_prune_deletes_passes_that_ended_before_the_cutoff(conn: sqlite3.Connection) -> None:
    book = PassBook(conn)
    old = _issue(book, "Old", hours=1, start=NOW - timedelta(days=100))
    recent = _issue(book, "Recent", hours=1, start=NOW - timedelta(days=10))
    assert book.prune(NOW - timedelta(days=90)) == 1
    assert [r.id for r in book.all()] == [recent]
    assert book.revoked(old)  # a pruned pass is refused like an unknown one
