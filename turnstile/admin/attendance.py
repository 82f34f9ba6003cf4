"""The daily attendance report: per person and day, the first and the last grant.

A kiosk does not know which way a person walked, so "first in" is the day's first grant and
"last out" its last; a person granted once that day has the same time in both.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from turnstile.admin.eventexport import EventFilter, stream
from turnstile.store.interfaces import EventStore
from turnstile.store.records import Event
from turnstile.types import Outcome

HEADER = ("date", "name", "first_in", "last_out", "passes")
#: Events read per query while collecting a report.
PAGE = 5000


@dataclass(frozen=True)
class Attendance:
    """One person on one day."""

    day: date
    person_id: int
    name: str
    first_in: datetime
    last_out: datetime
    passes: int


def attendance(events: Iterable[Event]) -> list[Attendance]:
    """Grants folded into one row per person and day, by day then name."""
    rows: dict[tuple[date, int], Attendance] = {}
    for event in events:
        if event.outcome is not Outcome.GRANTED or event.person_id is None:
            continue  # refusals are not attendance; erased people have no name to report
        key = (event.at.date(), event.person_id)
        seen = rows.get(key)
        if seen is None:
            rows[key] = Attendance(key[0], event.person_id, event.name or "", event.at,
                                   event.at, 1)
        else:
            rows[key] = Attendance(seen.day, seen.person_id, seen.name,
                                   min(seen.first_in, event.at), max(seen.last_out, event.at),
                                   seen.passes + 1)
    return sorted(rows.values(), key=lambda r: (r.day, r.name.casefold(), r.person_id))


def grants(log: EventStore, since: datetime | None, until: datetime | None,
           cancel: threading.Event | None = None) -> Iterable[Event]:
    """Every grant in [since, until), oldest first, one keyset page in memory at a time."""
    return stream(log, EventFilter(since=since, until=until, outcome=Outcome.GRANTED),
                  PAGE, cancel)


def write_csv(rows: Iterable[Attendance], path: Path) -> int:
    """The report as CSV (times as HH:MM:SS); returns the number of rows."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow((row.day.isoformat(), row.name, f"{row.first_in:%H:%M:%S}",
                             f"{row.last_out:%H:%M:%S}", row.passes))
            count += 1
    return count
