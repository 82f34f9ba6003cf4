"""The person editor in two panels at once: a save over someone else's newer one is refused,
said and reloaded, on one kiosk's database and against the central PostgreSQL store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tests.admin.conftest import CHEAP_COST, FakeClock
from turnstile.admin.context import AdminContext
from turnstile.admin.people import PeopleAdmin
from turnstile.config import CentralConfig, Config
from turnstile.gui.admin.editor import PersonEditor
from turnstile.gui.admin.people import PeoplePage
from turnstile.gui.admin.reauth import Confirmation
from turnstile.store.records import NewTemplate
from turnstile.vision.engine import Engine

RELOADED = "changed by someone else meanwhile; reloaded"


@pytest.fixture
def contexts(config: Config, engine: Engine, tmp_path: Path) -> Iterator[list[AdminContext]]:
    """Two panels on one kiosk's database file."""
    opened = [AdminContext.open(config, tmp_path / "config.toml", tmp_path / "turnstile.db",
                                engine=engine, clock=FakeClock(), password_cost=CHEAP_COST)
              for _ in range(2)]
    yield opened
    for context in opened:
        context.close()


@pytest.fixture
def central_contexts(config: Config, engine: Engine, tmp_path: Path,
                     pg_dsn: str) -> Iterator[list[AdminContext]]:
    """Two kiosks' panels, each on its own replica, writing to one central database."""
    opened = []
    for door in ("door-1", "door-2"):
        joined = config.model_copy(update={"central": CentralConfig(dsn=pg_dsn, kiosk_id=door)})
        opened.append(AdminContext.open(joined, tmp_path / "config.toml", tmp_path / f"{door}.db",
                                        engine=engine, clock=FakeClock(),
                                        password_cost=CHEAP_COST))
    yield opened
    for context in opened:
        context.close()


def _panel(qtbot: QtBot, people: PeopleAdmin) -> PeoplePage:
    page = PeoplePage(people, confirm=lambda purpose: Confirmation(True))
    qtbot.addWidget(page)
    return page


def _editor(page: PeoplePage, person_id: int) -> PersonEditor:
    page.refresh()
    assert page.select(person_id)
    editor = page.edit_selected()
    assert editor is not None
    return editor


def _two_editors_race(anna: PeoplePage, otto: PeoplePage, person_id: int) -> None:
    """Both open the person; Anna saves first; Otto's save is refused and reloaded."""
    first, second = _editor(anna, person_id), _editor(otto, person_id)
    first.name.setText("Carl Anna")
    assert first.save()
    second.name.setText("Carl Otto")
    second.groups.setText("Night")
    assert not second.save()
    assert RELOADED in second.message.text()
    assert second.isVisible()  # the editor stays open, showing what Anna saved
    assert (second.name.text(), second.groups.text()) == ("Carl Anna", "")
    assert otto.people.store.people.get(person_id).name == "Carl Anna"
    second.groups.setText("Night")
    assert second.save()
    saved = otto.people.store.people.get(person_id)
    assert (saved.name, otto.people.groups(person_id)) == ("Carl Anna", ("Night",))
    # Anna's list still shows the version before Otto's save: her toggle is refused too.
    assert anna.select(person_id)
    anna.toggle_selected()
    assert RELOADED in anna.message.text()
    assert otto.people.store.people.get(person_id).active
    assert anna.select(person_id)
    anna.toggle_selected()
    assert not anna.people.store.people.get(person_id).active


def test_two_panels_on_one_database(qtbot: QtBot, contexts: list[AdminContext]) -> None:
    person = contexts[0].store.people.add("Carl", "E7")
    anna = _panel(qtbot, contexts[0].people("anna"))
    otto = _panel(qtbot, contexts[1].people("otto"))
    _two_editors_race(anna, otto, person.id)


def test_two_panels_at_two_kiosks_of_one_central_store(
        qtbot: QtBot, central_contexts: list[AdminContext], pg_dsn: str) -> None:
    import psycopg

    from turnstile.admin.central import CentralPeopleAdmin
    from turnstile.store.central.roster import CentralRoster

    gallery = central_contexts[0].gallery
    vector = np.ones(gallery.dimension, np.float32) / np.sqrt(gallery.dimension)
    with psycopg.connect(pg_dsn) as conn:
        carl = CentralRoster(conn, "cli:admin", "office").enrol(
            "Carl", "E7", [NewTemplate(vector, "carl.jpg")], gallery.model, gallery.dimension)
    panels = [context.people(actor) for context, actor in zip(central_contexts,
                                                               ("anna", "otto"), strict=True)]
    assert all(isinstance(p, CentralPeopleAdmin) for p in panels)
    anna, otto = (_panel(qtbot, p) for p in panels)
    try:
        _two_editors_race(anna, otto, carl.person.id)
        with psycopg.connect(pg_dsn) as conn:
            row = conn.execute("SELECT name, active FROM people").fetchone()
            edits = conn.execute("SELECT actor, kiosk_id FROM audit_log WHERE action = 'edit'"
                                 " ORDER BY received, actor").fetchall()
        assert row == ("Carl Anna", False)
        assert sorted(edits) == [("anna", "door-1"), ("anna", "door-1"), ("otto", "door-2")]
    finally:
        for people in panels:
            assert isinstance(people, CentralPeopleAdmin)
            people.close()
