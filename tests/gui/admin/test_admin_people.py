"""Enrolling from real photos, the duplicate warning, identification, deactivation, erasure."""

from __future__ import annotations

from pathlib import Path

import cv2
from pytestqt.qtbot import QtBot

from tests.gui.admin.conftest import cell
from turnstile.admin.context import AdminContext
from turnstile.cli.core import accepted_name
from turnstile.gui.admin.enrol import EnrolPage
from turnstile.gui.admin.people import PeoplePage
from turnstile.gui.admin.window import AdminWindow
from turnstile.vision.engine import Engine
from turnstile.vision.imageio import read_image


def _no_face_photo(examples: Path, tmp_path: Path) -> Path:
    """The lower half of a real portrait (clothes only), written outside the project."""
    path = tmp_path / "no_face.jpg"
    cv2.imwrite(str(path), read_image(examples / "biden.jpg")[1200:])
    return path


def _enrol_photos(page: EnrolPage, name: str, photos: list[Path]) -> int:
    page.name.setText(name)
    page.consent.setChecked(True)
    return page.add_photos(photos)


def test_enrol_from_photos_then_identify_deactivate_delete(
        qtbot: QtBot, admin_window: AdminWindow, context: AdminContext, engine: Engine,
        examples: Path, tmp_path: Path) -> None:
    assert admin_window.open_page("enrol")
    page = admin_window.pages["enrol"]
    assert isinstance(page, EnrolPage)
    photos = [examples / "obama.jpg", examples / "obama-1080p.jpg",
              examples / "two_people.jpg", _no_face_photo(examples, tmp_path)]
    page.name.setText("Barack Obama")
    page.save(confirmed=False)
    assert "No usable face" in page.message.text() or "consent" in page.message.text()
    assert _enrol_photos(page, "Barack Obama", photos) == 2
    reasons = [page.rejections.item(i).text() for i in range(page.rejections.count())]
    assert reasons == ["two_people.jpg: several faces (2)", "no_face.jpg: no face"]
    person = page.save(confirmed=False)
    assert person is not None and person.templates == 2
    assert "enrolled with 2" in page.message.text()

    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage)
    assert people.table.rowCount() == 1 and cell(people.table, 0, 1) == "Barack Obama"
    assert cell(people.table, 0, 4) == "2" and cell(people.table, 0, 3) == "active"

    # The engine now identifies them on a photo that was not enrolled.
    probe = engine.analyze(read_image(examples / "obama-720p.jpg"), engine.gallery(context.store))
    assert accepted_name(probe[0].match, context.config) == "Barack Obama"

    people.search.setText("obama")
    assert people.select(person.id)
    people.toggle_selected()
    assert not context.store.people.get(person.id).active
    assert cell(people.table, 0, 3) == "inactive"

    people.delete_selected()
    assert context.conn.execute("SELECT COUNT(*) FROM templates").fetchone()[0] == 0
    assert people.table.rowCount() == 0
    assert engine.analyze(read_image(examples / "obama-720p.jpg"),
                          engine.gallery(context.store))[0].match.person_id is None  # type: ignore[union-attr]


def test_duplicate_warning_under_another_name(
        qtbot: QtBot, admin_window: AdminWindow, context: AdminContext,
        examples: Path) -> None:
    assert admin_window.open_page("enrol")
    page = admin_window.pages["enrol"]
    assert isinstance(page, EnrolPage)
    _enrol_photos(page, "Barack Obama", [examples / "obama.jpg"])
    assert page.save(confirmed=False) is not None
    _enrol_photos(page, "John Doe", [examples / "obama2.jpg"])
    assert page.save(confirmed=False) is None
    assert page.duplicate is not None and page.duplicate.name == "Barack Obama"
    assert "already matches Barack Obama" in page.message.text()
    assert f"{page.duplicate.similarity:.2f}" in page.message.text()
    assert page.confirm_button.isVisible()
    assert [p.name for p in context.store.people.all()] == ["Barack Obama"]
    # The operator checks and confirms (e.g. twins): it is enrolled and the audit says so.
    page.confirm_button.click()
    assert sorted(p.name for p in context.store.people.all()) == ["Barack Obama", "John Doe"]
    obama = next(p for p in context.store.people.all() if p.name == "Barack Obama")
    entry = context.audit.entries()[0]
    assert entry.detail["confirmed_duplicate_of"] == f"person #{obama.id}"
    assert "Barack" not in str(entry) and "John Doe" not in str(entry)  # numbers, never names


def test_duplicate_warning_offers_adding_to_that_person(
        qtbot: QtBot, admin_window: AdminWindow, context: AdminContext,
        examples: Path) -> None:
    assert admin_window.open_page("enrol")
    page = admin_window.pages["enrol"]
    assert isinstance(page, EnrolPage)
    _enrol_photos(page, "Barack Obama", [examples / "obama.jpg"])
    obama = page.save(confirmed=False)
    assert obama is not None and obama.templates == 1
    _enrol_photos(page, "B. Obama", [examples / "obama2.jpg"])
    assert page.save(confirmed=False) is None
    assert page.add_to_button.isVisible() and page.add_to_button.text() == "Add to Barack Obama"
    page.add_to_button.click()
    assert [p.name for p in context.store.people.all()] == ["Barack Obama"]
    assert len(context.store.templates.of(obama.id)) == 2
    assert "added to Barack Obama" in page.message.text()
    assert not page.add_to_button.isVisible() and not page.confirm_button.isVisible()


def test_person_editor_saves_changes(qtbot: QtBot, admin_window: AdminWindow,
                                     context: AdminContext, examples: Path) -> None:
    assert admin_window.open_page("enrol")
    page = admin_window.pages["enrol"]
    assert isinstance(page, EnrolPage)
    _enrol_photos(page, "Joe Biden", [examples / "biden.jpg"])
    person = page.save(confirmed=False)
    assert person is not None
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage)
    people.select(person.id)
    editor = people.edit_selected()
    assert editor is not None and editor.consent.isChecked()
    editor.name.setText("Joseph Biden")
    editor.employee_id.setText("V-7")
    editor.has_until.setChecked(True)
    editor.has_from.setChecked(True)
    editor.valid_until.setDateTime(editor.valid_from.dateTime().addDays(-1))
    assert not editor.save() and "ends before" in editor.message.text()
    editor.valid_until.setDateTime(editor.valid_from.dateTime().addDays(30))
    editor.schedule.setText("Someday 08:00-18:00")
    assert not editor.save() and "unknown day" in editor.message.text()
    editor.schedule.setText("Mon-Fri 08:00-18:00")
    assert editor.save()
    assert len(context.people("alice").schedule(person.id)) == 5
    saved = context.store.people.get(person.id)
    assert (saved.name, saved.employee_id) == ("Joseph Biden", "V-7")
    assert saved.valid_from is not None and saved.valid_until is not None
    assert (saved.valid_until - saved.valid_from).days == 30
    assert cell(people.table, 0, 1) == "Joseph Biden"


def test_person_editor_sets_access_groups(qtbot: QtBot, admin_window: AdminWindow,
                                          context: AdminContext, examples: Path) -> None:
    page = admin_window.pages["enrol"]
    assert isinstance(page, EnrolPage)
    _enrol_photos(page, "Joe Biden", [examples / "biden.jpg"])
    person = page.save(confirmed=False)
    assert person is not None
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage)
    people.select(person.id)
    editor = people.edit_selected()
    assert editor is not None and editor.groups.text() == ""
    editor.groups.setText("Staff, , Cleaning")
    assert not editor.save() and "needs a name" in editor.message.text()
    assert context.store.groups.of(person.id) == frozenset()
    editor.groups.setText("Staff, Cleaning")
    assert editor.save()
    assert context.store.groups.of(person.id) == {"Staff", "Cleaning"}
    people.select(person.id)
    again = people.edit_selected()
    assert again is not None and again.groups.text() == "Cleaning, Staff"


def test_editor_adds_and_removes_templates(qtbot: QtBot, admin_window: AdminWindow,
                                           context: AdminContext, examples: Path) -> None:
    page = admin_window.pages["enrol"]
    assert isinstance(page, EnrolPage)
    _enrol_photos(page, "Barack Obama", [examples / "obama.jpg"])
    obama = page.save(confirmed=False)
    _enrol_photos(page, "Joe Biden", [examples / "biden.jpg"])
    assert obama is not None and page.save(confirmed=False) is not None
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage)
    people.select(obama.id)
    editor = people.edit_selected()
    assert editor is not None
    added = editor.add_photos([examples / "obama2.jpg", examples / "two_people.jpg",
                               examples / "knn_examples" / "train" / "biden" / "biden2.jpg"])
    assert added == 1 and editor.templates.count() == 2
    text = editor.message.text()
    assert "two_people.jpg: several faces" in text and "biden2.jpg: looks like Joe Biden" in text
    editor.templates.setCurrentRow(0)
    editor.remove_template.click()
    assert editor.templates.count() == 1
    assert context.store.people.get(obama.id).templates == 1


def test_person_editor_sets_the_card_number(qtbot: QtBot, admin_window: AdminWindow,
                                            context: AdminContext, examples: Path) -> None:
    page = admin_window.pages["enrol"]
    assert isinstance(page, EnrolPage)
    _enrol_photos(page, "Joe Biden", [examples / "biden.jpg"])
    person = page.save(confirmed=False)
    assert person is not None
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage)
    people.select(person.id)
    editor = people.edit_selected()
    assert editor is not None and editor.card.text() == ""
    editor.card.setText("12a")
    assert not editor.save() and "whole number" in editor.message.text()
    editor.card.setText("70000")  # the default format, 26-bit H10301, carries 0-65535
    assert not editor.save() and "0 to 65535" in editor.message.text()
    editor.card.setText("4242")
    assert editor.save()
    assert context.store.people.get(person.id).credential == 4242
    people.select(person.id)
    again = people.edit_selected()
    assert again is not None and again.card.text() == "4242"
    again.card.setText("")
    assert again.save() and context.store.people.get(person.id).credential is None
