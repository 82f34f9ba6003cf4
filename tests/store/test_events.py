"""EventLog: recording decisions with scores, filtering, thumbnails, retention."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

from turnstile.config import EventsConfig
from turnstile.store import database as storage
from turnstile.store.sqlite import SQLiteStore
from turnstile.store.sqlite.events import EventLog
from turnstile.types import Decision, DenyReason, DoorResult, Match, Outcome, Scores

NOW = datetime(2026, 3, 2, 9, 0, 0)


def granted(conn: sqlite3.Connection, at: datetime = NOW) -> Decision:
    person = SQLiteStore(conn).people.add("Alice")
    return Decision(Outcome.GRANTED, at, Match(person.id, "Alice", 0.81, 0.12),
                    scores=Scores(similarity=0.81, agreement=3))


def test_record_and_read_back(conn: sqlite3.Connection) -> None:
    log = EventLog(conn, EventsConfig(store_thumbnails=False))
    decision = granted(conn)
    event_id = log.record(decision, DoorResult(True, "simulated pulse 1 s"), b"jpeg", "cam")
    [event] = log.recent()
    assert event.id == event_id
    assert (event.outcome, event.name, event.at) == (Outcome.GRANTED, "Alice", NOW)
    assert event.similarity == 0.81 and event.runner_up == 0.12
    assert event.scores == {"similarity": 0.81, "agreement": 3.0}
    assert event.door == "simulated pulse 1 s" and event.source == "cam"
    # Thumbnails switched off: nothing of the face is kept.
    assert not event.has_thumbnail and log.thumbnail(event_id) is None


def test_thumbnails_by_default(conn: sqlite3.Connection) -> None:
    log = EventLog(conn, EventsConfig())
    event_id = log.record(granted(conn), thumbnail=b"jpeg")
    assert log.thumbnail(event_id) == b"jpeg"
    assert log.recent()[0].has_thumbnail


def test_unknown_keeps_scores_but_no_name(conn: sqlite3.Connection) -> None:
    log = EventLog(conn, EventsConfig())
    person = SQLiteStore(conn).people.add("Alice")
    log.record(Decision(Outcome.UNKNOWN, NOW, Match(person.id, "Alice", 0.3, 0.1)))
    [event] = log.recent()
    assert event.person_id is None and event.name is None and event.similarity == 0.3


def test_filters_and_count(conn: sqlite3.Connection) -> None:
    log = EventLog(conn, EventsConfig(retention_days=0))
    decision = granted(conn)
    for minutes in range(5):
        log.record(Decision(Outcome.DENIED, NOW + timedelta(minutes=minutes),
                            decision.match, reason=DenyReason.EXPIRED))
    log.record(decision)
    assert log.count() == 6
    assert log.count(outcome=Outcome.DENIED) == 5
    assert log.recent(2)[0].at == NOW + timedelta(minutes=4)  # newest first
    window = log.recent(since=NOW + timedelta(minutes=1), until=NOW + timedelta(minutes=3))
    assert [e.at.minute for e in window] == [2, 1]
    assert log.recent(outcome=Outcome.DENIED)[0].reason is DenyReason.EXPIRED
    assert log.count(person_id=decision.match.person_id if decision.match else None) == 6


def test_retention_prunes_old_events(conn: sqlite3.Connection) -> None:
    log = EventLog(conn, EventsConfig(retention_days=30))
    log.record(granted(conn, NOW - timedelta(days=40)))
    log.record(Decision(Outcome.UNKNOWN, NOW - timedelta(days=10)))
    assert log.count() == 2
    assert log.prune(NOW) == 1
    assert log.count() == 1
    log.record(Decision(Outcome.UNKNOWN, NOW + timedelta(days=25)))  # records prune too
    assert log.count() == 1


def test_erasing_a_person_keeps_their_events_without_the_name(conn: sqlite3.Connection) -> None:
    log = EventLog(conn, EventsConfig(store_thumbnails=True))
    decision = granted(conn)
    log.record(decision, thumbnail=b"jpeg")
    assert decision.match is not None and decision.match.person_id is not None
    assert log.last_seen() == {decision.match.person_id: NOW}
    SQLiteStore(conn).people.erase(decision.match.person_id)
    [event] = log.recent()
    assert event.person_id is None and event.name is None and not event.has_thumbnail
    assert (event.outcome, event.similarity) == (Outcome.GRANTED, 0.81)
    assert log.last_seen() == {}


def test_worker_writes_while_another_connection_reads(db_path: Path) -> None:
    reader = storage.connect(db_path)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            conn = storage.connect(db_path)
            log = EventLog(conn, EventsConfig())
            for i in range(20):
                log.record(Decision(Outcome.UNKNOWN, NOW + timedelta(seconds=i)))
            conn.close()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert not errors
    assert EventLog(reader, EventsConfig()).count() == 20
    reader.close()
