"""Typed weekly schedules: parsing, formatting, errors, and the policy honouring them."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import pytest

from tests.admin.conftest import decide
from turnstile.admin.enrolment import Enroller
from turnstile.admin.people import PeopleAdmin
from turnstile.admin.schedules import format_schedule, parse_schedule
from turnstile.config import Config
from turnstile.store.gallery import Gallery
from turnstile.store.records import ScheduleError, Window
from turnstile.types import DenyReason, Outcome
from turnstile.vision.engine import Engine
from turnstile.vision.imageio import read_image


def test_parse_and_format() -> None:
    windows = parse_schedule("Mon-Wed 8:00-18:00; sat 09:00-13:00\nFri-Mon 22:00-06:00")
    assert [w.weekday for w in windows] == [0, 1, 2, 5, 4, 5, 6, 0]
    assert windows[0] == Window(0, time(8, 0), time(18, 0))
    assert format_schedule(windows[:1]) == "Mon 08:00-18:00"
    assert parse_schedule(format_schedule(windows)) == windows
    assert parse_schedule("  ") == []
    with pytest.raises(ScheduleError, match="unknown day 'Funday'"):
        parse_schedule("Funday 08:00-09:00")
    with pytest.raises(ScheduleError, match="cannot read"):
        parse_schedule("Mon 8-9")
    with pytest.raises(ScheduleError, match="HH:MM"):
        parse_schedule("Mon 08:00-25:00")


def test_schedule_set_in_the_panel_makes_the_policy_deny(
        engine: Engine, enroller: Enroller, people: PeopleAdmin, gallery: Gallery,
        config: Config, examples: Path) -> None:
    person = people.enrol("Barack Obama", None,
                          [enroller.assess_file(examples / "obama.jpg").template()],
                          consent=True)
    people.set_schedule(person.id, parse_schedule("Mon-Fri 08:00-18:00"))
    assert format_schedule(people.schedule(person.id)).startswith("Mon 08:00-18:00")
    probe = read_image(examples / "obama-720p.jpg")
    monday_noon, sunday_noon = datetime(2026, 3, 2, 12, 0), datetime(2026, 3, 8, 12, 0)
    assert decide(engine, gallery, config, probe, monday_noon).outcome is Outcome.GRANTED
    refused = decide(engine, gallery, config, probe, sunday_noon)
    assert refused.outcome is Outcome.DENIED and refused.reason is DenyReason.OUT_OF_SCHEDULE
