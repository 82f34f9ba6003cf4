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
from turnstile.vision.engine import Engine
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
    assert cell(page.table, 0, 1) == "granted" and cell(page.table, 0, 2) == "Barack Obama"

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
    assert [cell(page.table, r, 1) for r in range(3)] == ["unknown", "denied", "granted"]
    assert cell(page.table, 1, 5) == "inactive"

    page.outcome.setCurrentIndex(page.outcome.findData(Outcome.DENIED))
    assert page.table.rowCount() == 1
    page.outcome.setCurrentIndex(0)
    page.person.setCurrentIndex(page.person.findData(person.id))
    assert page.table.rowCount() == 2
    page.person.setCurrentIndex(0)

    target = tmp_path / "events.csv"
    with qtbot.waitSignal(page.exported, timeout=10_000) as exported:
        page.export(target)  # on a worker thread: the panel stays responsive
    assert exported.args == [3]
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
