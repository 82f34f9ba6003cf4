"""Events page: decisions the kiosk logs appear live; filters; CSV export of the decisions."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.admin.conftest import decide
from tests.gui.admin.conftest import ADMIN_PASSWORD, cell
from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.gui.admin.enrol import EnrolPage
from turnstile.gui.admin.eventspage import EventsPage
from turnstile.gui.admin.people import PeoplePage
from turnstile.gui.admin.window import AdminWindow
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Outcome
from turnstile.vision.engine import Engine, thumbnail_jpeg
from turnstile.vision.imageio import read_image


def test_events_live_filter_and_export(qtbot: QtBot, admin_window: AdminWindow,
                                       context: AdminContext, engine: Engine, examples: Path,
                                       tmp_path: Path) -> None:
    enrol = admin_window.pages["enrol"]
    assert isinstance(enrol, EnrolPage)
    enrol.name.setText("Barack Obama")
    enrol.consent.setChecked(True)
    enrol.add_photos([examples / "obama.jpg"])
    person = enrol.save(confirmed=False)
    assert person is not None
    assert admin_window.open_page("events")
    page = admin_window.pages["events"]
    assert isinstance(page, EventsPage) and page.table.rowCount() == 0

    # The kiosk's worker: its own connection, its own gallery, the real policy.
    kiosk = SQLiteStore.open(context.database)
    log = kiosk.events
    gallery = engine.gallery(kiosk)
    probe = read_image(examples / "obama-720p.jpg")
    now = datetime.now()
    granted = decide(engine, gallery, context.config, probe, now)
    assert granted.outcome is Outcome.GRANTED
    log.record(granted)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=3000)
    assert cell(page.table, 0, 2) == "Granted" and cell(page.table, 0, 3) == "Barack Obama"

    # Deactivated in the panel: the kiosk's policy now denies them.
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage)
    people.select(person.id)
    people.toggle_selected()
    denied = decide(engine, gallery, context.config, probe, now + timedelta(seconds=1))
    assert denied.outcome is Outcome.DENIED and denied.reason is not None
    log.record(denied)
    log.record(decide(engine, gallery, context.config, read_image(examples / "biden.jpg"),
                      now + timedelta(seconds=2)))
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=3000)
    assert [cell(page.table, r, 2) for r in range(3)] == ["Not recognised", "Denied", "Granted"]
    assert cell(page.table, 1, 6) == "Person is deactivated"
    # Outcomes have their colours: a refusal does not look like a grant.
    colours = {page.table.item(r, 2).background().color().name()  # type: ignore[union-attr]
               for r in range(3)}
    assert len(colours) == 3

    page.outcome.setCurrentIndex(page.outcome.findData(Outcome.DENIED))
    assert page.table.rowCount() == 1
    page.outcome.setCurrentIndex(0)
    page.person.setCurrentIndex(page.person.findData(person.id))
    assert page.table.rowCount() == 2
    page.person.setCurrentIndex(0)

    target = tmp_path / "events.csv"
    with qtbot.waitSignal(page.exported, timeout=10000) as written:
        assert page.export(target) is not None  # written on a worker thread
    assert written.args == [3]
    rows = list(csv.DictReader(target.open()))
    assert [(r["outcome"], r["name"]) for r in rows] == [
        ("granted", "Barack Obama"), ("denied", "Barack Obama"), ("unknown", "")]
    assert float(rows[0]["similarity"]) >= context.config.recognition.threshold
    assert context.audit.entries()[0].action is AuditAction.EXPORT

    # Neither export carries a password, hash or salt.
    people.select(person.id)
    person_json = people.export_selected(tmp_path / "person")
    assert person_json is not None
    stored = context.conn.execute("SELECT password FROM users").fetchone()[0]
    secrets = [ADMIN_PASSWORD, *stored.split("$")[4:]]
    exported = target.read_text() + "".join(
        p.read_text(errors="replace") for p in person_json.parent.iterdir())
    assert not [s for s in secrets if s in exported]
    kiosk.close()


def _enrol(admin_window: AdminWindow, name: str, photo: Path) -> int:
    enrol = admin_window.pages["enrol"]
    assert isinstance(enrol, EnrolPage)
    enrol.name.setText(name)
    enrol.consent.setChecked(True)
    assert enrol.add_photos([photo]) == 1
    person = enrol.save(confirmed=True)
    assert person is not None
    return person.id


def test_a_missed_face_is_added_to_its_person_from_the_event(
        qtbot: QtBot, admin_window: AdminWindow, context: AdminContext, engine: Engine,
        examples: Path) -> None:
    obama = _enrol(admin_window, "Barack Obama", examples / "obama.jpg")
    biden = _enrol(admin_window, "Joe Biden", examples / "biden.jpg")
    kiosk = SQLiteStore.open(context.database)
    log = kiosk.events  # event pictures are kept by default
    gallery = engine.gallery(kiosk)
    face = engine.analyze(read_image(examples / "obama-720p.jpg"))[0]
    granted = decide(engine, gallery, context.config, read_image(examples / "obama-720p.jpg"),
                     datetime.now())
    log.record(granted, thumbnail=thumbnail_jpeg(face.aligned))
    assert admin_window.open_page("events")
    page = admin_window.pages["events"]
    assert isinstance(page, EventsPage)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=3000)
    assert not page.table.item(0, 0).icon().isNull()  # type: ignore[union-attr]
    page.table.selectRow(0)
    assert page.add_face_button.isEnabled() and page.target.currentData() == obama
    before = len(context.store.templates.of(obama))
    assert page.add_face(confirmed=False)
    assert len(context.store.templates.of(obama)) == before + 1
    # Added to the wrong person, the same face is held back until the operator insists.
    page.target.setCurrentIndex(page.target.findData(biden))
    assert not page.add_face(confirmed=False)
    assert "Barack Obama" in page.message.text() and page.add_anyway_button.isVisible()
    assert len(context.store.templates.of(biden)) == 1
    kiosk.close()


def test_attendance_report_has_first_in_and_last_out(qtbot: QtBot, admin_window: AdminWindow,
                                                     context: AdminContext, engine: Engine,
                                                     examples: Path, tmp_path: Path) -> None:
    _enrol(admin_window, "Barack Obama", examples / "obama.jpg")
    kiosk = SQLiteStore.open(context.database)
    log = kiosk.events
    gallery = engine.gallery(kiosk)
    probe = read_image(examples / "obama-720p.jpg")
    day = datetime(2026, 3, 2)
    for hour, minute in ((8, 55), (12, 30), (17, 40)):
        log.record(decide(engine, gallery, context.config, probe,
                          day.replace(hour=hour, minute=minute)))
    log.record(decide(engine, gallery, context.config, read_image(examples / "biden.jpg"),
                      day.replace(hour=7)))  # not recognised: not attendance
    assert admin_window.open_page("events")
    page = admin_window.pages["events"]
    assert isinstance(page, EventsPage)
    target = tmp_path / "attendance.csv"
    with qtbot.waitSignal(page.exported, timeout=10000) as written:
        assert page.export_attendance(target) is not None
    assert written.args == [1]
    rows = list(csv.DictReader(target.open()))
    assert rows == [{"date": "2026-03-02", "name": "Barack Obama", "first_in": "08:55:00",
                     "last_out": "17:40:00", "passes": "3"}]
    assert context.audit.entries()[0].target == "attendance"
    kiosk.close()
