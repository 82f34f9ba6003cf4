"""PIN changes from the panel and the CLI: checked, hashed, audited without the PIN."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.admin.conftest import CHEAP_COST, FakeClock
from turnstile.access.pin import PinError
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.pins import PinAdmin, ScryptPins
from turnstile.configlinks import PinConfig
from turnstile.store.records import StoreError
from turnstile.store.sqlite import SQLiteStore

PIN = "482915"


@pytest.fixture
def setup() -> tuple[SQLiteStore, PinAdmin, AuditLog, FakeClock]:
    store = SQLiteStore.open(":memory:")
    clock = FakeClock()
    audit = AuditLog(store.connection, clock)
    admin = PinAdmin(store, store.pins, PinConfig(), audit, "admin", clock,
                     ScryptPins(CHEAP_COST))
    return store, admin, audit, clock


def test_set_change_unlock_and_clear_are_audited_without_the_pin(
        setup: tuple[SQLiteStore, PinAdmin, AuditLog, FakeClock]) -> None:
    store, admin, audit, clock = setup
    pid = store.people.add("Dana", "1001").id
    admin.set_pin(pid, PIN)
    admin.set_pin(pid, "739164")
    store.pins.failed(pid, 3, clock.now + timedelta(minutes=5))
    assert admin.locked_until(pid) == clock.now + timedelta(minutes=5)
    admin.unlock(pid)
    assert admin.locked_until(pid) is None
    assert admin.clear_pin(pid) and not admin.clear_pin(pid)
    entries = audit.entries()[::-1]
    assert [e.action for e in entries] == [AuditAction.PIN_SET, AuditAction.PIN_SET,
                                           AuditAction.PIN_UNLOCKED, AuditAction.PIN_CLEARED]
    assert [e.detail.get("replaced") for e in entries[:2]] == [False, True]
    assert all(e.target == f"person #{pid}" for e in entries)
    stored = store.connection.execute("SELECT detail, target FROM audit_log").fetchall()
    text = json.dumps(stored)
    assert PIN not in text and "739164" not in text and "scrypt" not in text


def test_the_hash_is_salted_scrypt_never_the_pin(
        setup: tuple[SQLiteStore, PinAdmin, AuditLog, FakeClock]) -> None:
    store, admin, _, _ = setup
    first = store.people.add("Dana", "1001").id
    second = store.people.add("Eli", "1002").id
    admin.set_pin(first, PIN)
    admin.set_pin(second, PIN)
    hashes = [s.hash for s in (store.pins.state(first), store.pins.state(second)) if s]
    assert all(h.startswith("scrypt$") and PIN not in h for h in hashes)
    assert hashes[0] != hashes[1]  # salted


@pytest.mark.parametrize(("employee_id", "pin", "words"), [
    (None, PIN, "employee id of digits only"), ("E-7", PIN, "employee id of digits only"),
    ("1001", "4829", "6 to 12 digits"), ("1001", "123456", "guess"),
])
def test_pins_that_cannot_work_are_refused(
        setup: tuple[SQLiteStore, PinAdmin, AuditLog, FakeClock], employee_id: str | None,
        pin: str, words: str) -> None:
    store, admin, audit, _ = setup
    pid = store.people.add("Dana", employee_id).id
    with pytest.raises(PinError, match=words):
        admin.set_pin(pid, pin)
    assert store.pins.state(pid) is None and audit.entries() == []


def test_group_flag_is_audited(setup: tuple[SQLiteStore, PinAdmin, AuditLog, FakeClock]
                               ) -> None:
    store, admin, audit, _ = setup
    pid = store.people.add("Dana", "1001").id
    store.groups.set(pid, ["Lab"])
    admin.set_group("lab", True)
    assert admin.pin_groups() == {"Lab"}
    entry = audit.entries()[0]
    assert entry.action is AuditAction.GROUP_CHANGED and entry.detail == {"face_and_pin": True}


def test_pin_groups_are_set_as_a_whole_and_unknown_names_change_nothing(
        setup: tuple[SQLiteStore, PinAdmin, AuditLog, FakeClock]) -> None:
    store, admin, audit, _ = setup
    pid = store.people.add("Dana", "1001").id
    store.groups.set(pid, ["Lab", "Staff", "Vault"])
    assert admin.set_pin_groups(["lab", "VAULT"]) == {"Lab", "Vault"}
    assert admin.set_pin_groups(["Staff", "Lab"]) == {"Lab", "Staff"}
    changes = [(e.target, e.detail["face_and_pin"]) for e in audit.entries()[::-1]]
    assert changes == [("group Lab", True), ("group Vault", True), ("group Staff", True),
                       ("group Vault", False)]
    with pytest.raises(StoreError, match="no access group named 'Kitchen'"):
        admin.set_pin_groups(["Lab", "Kitchen"])
    assert admin.pin_groups() == {"Lab", "Staff"}
