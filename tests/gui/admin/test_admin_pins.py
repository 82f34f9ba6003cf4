"""The person editor's kiosk PIN: set, refused with a reason, unlocked, removed, audited."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.gui.admin.people import PeoplePage
from turnstile.gui.admin.window import AdminWindow


def test_the_editor_sets_unlocks_and_removes_a_pin(qtbot: QtBot, admin_window: AdminWindow,
                                                   context: AdminContext) -> None:
    person = context.store.people.add("Dana Whitfield", "1001")
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage)
    people.refresh()
    people.select(person.id)
    editor = people.edit_selected()
    assert editor is not None and editor.pin is not None
    box = editor.pin
    assert box.status.text() == "no PIN" and not box.clear_button.isEnabled()
    box.pin.setText("482915")
    box.again.setText("482916")
    assert not box.set_pin() and "differ" in box.message.text()
    box.pin.setText("123456")
    box.again.setText("123456")
    assert not box.set_pin() and "guess" in box.message.text()
    assert box.pin.text() == "" and box.again.text() == ""  # nothing typed stays
    box.pin.setText("482915")
    box.again.setText("482915")
    assert box.set_pin() and box.status.text() == "PIN set"
    context.store.pins.failed(person.id, 3, context.clock() + timedelta(minutes=10))
    box.refresh()
    assert "locked until" in box.status.text() and box.unlock_button.isEnabled()
    box.unlock_button.click()
    assert box.status.text() == "PIN set" and not box.unlock_button.isEnabled()
    box.clear_button.click()
    assert box.status.text() == "no PIN" and context.store.pins.state(person.id) is None
    actions = [e.action for e in context.audit.entries()
               if e.action.value.startswith("pin_")][::-1]
    assert actions == [AuditAction.PIN_SET, AuditAction.PIN_UNLOCKED, AuditAction.PIN_CLEARED]
    assert all(e.actor == "alice" for e in context.audit.entries()
               if e.action is AuditAction.PIN_SET)


def test_the_people_page_sets_face_and_pin_groups(qtbot: QtBot, admin_window: AdminWindow,
                                                  context: AdminContext) -> None:
    person = context.store.people.add("Dana Whitfield", "1001")
    context.store.groups.set(person.id, ["Lab", "Staff"])
    people = admin_window.pages["people"]
    assert isinstance(people, PeoplePage) and people.pin_groups is not None
    box = people.pin_groups
    box.refresh()
    assert box.names.text() == ""
    box.names.setText("lab, Kitchen")
    assert not box.save() and "Kitchen" in box.message.text()
    assert context.store.pins.pin_groups() == frozenset()
    box.names.setText("lab")
    assert box.save() and box.names.text() == "Lab"
    assert context.store.pins.pin_groups() == {"Lab"}
