"""Setting and clearing kiosk PINs from the panel and the CLI, audited (never the PIN)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from turnstile.access.pin import PinError, keypad_number, validate_pin
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.passwords import DEFAULT_COST, ScryptCost, check_password, dummy_hash
from turnstile.admin.passwords import hash_password as _stretch
from turnstile.configlinks import PinConfig
from turnstile.store.erasure import audit_target
from turnstile.store.interfaces import PinStore, Store
from turnstile.store.records import StoreError


class ScryptPins:
    """The kiosk's PinHasher: salted scrypt as for admin passwords (admin/passwords.py).

    A PIN has few digits, so a stolen database still yields it to patience: the stretch makes
    each guess cost as much as a password's, and the file is readable by its owner only.
    """

    def __init__(self, cost: ScryptCost = DEFAULT_COST) -> None:
        self.cost = cost

    def hash(self, pin: str) -> str:
        return _stretch(pin, self.cost)

    def check(self, pin: str, stored: str) -> bool:
        return check_password(pin, stored)

    def dummy(self) -> str:
        return dummy_hash(self.cost)


class PinAdmin:
    """Every PIN change, each one audited under `actor` (the audit names people by number)."""

    def __init__(self, store: Store, pins: PinStore, config: PinConfig, audit: AuditLog,
                 actor: str, clock: Callable[[], datetime],
                 hasher: ScryptPins | None = None) -> None:
        self._store = store
        self._pins = pins
        self._config = config
        self._audit = audit
        self.actor = actor
        self._clock = clock
        self._hasher = hasher or ScryptPins()

    def has_pin(self, person_id: int) -> bool:
        return self._pins.state(person_id) is not None

    def locked_until(self, person_id: int) -> datetime | None:
        """When the person's PIN lockout ends, if it has not yet."""
        state = self._pins.state(person_id)
        if state is None or state.locked_until is None or state.locked_until <= self._clock():
            return None
        return state.locked_until

    def set_pin(self, person_id: int, pin: str) -> None:
        """Set or replace the person's PIN (wrong tries and lockout start over)."""
        person = self._store.people.get(person_id)
        number = keypad_number(person.employee_id)
        if number is None:
            raise PinError(f"{person.name} needs an employee id of digits only before a PIN "
                           "can be set: at the kiosk the keypad asks for it before the PIN")
        validate_pin(pin, self._config.min_length, number)
        hashed = self._hasher.hash(pin)
        had = self.has_pin(person_id)
        with self._store.transaction():
            self._pins.set(person_id, hashed, self._clock())
            self._audit.record(self.actor, AuditAction.PIN_SET, audit_target(person_id),
                               {"replaced": had})

    def clear_pin(self, person_id: int) -> bool:
        """Remove the person's PIN; False (and nothing audited) when they had none."""
        self._store.people.get(person_id)
        with self._store.transaction():
            cleared = self._pins.clear(person_id)
            if cleared:
                self._audit.record(self.actor, AuditAction.PIN_CLEARED, audit_target(person_id))
        return cleared

    def unlock(self, person_id: int) -> None:
        """Lift a PIN lockout before it runs out."""
        self._store.people.get(person_id)
        with self._store.transaction():
            self._pins.unlock(person_id)
            self._audit.record(self.actor, AuditAction.PIN_UNLOCKED, audit_target(person_id))

    def pin_groups(self) -> frozenset[str]:
        return self._pins.pin_groups()

    def set_pin_groups(self, names: Sequence[str]) -> frozenset[str]:
        """Exactly these groups need face and PIN (the others no longer); each existing
        group whose flag changes is audited. StoreError, and nothing changed, for a name
        that is no group."""
        known = {n.casefold(): n for n in self._store.groups.names()}
        unknown = [n for n in names if n.strip().casefold() not in known]
        if unknown:
            raise StoreError(f"no access group named {unknown[0].strip()!r} (groups are made "
                             "by giving someone one)")
        wanted = {known[n.strip().casefold()] for n in names}
        before = self._pins.pin_groups()
        with self._store.transaction():
            for name in sorted(set(known.values()), key=str.casefold):
                if (name in wanted) != (name in before):
                    self.set_group(name, name in wanted)
        return self._pins.pin_groups()

    def set_group(self, name: str, face_and_pin: bool) -> None:
        """Ask a group's members for face and PIN on every door (or stop asking)."""
        with self._store.transaction():
            self._pins.set_group(name, face_and_pin)
            self._audit.record(self.actor, AuditAction.GROUP_CHANGED, f"group {name.strip()}",
                               {"face_and_pin": face_and_pin})
