"""Weekly schedules as people type them: "Mon-Fri 08:00-18:00; Sat 09:00-13:00"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from turnstile.store.records import WEEKDAYS, ScheduleError, Window

_ENTRY = re.compile(r"^([A-Za-z,\-\s]+?)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$")


def _day(name: str) -> int:
    key = name.strip()[:3].title()
    if key not in WEEKDAYS:
        raise ScheduleError(f"unknown day {name.strip()!r}; use {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(key)


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        if "-" in part:
            first, last = (_day(p) for p in part.split("-", 1))
            span = (last - first) % 7
            days.extend((first + i) % 7 for i in range(span + 1))
        else:
            days.append(_day(part))
    return days


def parse_schedule(text: str) -> list[Window]:
    """Entries separated by ";" or new lines; empty text means no restriction."""
    windows: list[Window] = []
    for raw in re.split(r"[;\n]", text):
        entry = raw.strip()
        if not entry:
            continue
        found = _ENTRY.match(entry)
        if found is None:
            raise ScheduleError(f"cannot read {entry!r}: write days then times, "
                                "like Mon-Fri 08:00-18:00")
        start, end = (t.zfill(5) for t in found.group(2, 3))
        windows.extend(Window.parse(day, start, end) for day in _days(found.group(1)))
    return windows


def format_schedule(windows: Sequence[Window]) -> str:
    """One entry per window, in the form parse_schedule reads."""
    return "; ".join(str(window) for window in windows)
