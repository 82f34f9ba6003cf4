"""Weekly windows (including overnight ones), the schedule table and validity dates."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np
import pytest

from turnstile.access.schedule import Directory, within
from turnstile.store.records import NewTemplate, ScheduleError, StoreError, Window
from turnstile.store.sqlite import SQLiteStore

MONDAY = datetime(2026, 3, 2)


def test_window_contains_its_weekday_hours_only() -> None:
    window = Window.parse(0, "08:00", "17:30")
    assert window.contains(MONDAY.replace(hour=8))
    assert not window.contains(MONDAY.replace(hour=17, minute=30))  # the end is exclusive
    assert not window.contains(MONDAY.replace(day=3, hour=9))  # Tuesday
    assert str(window) == "Mon 08:00-17:30"


def test_overnight_window_runs_into_the_next_day() -> None:
    night = Window(4, time(22), time(6))  # Friday night
    friday = datetime(2026, 3, 6)
    assert night.contains(friday.replace(hour=23))
    assert night.contains(friday.replace(day=7, hour=5))  # Saturday early morning
    assert not night.contains(friday.replace(day=7, hour=7))
    assert not night.contains(friday.replace(hour=21))


def test_empty_schedule_allows_any_time() -> None:
    assert within((), MONDAY.replace(hour=3))


@pytest.mark.parametrize(("weekday", "start", "end"), [(7, "08:00", "09:00"),
                                                       (0, "8 am", "09:00")])
def test_bad_windows_are_rejected(weekday: int, start: str, end: str) -> None:
    with pytest.raises(ScheduleError):
        Window.parse(weekday, start, end)


def test_store_round_trip_and_directory(store: SQLiteStore) -> None:
    person = store.people.add("Alice")
    store.templates.add(person.id, "test", 4, [NewTemplate(np.array([1, 0, 0, 0], np.float32))])
    schedules = store.schedules
    windows = [Window.parse(0, "08:00", "12:00"), Window.parse(2, "13:00", "18:00")]
    schedules.set(person.id, windows)
    assert schedules.windows(person.id) == tuple(windows)
    store.people.set_validity(person.id, MONDAY, datetime(2026, 12, 31))
    rule = Directory(store).rule(person.id)
    assert rule is not None and rule.windows == tuple(windows)
    assert rule.person.valid_until == datetime(2026, 12, 31)
    schedules.set(person.id, [])
    assert schedules.windows(person.id) == ()
    store.people.erase(person.id)
    assert Directory(store).rule(person.id) is None


def test_store_rejects_unknown_people_and_keeps_old_rows(store: SQLiteStore) -> None:
    with pytest.raises(StoreError):
        store.schedules.set(99, [Window.parse(0, "08:00", "12:00")])
    with pytest.raises(StoreError):
        store.people.set_validity(99, None, None)
    person = store.people.add("Bob")
    store.people.set_validity(person.id, MONDAY, MONDAY + timedelta(days=1))
    # One rule for validity: it must end after it starts (an empty span admits no one).
    for end in (MONDAY, MONDAY - timedelta(days=1)):
        with pytest.raises(ScheduleError, match="must end after it starts"):
            store.people.set_validity(person.id, MONDAY, end)
    assert store.people.get(person.id).valid_until == MONDAY + timedelta(days=1)
