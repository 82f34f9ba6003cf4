"""The PIN desk: entries from the keypad (any thread) turned into decisions on the loop's thread.

Two ways in. PIN alone (pin.enabled): employee number, then PIN, for someone the camera does
not recognise or cannot confirm. Face and PIN: the policy answers Outcome.PIN_REQUIRED for a
live, admitted face; the desk remembers that question, and only the PIN of that person, typed
within pin.entry_timeout_s, turns it into a grant. One PIN per question: a wrong one refuses,
and the person looks at the camera again. Access rules are checked again at the PIN's time.
"""

from __future__ import annotations

import queue
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from turnstile.access.pin import FaceAndPin, PinCheck, PinChecker, PinHasher, keypad_number
from turnstile.access.policy import Directory, deny_reason
from turnstile.configlinks import PinConfig
from turnstile.store.interfaces import PinStore
from turnstile.types import Credential, Decision, DenyReason, Match, Outcome


@dataclass(frozen=True)
class PinEntry:
    """What the keypad sends: the PIN with the employee number typed before it (PIN alone)
    or the PIN_REQUIRED decision it answers (face and PIN). The PIN never shows in a repr."""

    pin: str = field(repr=False)
    employee_id: str = ""
    answers: Decision | None = None


class PinInbox:
    """Entries waiting for the loop; submit() from any thread, take() on the loop's."""

    def __init__(self) -> None:
        self._entries: queue.SimpleQueue[PinEntry] = queue.SimpleQueue()

    def submit(self, entry: PinEntry) -> None:
        self._entries.put(entry)

    def take(self) -> PinEntry | None:
        try:
            return self._entries.get_nowait()
        except queue.Empty:
            return None


@dataclass(frozen=True)
class PinSetup:
    """What the kiosk hands the pipeline for PINs: the store, the hasher, the keypad's inbox."""

    store: PinStore
    hasher: PinHasher
    inbox: PinInbox


class PinDesk:
    """Decides PIN entries; one per kiosk, used only on the recognition loop's thread."""

    def __init__(self, config: PinConfig, setup: PinSetup, directory: Directory,
                 allowed_groups: Sequence[str] = ()) -> None:
        self._config = config
        self._pins = setup.store
        self._inbox = setup.inbox
        self._directory = directory
        self._allowed = tuple(allowed_groups)
        self.checker = PinChecker(config, setup.store, setup.hasher)
        #: The policy's second factor (it asks for the PIN this desk then checks).
        self.requirement = FaceAndPin(config, setup.store)
        self._asked: Decision | None = None

    def take(self) -> PinEntry | None:
        return self._inbox.take()

    def noted(self, decision: Decision) -> None:
        """Follow the loop's final decisions: a PIN_REQUIRED is the question the next face
        PIN answers; any other final decision (someone else) withdraws it."""
        self._asked = decision if decision.outcome is Outcome.PIN_REQUIRED else None

    def decide(self, entry: PinEntry, at: datetime) -> Decision:
        if entry.answers is not None:
            return self._confirm(entry, entry.answers, at)
        return self._alone(entry, at)

    def _confirm(self, entry: PinEntry, face: Decision, at: datetime) -> Decision:
        asked, self._asked = self._asked, None  # one PIN per question, right or wrong
        match = face.match
        late = at - face.at > timedelta(seconds=self._config.entry_timeout_s)
        if asked is None or asked != face or match is None or match.person_id is None or late:
            return _refusal(at, match, DenyReason.PIN_EXPIRED, Credential.FACE_AND_PIN,
                            "PIN for a face no longer asked about (timed out or superseded)")
        check = self.checker.for_person(match.person_id, entry.pin, at)
        decision = self._granted(check, at, match, Credential.FACE_AND_PIN)
        return Decision(decision.outcome, at, match, face.face, decision.reason,
                        decision.detail, face.scores, credential=Credential.FACE_AND_PIN)

    def _alone(self, entry: PinEntry, at: datetime) -> Decision:
        credential = Credential.PIN
        if not self._config.enabled:
            return _refusal(at, None, DenyReason.PIN_ALONE, credential,
                            "PIN entry is off at this kiosk (pin.enabled)")
        number = keypad_number(entry.employee_id)
        if number is None:
            return _refusal(at, None, DenyReason.WRONG_PIN, credential,
                            "PIN entry without a usable employee number")
        person_id = self._pins.holder(number)
        if person_id is not None:
            locked = self.checker.locked(person_id, at)
            rule = self._directory.rule(person_id)
            name = rule.person.name if rule is not None else None
            if locked is not None:
                return _refusal(at, Match(person_id, name, 0.0, -1.0), DenyReason.PIN_LOCKED,
                                credential, locked.detail)
            if rule is not None and self.requirement.required(rule):
                # Not checked, so nothing about the PIN is learnt here.
                return _refusal(at, Match(person_id, name, 0.0, -1.0), DenyReason.PIN_ALONE,
                                credential, "face and PIN required; a PIN alone was entered")
        check = self.checker.by_number(number, entry.pin, at)
        match = None
        if check.person_id is not None:
            rule = self._directory.rule(check.person_id)
            match = Match(check.person_id, rule.person.name if rule else None, 0.0, -1.0)
        return self._granted(check, at, match, credential, f"employee number {number}: ")

    def _granted(self, check: PinCheck, at: datetime, match: Match | None,
                 credential: Credential, prefix: str = "") -> Decision:
        """A grant for a right PIN whose person may enter now; the refusal otherwise."""
        if not check.ok or check.person_id is None:
            return _refusal(at, match, check.reason or DenyReason.WRONG_PIN, credential,
                            prefix + check.detail)
        rule = self._directory.rule(check.person_id)
        if rule is None:
            return _refusal(at, None, None, credential, prefix + "person no longer enrolled",
                            Outcome.UNKNOWN)
        reason = deny_reason(rule, at, self._allowed)
        if reason is not None:
            return _refusal(at, match, reason, credential, prefix + reason.value)
        return Decision(Outcome.GRANTED, at, match, detail=prefix + check.detail,
                        credential=credential)


def _refusal(at: datetime, match: Match | None, reason: DenyReason | None,
             credential: Credential, detail: str,
             outcome: Outcome = Outcome.DENIED) -> Decision:
    return Decision(outcome, at, match, reason=reason, detail=detail, credential=credential)
