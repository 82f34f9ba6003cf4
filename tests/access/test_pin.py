"""PIN rules and checks: what may be set, wrong tries, lockout kept in the store, face and PIN."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turnstile.access.pin import FaceAndPin, PinChecker, PinError, keypad_number, validate_pin
from turnstile.access.policy import Need
from turnstile.access.schedule import AccessRule
from turnstile.admin.passwords import ScryptCost
from turnstile.admin.pins import ScryptPins
from turnstile.configlinks import PinConfig
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import DenyReason

T0 = datetime(2026, 3, 2, 9, 0, 0)
#: Tests stretch cheaply; the kiosk reads each hash's own cost, so checks work the same.
CHEAP = ScryptPins(ScryptCost(2**4))
CONFIG = PinConfig(enabled=True, max_tries=3, lockout_s=600.0)


class CountingHasher:
    """The scrypt hasher, counting checks (a locked PIN must not be checked at all)."""

    def __init__(self) -> None:
        self.checks = 0

    def hash(self, pin: str) -> str:
        return CHEAP.hash(pin)

    def check(self, pin: str, stored: str) -> bool:
        self.checks += 1
        return CHEAP.check(pin, stored)

    def dummy(self) -> str:
        return CHEAP.dummy()


def _store(path: Path | str = ":memory:") -> tuple[SQLiteStore, int]:
    store = SQLiteStore.open(path)
    person = store.people.add("Dana Whitfield", "1001")
    store.pins.set(person.id, CHEAP.hash("482915"), T0)
    return store, person.id


@pytest.mark.parametrize(("pin", "words"), [
    ("48a915", "digits only"), ("\uff14\uff18\uff12\uff19\uff11\uff15", "digits only"),
    ("4829", "6 to 12 digits"),
    ("4829154829154", "6 to 12 digits"), ("111111", "guess"), ("123456", "guess"),
    ("987654", "guess"), ("901234", "guess"), ("100100", "employee number"),
])
def test_pins_that_may_not_be_set_say_why(pin: str, words: str) -> None:
    with pytest.raises(PinError, match=words):
        validate_pin(pin, 6, "1001001")


def test_a_reasonable_pin_is_accepted() -> None:
    assert validate_pin("482915", 6, "1001") == "482915"
    assert validate_pin("4829", 4) == "4829"


def test_only_digit_employee_ids_can_be_typed() -> None:
    assert keypad_number(" 1001 ") == "1001"
    assert keypad_number("E-1001") is None
    assert keypad_number(None) is None
    assert keypad_number("1" * 17) is None


def test_the_right_pin_names_the_person() -> None:
    store, pid = _store()
    check = PinChecker(CONFIG, store.pins, CHEAP).by_number("1001", "482915", T0)
    assert check.ok and check.person_id == pid


def test_an_unknown_number_costs_a_check_and_names_nobody() -> None:
    store, _ = _store()
    hasher = CountingHasher()
    check = PinChecker(CONFIG, store.pins, hasher).by_number("1002", "482915", T0)
    assert not check.ok and check.person_id is None
    assert check.reason is DenyReason.WRONG_PIN and hasher.checks == 1


def test_wrong_pins_lock_out_after_max_tries_and_a_right_one_then_fails() -> None:
    store, pid = _store()
    hasher = CountingHasher()
    checker = PinChecker(CONFIG, store.pins, hasher)
    reasons = [checker.by_number("1001", "000001", T0 + timedelta(seconds=i)).reason
               for i in range(3)]
    assert reasons == [DenyReason.WRONG_PIN, DenyReason.WRONG_PIN, DenyReason.PIN_LOCKED]
    checks = hasher.checks
    locked = checker.by_number("1001", "482915", T0 + timedelta(seconds=10))
    assert locked.reason is DenyReason.PIN_LOCKED and "locked until" in locked.detail
    assert hasher.checks == checks  # not even checked while locked
    state = store.pins.state(pid)
    assert state is not None and state.locked_until == T0 + timedelta(seconds=602)


def test_the_lockout_survives_reopening_the_database(tmp_path: Path) -> None:
    store, _ = _store(tmp_path / "turnstile.db")
    checker = PinChecker(CONFIG, store.pins, CHEAP)
    for i in range(3):
        checker.by_number("1001", "000001", T0 + timedelta(seconds=i))
    store.close()
    reopened = SQLiteStore.open(tmp_path / "turnstile.db")
    again = PinChecker(CONFIG, reopened.pins, CHEAP).by_number("1001", "482915",
                                                               T0 + timedelta(seconds=60))
    assert again.reason is DenyReason.PIN_LOCKED


def test_after_the_lockout_the_count_starts_over() -> None:
    store, pid = _store()
    checker = PinChecker(CONFIG, store.pins, CHEAP)
    for i in range(3):
        checker.by_number("1001", "000001", T0 + timedelta(seconds=i))
    later = T0 + timedelta(seconds=700)
    first = checker.by_number("1001", "000001", later)
    assert first.reason is DenyReason.WRONG_PIN and "1 of 3" in first.detail
    assert checker.by_number("1001", "482915", later).ok
    state = store.pins.state(pid)
    assert state is not None and state.failures == 0 and state.locked_until is None


def test_a_right_pin_resets_the_wrong_tries() -> None:
    store, _ = _store()
    checker = PinChecker(CONFIG, store.pins, CHEAP)
    checker.by_number("1001", "000001", T0)
    checker.by_number("1001", "000001", T0)
    assert checker.by_number("1001", "482915", T0).ok
    assert checker.by_number("1001", "000001", T0).reason is DenyReason.WRONG_PIN


def test_guessing_across_numbers_pauses_pin_entry_at_the_kiosk() -> None:
    store, _ = _store()
    hasher = CountingHasher()
    config = PinConfig(enabled=True, max_tries=3, kiosk_max_wrong=3, kiosk_window_s=60.0)
    checker = PinChecker(config, store.pins, hasher)
    # One wrong try each at three numbers: no person reaches their own lockout.
    for i, number in enumerate(("2001", "2002", "1001")):
        assert checker.by_number(number, "000001", T0 + timedelta(seconds=i)).reason \
            is DenyReason.WRONG_PIN
    checks = hasher.checks
    paused = checker.by_number("1001", "482915", T0 + timedelta(seconds=10))
    assert paused.reason is DenyReason.PIN_LOCKED and "at this kiosk" in paused.detail
    assert "09:01:00" in paused.detail  # the first wrong try leaves the window at 60 s
    assert hasher.checks == checks  # nothing is checked while paused
    assert checker.by_number("1001", "482915", T0 + timedelta(seconds=61)).ok


def test_a_kiosk_limit_of_zero_counts_nothing() -> None:
    store, _ = _store()
    config = PinConfig(enabled=True, max_tries=10, kiosk_max_wrong=0)
    checker = PinChecker(config, store.pins, CHEAP)
    for i in range(12):
        checker.by_number(f"30{i:02d}", "000001", T0 + timedelta(seconds=i))
    assert checker.by_number("1001", "482915", T0 + timedelta(seconds=20)).ok


def test_face_and_pin_per_door_and_per_group() -> None:
    store, pid = _store()
    dana = AccessRule(store.people.get(pid), groups=frozenset({"Lab"}))
    plain = PinConfig()
    assert FaceAndPin(plain, store.pins).need(dana) is Need.NONE
    assert FaceAndPin(PinConfig(face_and_pin=True), store.pins).need(dana) is Need.PIN
    store.groups.set(pid, ["lab"])
    store.pins.set_group("LAB", True)
    assert FaceAndPin(plain, store.pins).need(dana) is Need.PIN
    store.pins.clear(pid)
    assert FaceAndPin(plain, store.pins).need(dana) is Need.MISSING
    # No PIN store at all: whoever needs a PIN is refused, never let in on the face.
    assert FaceAndPin(PinConfig(face_and_pin=True), None).need(dana) is Need.MISSING
