"""People operations: edit, (de)activate, validity, GDPR erasure and export."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.enrolment import Enroller
from turnstile.admin.people import PeopleAdmin, PersonEdit
from turnstile.store import database as storage
from turnstile.store.records import EditConflictError, StoreError
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Person
from turnstile.vision.engine import Engine


def _enrol(people: PeopleAdmin, enroller: Enroller, examples: Path, name: str = "Obama",
           photos: tuple[str, ...] = ("obama.jpg", "obama2.jpg")) -> Person:
    templates = [enroller.assess_file(examples / p).template() for p in photos]
    return people.enrol(name, "E7", templates, consent=True)


def test_enrol_edit_and_search(people: PeopleAdmin, enroller: Enroller, examples: Path,
                               audit: AuditLog) -> None:
    person = _enrol(people, enroller, examples)
    assert person.templates == 2
    row = people.rows("e7")[0]
    assert row.person.id == person.id and row.consent_at == datetime(2026, 3, 2, 9, 0)
    edited = people.edit(person.id, "Barack Obama", "E8")
    assert (edited.name, edited.employee_id) == ("Barack Obama", "E8")
    assert people.rows("barack")[0].person.name == "Barack Obama" and people.rows("nobody") == []
    with pytest.raises(StoreError, match="needs a name"):
        people.edit(person.id, "  ", None)
    assert people.store.people.get(person.id).name == "Barack Obama"  # unchanged by the error
    with pytest.raises(StoreError, match="already enrolled"):
        people.enrol("Someone", "E8", [enroller.assess_file(examples / "biden.jpg").template()],
                     consent=False)
    actions = [e.action for e in audit.entries()]
    assert actions == [AuditAction.EDIT, AuditAction.ENROL]


def test_active_and_validity(people: PeopleAdmin, enroller: Enroller, examples: Path) -> None:
    person = _enrol(people, enroller, examples)
    assert not people.set_active(person.id, False).active
    start, end = datetime(2026, 3, 1), datetime(2026, 3, 31)
    updated = people.set_validity(person.id, start, end)
    assert (updated.valid_from, updated.valid_until) == (start, end)
    with pytest.raises(StoreError, match="must end after it starts"):
        people.set_validity(person.id, end, start)


def test_changes_reach_another_connection_within_a_second(
        people: PeopleAdmin, enroller: Enroller, examples: Path, engine: Engine,
        db_path: Path) -> None:
    """The kiosk's worker holds its own connection; it must see enrolments and edits."""
    worker = SQLiteStore.open(db_path)
    kiosk_gallery = engine.gallery(worker)
    probe = enroller.assess_file(examples / "obama-720p.jpg").face
    assert probe is not None
    assert kiosk_gallery.match(probe.embedding).person_id is None
    person = _enrol(people, enroller, examples)
    assert kiosk_gallery.match(probe.embedding).person_id == person.id  # no reload call
    people.edit(person.id, "Renamed", None)
    assert kiosk_gallery.match(probe.embedding).name == "Renamed"
    people.delete(person.id)
    assert kiosk_gallery.match(probe.embedding).person_id is None
    worker.close()


def test_delete_erases_templates_and_anonymises_events(
        people: PeopleAdmin, enroller: Enroller, examples: Path,
        file_conn: sqlite3.Connection, audit: AuditLog) -> None:
    person = _enrol(people, enroller, examples)
    # A minimal event table as the kiosk keeps one, to check the anonymised trace.
    file_conn.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, at TEXT,"
                      " person_id INTEGER, name TEXT, outcome TEXT, thumbnail BLOB)")
    file_conn.execute("INSERT INTO events (at, person_id, name, outcome, thumbnail)"
                      " VALUES ('2026-03-02T08:00:00', ?, 'Obama', 'granted', x'00')",
                      (person.id,))
    assert people.rows()[0].last_seen == datetime(2026, 3, 2, 8, 0)
    people.delete(person.id)
    assert file_conn.execute("SELECT COUNT(*) FROM templates").fetchone()[0] == 0
    assert file_conn.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 0
    event = file_conn.execute("SELECT person_id, name, outcome, thumbnail FROM events").fetchone()
    assert event == (None, None, "granted", None)
    dump = "\n".join(file_conn.iterdump())
    assert "Obama" not in dump and "E7" not in dump
    assert audit.entries()[0].action is AuditAction.DELETE
    with pytest.raises(StoreError):
        people.delete(person.id)


def test_export_one_person(people: PeopleAdmin, enroller: Enroller, examples: Path,
                           tmp_path: Path) -> None:
    person = _enrol(people, enroller, examples)
    target = people.export(person.id, tmp_path / "export")
    data = json.loads(target.read_text())
    assert data["name"] == "Obama" and data["consent_at"] == "2026-03-02T09:00:00"
    assert len(data["templates"]) == 2
    for template in data["templates"]:
        assert (tmp_path / "export" / template["thumbnail"]).read_bytes()[:2] == b"\xff\xd8"
    assert "embedding" not in target.read_text()


def test_namesakes_are_two_people(people: PeopleAdmin, enroller: Enroller,
                                  examples: Path) -> None:
    first = people.enrol("Alex", "A1", [enroller.assess_file(examples / "biden.jpg").template()],
                         consent=True)
    second = people.enrol("Alex", "A2",
                          [enroller.assess_file(examples / "alex-lacamoire.png").template()],
                          consent=True)
    assert first.id != second.id and (first.templates, second.templates) == (1, 1)
    with pytest.raises(StoreError, match="nothing to enrol"):
        people.enrol("Empty", None, [], consent=True)
    assert len(people.store.people.all()) == 2


def test_groups_are_audited_exported_and_erased(
        people: PeopleAdmin, enroller: Enroller, examples: Path, tmp_path: Path,
        file_conn: sqlite3.Connection, audit: AuditLog) -> None:
    person = _enrol(people, enroller, examples)
    assert people.set_groups(person.id, ["Staff", "night shift"]) == ("night shift", "Staff")
    assert audit.entries()[0].action is AuditAction.EDIT
    assert audit.entries()[0].detail["groups"] == "night shift, Staff"
    data = json.loads(people.export(person.id, tmp_path / "export").read_text())
    assert data["groups"] == ["night shift", "Staff"]
    people.delete(person.id)
    assert file_conn.execute("SELECT COUNT(*) FROM person_groups").fetchone()[0] == 0


def _admin(db_path: Path, actor: str) -> PeopleAdmin:
    conn = storage.connect(db_path)
    return PeopleAdmin(SQLiteStore(conn), AuditLog(conn, datetime.now), actor, datetime.now)


def _edit(person: Person, **changes: Any) -> PersonEdit:
    shown = PersonEdit(person.name, person.employee_id, person.active, person.valid_from,
                       person.valid_until, (), (), False)
    return replace(shown, **changes)


def test_two_administrators_save_the_same_person(db_path: Path) -> None:
    """Two panels on one database: the first save wins, the second (over the version it
    showed) is refused whole, and succeeds once made on the fresh copy."""
    anna, otto = _admin(db_path, "anna"), _admin(db_path, "otto")
    shown = anna.store.people.add("Carl", "E7")
    assert otto.store.people.get(shown.id).version == shown.version
    saved = anna.save(shown.id, shown.version, _edit(shown, name="Carl Anna",
                                                     groups=("Staff",)))
    assert saved.version > shown.version and saved.name == "Carl Anna"
    with pytest.raises(EditConflictError, match="changed by someone else meanwhile"):
        otto.save(shown.id, shown.version, _edit(shown, name="Carl Otto", active=False,
                                                 groups=("Night",)))
    now = otto.store.people.get(shown.id)
    assert (now.name, now.active, otto.groups(shown.id)) == ("Carl Anna", True, ("Staff",))
    with pytest.raises(EditConflictError):
        otto.set_active(shown.id, False, version=shown.version)
    again = otto.save(shown.id, now.version, _edit(now, active=False, groups=("Staff",)))
    assert (again.name, again.active) == ("Carl Anna", False)
    actors = [e.actor for e in AuditLog(storage.connect(db_path), datetime.now).entries()
              if e.action is AuditAction.EDIT]
    assert sorted(actors) == ["anna", "anna", "otto"]


def test_card_numbers_fit_the_format_and_stay_out_of_the_audit_log(
        people: PeopleAdmin, enroller: Enroller, examples: Path, audit: AuditLog) -> None:
    person = _enrol(people, enroller, examples)
    with pytest.raises(StoreError, match=r"card number 65536 does not fit H10301 \(26-bit\)"):
        people.set_credential(person.id, 65536, "h10301")
    assert people.store.people.get(person.id).credential is None
    assert people.set_credential(person.id, 65536, "h10304").credential == 65536
    assert people.set_credential(person.id, None).credential is None
    details = [json.dumps(e.detail) for e in audit.entries()
               if e.action is AuditAction.EDIT]
    assert details == ['{"card_number": "cleared"}', '{"card_number": "set"}']
    assert not any("65536" in d for d in details)
