"""The events export streams the log in keyset pages: all rows, in order, none twice."""

from __future__ import annotations

import csv
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

from turnstile.admin.eventexport import EventFilter, export_csv, stream
from turnstile.config import EventsConfig
from turnstile.store.sqlite.events import EventLog
from turnstile.types import Decision, Outcome

START = datetime(2026, 3, 2, 9, 0, 0)


def fill(log: EventLog, count: int, at: datetime = START) -> None:
    for i in range(count):
        # Several events share a time stamp: the id breaks the tie.
        log.record(Decision(Outcome.UNKNOWN, at + timedelta(seconds=i // 3), detail=str(i)))


def test_stream_pages_by_key_and_sees_rows_added_meanwhile(conn: sqlite3.Connection) -> None:
    log = EventLog(conn, EventsConfig(retention_days=0))
    fill(log, 25)
    seen: list[int] = []
    for event in stream(log, EventFilter(), page=4):
        seen.append(int(event.detail))
        if len(seen) == 10:  # the kiosk logs more while the export runs
            log.record(Decision(Outcome.UNKNOWN, START + timedelta(hours=1), detail="25"))
    assert seen == list(range(26))


def test_stream_stops_when_cancelled(conn: sqlite3.Connection) -> None:
    log = EventLog(conn, EventsConfig(retention_days=0))
    fill(log, 30)
    cancel = threading.Event()
    seen = 0
    for _ in stream(log, EventFilter(), page=5, cancel=cancel):
        seen += 1
        cancel.set()
    assert seen == 5


def test_export_writes_every_filtered_row_oldest_first(conn: sqlite3.Connection,
                                                       tmp_path: Path) -> None:
    log = EventLog(conn, EventsConfig(retention_days=0))
    fill(log, 2500)
    target = tmp_path / "events.csv"
    since = START + timedelta(seconds=100)
    assert export_csv(log, EventFilter(since=since), target) == 2500 - 300
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["detail"] for r in rows] == [str(i) for i in range(300, 2500)]
