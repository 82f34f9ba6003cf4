"""PINs typed at the kiosk: which PINs may be set, checking one with lockout, face and PIN.

A PIN alone never says who someone is: the person types their employee number, then their
PIN (a six-digit PIN over a roster of hundreds would let a guess open the door for someone).
Wrong tries in a row are counted per person in the store, so a restart does not reset them;
after `pin.max_tries` the person's PIN entry is locked for `pin.lockout_s`. Guessing across
many employee numbers gets past that per-person count, so wrong PINs at the kiosk, whatever
the number, are also counted (`KioskThrottle`): past `pin.kiosk_max_wrong` within
`pin.kiosk_window_s`, the PIN-alone path pauses until the window has room again. Hashing goes
through the `PinHasher` seam (admin/pins.py: salted scrypt), so this module holds no KDF.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Protocol

from turnstile.access.policy import Need
from turnstile.access.schedule import AccessRule
from turnstile.configlinks import PinConfig
from turnstile.errors import TurnstileError
from turnstile.store.interfaces import PinStore
from turnstile.types import DenyReason

#: The longest PIN the keypad takes (the config's min_length goes up to this).
MAX_PIN_LENGTH = 12
#: Employee numbers typed on the keypad: digits only, at most this long.
MAX_NUMBER_LENGTH = 16


class PinError(TurnstileError, ValueError):
    """A PIN that may not be set (too short, not digits, too easy to guess)."""


class PinHasher(Protocol):
    """Stretches PINs: a new hash, a check against a stored one, and a dummy hash whose
    check costs as much (so an unknown employee number answers as slowly as a known one)."""

    def hash(self, pin: str) -> str: ...

    def check(self, pin: str, stored: str) -> bool: ...

    def dummy(self) -> str: ...


def _guessable(pin: str) -> bool:
    """One digit repeated, or a run up or down (123456, 987654): the first guesses tried."""
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    return len(steps) == 1 and steps <= {0, 1, 9}


def validate_pin(pin: str, min_length: int, employee_id: str | None = None) -> str:
    """The PIN when it may be set; PinError saying why not otherwise."""
    if not pin.isascii() or not pin.isdigit():
        raise PinError("a PIN is digits only (the kiosk's keypad has nothing else)")
    if not min_length <= len(pin) <= MAX_PIN_LENGTH:
        raise PinError(f"a PIN has {min_length} to {MAX_PIN_LENGTH} digits (pin.min_length "
                       f"is {min_length}); this one has {len(pin)}")
    if _guessable(pin):
        raise PinError("that PIN is among the first anyone would guess (one digit repeated or "
                       "a run like 123456); choose another")
    if employee_id is not None and pin in employee_id:
        raise PinError("a PIN must not be part of the employee number typed before it")
    return pin


def keypad_number(employee_id: str | None) -> str | None:
    """The employee number as typed on the keypad, or None when it cannot be typed there."""
    number = (employee_id or "").strip()
    if number.isascii() and number.isdigit() and len(number) <= MAX_NUMBER_LENGTH:
        return number
    return None


@dataclass(frozen=True)
class PinCheck:
    """One PIN tried: whose it was (None: no such number), and why it failed (None: right)."""

    person_id: int | None
    reason: DenyReason | None
    detail: str

    @property
    def ok(self) -> bool:
        return self.reason is None and self.person_id is not None


class KioskThrottle:
    """Wrong PINs at this kiosk, any number, in a sliding window (in memory: guessing is done
    in one sitting, and the per-person counts in the store outlive a restart anyway)."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window = timedelta(seconds=window_s)
        self._wrong: deque[datetime] = deque()

    def paused_until(self, at: datetime) -> datetime | None:
        """When PIN entry may go on, if it is paused at `at` (None: it is not)."""
        while self._wrong and self._wrong[0] <= at - self.window:
            self._wrong.popleft()
        if not self.limit or len(self._wrong) < self.limit:
            return None
        return self._wrong[len(self._wrong) - self.limit] + self.window

    def wrong(self, at: datetime) -> None:
        self._wrong.append(at)


class PinChecker:
    """Checks PINs against the store, counting wrong tries and locking out."""

    def __init__(self, config: PinConfig, pins: PinStore, hasher: PinHasher) -> None:
        self._config = config
        self._pins = pins
        self._hasher = hasher
        self.throttle = KioskThrottle(config.kiosk_max_wrong, config.kiosk_window_s)

    def by_number(self, employee_id: str, pin: str, at: datetime) -> PinCheck:
        """The PIN-alone path: the employee number says who, the PIN proves it."""
        paused = self.throttle.paused_until(at)
        if paused is not None:
            return PinCheck(None, DenyReason.PIN_LOCKED,
                            f"too many wrong PINs at this kiosk; PIN entry paused until "
                            f"{paused:%Y-%m-%d %H:%M:%S}")
        person_id = self._pins.holder(employee_id)
        if person_id is None:
            self._hasher.check(pin, self._hasher.dummy())  # same time as a real check
            check = PinCheck(None, DenyReason.WRONG_PIN,
                             f"no PIN is set for employee number {employee_id}")
        else:
            check = self.for_person(person_id, pin, at)
        if check.reason in (DenyReason.WRONG_PIN, DenyReason.PIN_LOCKED, DenyReason.NO_PIN):
            self.throttle.wrong(at)
        return check

    def locked(self, person_id: int, at: datetime) -> PinCheck | None:
        """The refusal for a person whose PIN entry is locked at `at`, else None."""
        state = self._pins.state(person_id)
        if state is not None and state.locked_until is not None and at < state.locked_until:
            return PinCheck(person_id, DenyReason.PIN_LOCKED,
                            f"PIN entry locked until {state.locked_until:%Y-%m-%d %H:%M:%S}")
        return None

    def for_person(self, person_id: int, pin: str, at: datetime) -> PinCheck:
        """Check `person_id`'s PIN; a wrong one counts toward the lockout."""
        state = self._pins.state(person_id)
        if state is None:
            self._hasher.check(pin, self._hasher.dummy())
            return PinCheck(person_id, DenyReason.NO_PIN, "no PIN is set for this person")
        refusal = self.locked(person_id, at)
        if refusal is not None:
            return refusal  # not even checked: a locked PIN cannot be guessed at
        if self._hasher.check(pin, state.hash):
            if state.failures or state.locked_until is not None:
                self._pins.unlock(person_id)
            return PinCheck(person_id, None, "PIN right")
        # A lockout that has run out starts the count over.
        failures = 1 if state.locked_until is not None else state.failures + 1
        if failures >= self._config.max_tries:
            until = at + timedelta(seconds=self._config.lockout_s)
            self._pins.failed(person_id, failures, until)
            return PinCheck(person_id, DenyReason.PIN_LOCKED,
                            f"{failures} wrong PIN(s) in a row; PIN entry locked until "
                            f"{until:%Y-%m-%d %H:%M:%S}")
        self._pins.failed(person_id, failures, None)
        return PinCheck(person_id, DenyReason.WRONG_PIN,
                        f"wrong PIN ({failures} of {self._config.max_tries} tries)")


class FaceAndPin:
    """The policy's second factor: a PIN at a face-and-PIN door, or for members of a
    face-and-PIN group. Without a PIN store, whoever needs a PIN is refused (fails shut)."""

    def __init__(self, config: PinConfig, pins: PinStore | None) -> None:
        self._config = config
        self._pins = pins

    def required(self, rule: AccessRule) -> bool:
        """Whether this person needs face and PIN here (so a PIN alone must not let them in)."""
        if self._config.face_and_pin:
            return True
        return self._pins is not None and _member(rule.groups, self._pins.pin_groups())

    def need(self, rule: AccessRule) -> Need:
        if not self.required(rule):
            return Need.NONE
        if self._pins is None or self._pins.state(rule.person.id) is None:
            return Need.MISSING
        return Need.PIN


def _member(groups: Collection[str], flagged: Collection[str]) -> bool:
    """Whether any of `groups` is among `flagged` (group names compare in any case)."""
    wanted = {g.casefold() for g in flagged}
    return any(g.casefold() in wanted for g in groups)
