"""Reading the event log for people: filters, time arguments and CSV export."""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from turnstile.errors import UsageError
from turnstile.redact import redact_text
from turnstile.store.interfaces import EventStore
from turnstile.store.records import Event
from turnstile.types import Outcome

CSV_COLUMNS = ("time", "outcome", "person_id", "name", "similarity", "runner_up", "margin",
               "reason", "detail", "door", "source")
#: Rows fetched per query while exporting (bounded memory per page).
PAGE = 1000
_RELATIVE = re.compile(r"^(\d+)\s*([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
#: A cell a spreadsheet would run as a formula (or whose control character hides one).
_FORMULA_START = re.compile(r"^[=+\-@\x00-\x1f\x7f]")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class EventFilter:
    """What the events table and its export show: a time range, one person, one outcome."""

    since: datetime | None = None
    until: datetime | None = None
    person_id: int | None = None
    outcome: Outcome | None = None


def parse_time(text: str, now: datetime) -> datetime:
    """An ISO date or date-time, or a span back from now: "7d", "12h", "30m"."""
    text = text.strip()
    relative = _RELATIVE.match(text)
    if relative:
        return now - timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"cannot read {text!r} as a time: use 2026-03-01, "
                         "2026-03-01T08:00 or a span like 7d, 12h, 30m") from exc


def select(log: EventStore, where: EventFilter, limit: int | None = None) -> list[Event]:
    """Matching events, newest first; all of them when `limit` is None."""
    events: list[Event] = []
    while limit is None or len(events) < limit:
        size = PAGE if limit is None else min(PAGE, limit - len(events))
        page = log.recent(size, len(events), outcome=where.outcome, person_id=where.person_id,
                          since=where.since, until=where.until)
        events.extend(page)
        if len(page) < size:
            break
    return events


def stream(log: EventStore, where: EventFilter, page: int = PAGE,
           cancel: threading.Event | None = None) -> Iterator[Event]:
    """Every matching event, oldest first, one keyset page in memory at a time."""
    after: tuple[datetime, int] | None = None
    while cancel is None or not cancel.is_set():
        rows = log.page(page, after, outcome=where.outcome, person_id=where.person_id,
                        since=where.since, until=where.until)
        yield from rows
        if len(rows) < page:
            return
        after = (rows[-1].at, rows[-1].id)


def safe_cell(value: object) -> str:
    """A CSV cell no spreadsheet runs: text starting with = + - @ or a control character gets
    a leading apostrophe (OWASP's advice); plain numbers such as -0.1234 stay numbers."""
    text = "" if value is None else str(value)
    if _FORMULA_START.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def write_csv(events: Iterable[Event], handle: TextIO) -> int:
    """One row per decision, oldest first order as given; never a face picture."""
    writer = csv.writer(handle)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for event in events:
        margin = (event.similarity - event.runner_up
                  if event.similarity is not None and event.runner_up is not None else None)
        # Names, details and sources come from people and devices: never trusted as cells.
        # Sources logged before cameras were labelled may hold a URL with its password.
        row = (event.at.isoformat(timespec="milliseconds"), event.outcome.value,
               "" if event.person_id is None else event.person_id, event.name or "",
               _number(event.similarity), _number(event.runner_up), _number(margin),
               event.reason.value if event.reason else "", event.detail, event.door,
               redact_text(event.source))
        writer.writerow([safe_cell(cell) for cell in row])
        count += 1
    return count


def export_csv(log: EventStore, where: EventFilter, path: Path,
               cancel: threading.Event | None = None) -> int:
    """Write the matching events to `path` in time order, streamed; returns how many rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        return write_csv(stream(log, where, cancel=cancel), handle)
