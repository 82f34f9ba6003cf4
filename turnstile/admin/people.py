"""People management for the panel: enrol, edit, (de)activate, validity, erase, export."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.schedules import format_schedule
from turnstile.cards import card_format as card_format_of
from turnstile.store.erasure import audit_target
from turnstile.store.gallery import Gallery
from turnstile.store.interfaces import Store
from turnstile.store.records import Event, NewTemplate, StoreError, Window
from turnstile.types import Person


@dataclass(frozen=True)
class PersonEdit:
    """Everything the person editor shows, as the administrator wants it saved."""

    name: str
    employee_id: str | None
    active: bool
    valid_from: datetime | None
    valid_until: datetime | None
    windows: tuple[Window, ...]
    groups: tuple[str, ...]
    consent: bool
    #: The card number for an access panel, checked against `card_format` when given.
    credential: int | None = None
    card_format: str | None = None

    def differences(self, person: Person, windows: Sequence[Window], groups: Sequence[str],
                    consent: bool) -> frozenset[str]:
        """Which parts differ from the person as stored ("name", "active", ...)."""
        changed = {
            "name": (self.name.strip(), (self.employee_id or "").strip() or None)
            != (person.name, person.employee_id),
            "active": self.active != person.active,
            "validity": (self.valid_from, self.valid_until)
            != (person.valid_from, person.valid_until),
            "schedule": tuple(self.windows) != tuple(windows),
            "groups": sorted(g.casefold() for g in self.groups)
            != sorted(g.casefold() for g in groups),
            "consent": self.consent != consent,
            "credential": self.credential != person.credential}
        return frozenset(part for part, differs in changed.items() if differs)


@dataclass(frozen=True)
class PersonRow:
    """What the people list shows for one person."""

    person: Person
    consent_at: datetime | None
    last_seen: datetime | None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


class PeopleAdmin:
    """Every change to people made from the panel or the CLI, each one audited under `actor`.

    Templates are stored for `gallery`'s embedder model (without one, adding templates is
    refused); the gallery, a matcher over the same store, follows every write by itself.
    """

    def __init__(self, store: Store, audit: AuditLog, actor: str,
                 clock: Callable[[], datetime], gallery: Gallery | None = None) -> None:
        self.store = store
        self.gallery = gallery
        self._audit = audit
        self.actor = actor
        self._clock = clock

    def rows(self, search: str = "") -> list[PersonRow]:
        """People whose name or employee id contains `search`, with consent and last seen."""
        needle = search.strip().lower()
        seen = self.store.events.last_seen()
        consent = self.store.people.consents()
        return [PersonRow(p, consent.get(p.id), seen.get(p.id))
                for p in self.store.people.all()
                if not needle or needle in p.name.lower()
                or needle in (p.employee_id or "").lower()]

    def existing(self, name: str, employee_id: str | None) -> Person | None:
        """The enrolled person an enrolment under this name and employee id adds to: the one
        with that employee id; without an id, the only person with exactly that name."""
        employee_id = (employee_id or "").strip() or None
        people = self.store.people.all()
        if employee_id:
            return next((p for p in people if p.employee_id == employee_id), None)
        same = [p for p in people if p.name == name.strip()]
        return same[0] if len(same) == 1 else None

    def enrol(self, name: str, employee_id: str | None, templates: Sequence[NewTemplate],
              consent: bool, duplicate_of: int | None = None) -> Person:
        """A new person (even beside a namesake) with their templates, atomically; consent
        is stamped when given."""
        if not templates:
            raise StoreError("nothing to enrol: no accepted face")
        with self.store.transaction():
            person = self.store.people.add(name, employee_id)
            self._add_templates(person.id, templates)
            if consent:
                self.store.people.set_consent(person.id, self._now())
            # Audit details never hold a name or employee id: an erasure must leave none
            # behind, in this person's entries or in anyone else's (the chain forbids
            # rewriting them).
            detail: dict[str, str | int | float | bool | None] = {
                "templates": len(templates), "consent": consent}
            if duplicate_of is not None:
                detail["confirmed_duplicate_of"] = audit_target(duplicate_of)
            self._audit.record(self.actor, AuditAction.ENROL, _label(person), detail)
        return self.store.people.get(person.id)

    def add_templates(self, person_id: int, templates: Sequence[NewTemplate]) -> None:
        with self.store.transaction():
            self._add_templates(person_id, templates)
            self._audit.record(self.actor, AuditAction.TEMPLATES_ADDED,
                               _label(self.store.people.get(person_id)),
                               {"templates": len(templates)})

    def _add_templates(self, person_id: int, templates: Sequence[NewTemplate]) -> None:
        if self.gallery is None:
            raise StoreError("no embedder model to store templates for")
        self.store.templates.add(person_id, self.gallery.model, self.gallery.dimension,
                                 templates)

    def remove_template(self, template_id: int) -> None:
        person_id = self.store.templates.owner(template_id)
        with self.store.transaction():
            self.store.templates.remove(template_id)
            self._audit.record(self.actor, AuditAction.TEMPLATE_DELETED,
                               _label(self.store.people.get(person_id)),
                               {"template": template_id})

    def save(self, person_id: int, version: int, edit: PersonEdit) -> Person:
        """The editor's save: every changed part in one transaction, only over the version
        the editor showed; EditConflictError (nothing saved) when someone saved meanwhile."""
        with self.store.transaction():
            self.store.people.touch(person_id, version)
            person = self.store.people.get(person_id)
            changed = edit.differences(person, self.schedule(person_id), self.groups(person_id),
                                       self.store.people.consent(person_id) is not None)
            if "credential" in changed:
                self.set_credential(person_id, edit.credential, edit.card_format)
            if "name" in changed:
                self.edit(person_id, edit.name, edit.employee_id)
            if "active" in changed:
                self.set_active(person_id, edit.active)
            if "validity" in changed:
                self.set_validity(person_id, edit.valid_from, edit.valid_until)
            if "schedule" in changed:
                self.set_schedule(person_id, edit.windows)
            if "groups" in changed:
                self.set_groups(person_id, edit.groups)
            if "consent" in changed:
                self.set_consent(person_id, edit.consent)
        return self.store.people.get(person_id)

    def edit(self, person_id: int, name: str, employee_id: str | None) -> Person:
        before = self.store.people.get(person_id)
        with self.store.transaction():
            self.store.people.touch(person_id)
            person = self.store.people.rename(person_id, name, employee_id)
            changed = [field for field, old, new in (
                ("name", before.name, person.name),
                ("employee_id", before.employee_id, person.employee_id)) if old != new]
            self._audit.record(self.actor, AuditAction.EDIT, _label(before),
                               {"changed": ", ".join(changed) or "nothing"})
        return person

    def set_active(self, person_id: int, active: bool, version: int | None = None) -> Person:
        """(De)activate; with `version`, only over that one (EditConflictError otherwise)."""
        with self.store.transaction():
            self.store.people.touch(person_id, version)
            person = self.store.people.set_active(person_id, active)
            self._audit.record(self.actor, AuditAction.EDIT, _label(person), {"active": active})
        return person

    def set_validity(self, person_id: int, valid_from: datetime | None,
                     valid_until: datetime | None) -> Person:
        with self.store.transaction():
            self.store.people.touch(person_id)
            person = self.store.people.set_validity(person_id, valid_from, valid_until)
            self._audit.record(self.actor, AuditAction.EDIT, _label(person),
                               {"valid_from": _iso(valid_from),
                                "valid_until": _iso(valid_until)})
        return person

    def set_credential(self, person_id: int, credential: int | None,
                       card_format: str | None = None) -> Person:
        """The person's card number for the access panel (None clears it), checked against
        `card_format` (osdp.card_format) when given. The audit log says it changed, never
        the number: a card number is a credential."""
        fits_format(credential, card_format)
        with self.store.transaction():
            self.store.people.touch(person_id)
            person = self.store.people.set_credential(person_id, credential)
            self._audit.record(self.actor, AuditAction.EDIT, _label(person),
                               {"card_number": "set" if credential is not None else "cleared"})
        return person

    def schedule(self, person_id: int) -> tuple[Window, ...]:
        return self.store.schedules.windows(person_id)

    def set_schedule(self, person_id: int, windows: Sequence[Window]) -> None:
        """Replace the weekly windows in which the person may pass (empty: any time)."""
        person = self.store.people.get(person_id)
        with self.store.transaction():
            self.store.people.touch(person_id)
            self.store.schedules.set(person_id, windows)
            self._audit.record(self.actor, AuditAction.EDIT, _label(person),
                               {"schedule": format_schedule(windows) or "any time"})

    def groups(self, person_id: int) -> tuple[str, ...]:
        return tuple(sorted(self.store.groups.of(person_id), key=str.casefold))

    def set_groups(self, person_id: int, names: Sequence[str]) -> tuple[str, ...]:
        """Replace the access groups the person belongs to (missing groups are created)."""
        person = self.store.people.get(person_id)
        with self.store.transaction():
            self.store.people.touch(person_id)
            groups = self.store.groups.set(person_id, names)
            self._audit.record(self.actor, AuditAction.EDIT, _label(person),
                               {"groups": ", ".join(groups) or "none"})
        return groups

    def set_consent(self, person_id: int, consent: bool) -> None:
        with self.store.transaction():
            self.store.people.touch(person_id)
            self.store.people.set_consent(person_id, self._now() if consent else None)
            self._audit.record(self.actor, AuditAction.EDIT,
                               _label(self.store.people.get(person_id)), {"consent": consent})

    def delete(self, person_id: int) -> None:
        """GDPR erasure: templates, thumbnails, consent and the person row go; their events
        stay for the access record but lose every link to who it was; the audit trail keeps
        what was done and by whom (it never named them). Once committed, the store leaves no
        old copy in its journal or backups."""
        with self.store.transaction():
            person = self.store.people.erase(person_id)
            self._audit.record(self.actor, AuditAction.DELETE, _label(person),
                               {"templates": person.templates})

    def export(self, person_id: int, folder: Path) -> Path:
        """One person's data as person.json plus their template thumbnails as JPEG files."""
        person = self.store.people.get(person_id)
        folder.mkdir(parents=True, exist_ok=True)
        templates = []
        for template, thumbnail in self.store.templates.thumbnails(person_id):
            entry = {"id": template.id, "source": template.source, "quality": template.quality,
                     "created": _iso(template.created), "thumbnail": None}
            if thumbnail:
                entry["thumbnail"] = f"template-{template.id}.jpg"
                (folder / f"template-{template.id}.jpg").write_bytes(thumbnail)
            templates.append(entry)
        data = {"id": person.id, "name": person.name, "employee_id": person.employee_id,
                "active": person.active, "created": _iso(person.created),
                "valid_from": _iso(person.valid_from), "valid_until": _iso(person.valid_until),
                "consent_at": _iso(self.store.people.consent(person_id)),
                "groups": list(self.groups(person_id)), "templates": templates,
                "events": [_event_row(e) for e in self._events(person_id)],
                "exported": _iso(self._now())}
        target = folder / "person.json"
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        self._audit.record(self.actor, AuditAction.EXPORT, _label(person),
                           {"templates": len(templates)})
        return target

    def _events(self, person_id: int) -> list[Event]:
        events = self.store.events
        return events.recent(events.count(person_id=person_id), person_id=person_id)[::-1]

    def _now(self) -> datetime:
        return self._clock()


def _event_row(event: Event) -> dict[str, object]:
    """One event as the export writes it (everything but the picture)."""
    return {"at": event.at.isoformat(timespec="milliseconds"), "detail": event.detail,
            "door": event.door, "id": event.id, "name": event.name,
            "outcome": event.outcome.value, "person_id": event.person_id,
            "reason": event.reason.value if event.reason else None,
            "runner_up": event.runner_up, "scores": json.dumps(event.scores, sort_keys=True),
            "similarity": event.similarity, "source": event.source}


def fits_format(credential: int | None, card_format: str | None) -> None:
    """StoreError when the configured card format cannot carry this card number."""
    if credential is None or card_format is None:
        return
    fmt = card_format_of(card_format)
    if not 0 <= credential <= fmt.max_number:
        raise StoreError(f"card number {credential} does not fit {fmt.title}: it must be 0 "
                         f"to {fmt.max_number}")


def _label(person: Person) -> str:
    """Audit targets name people by number only, so an erasure leaves no name there."""
    return audit_target(person.id)
