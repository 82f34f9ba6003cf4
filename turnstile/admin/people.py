"""People management for the panel: enrol, edit, (de)activate, validity, erase, export."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from turnstile.access.schedule import ScheduleStore, Window
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.schedules import format_schedule
from turnstile.store.gallery import Gallery, GalleryError, NewTemplate
from turnstile.store.groups import GroupStore
from turnstile.types import Person


@dataclass(frozen=True)
class PersonRow:
    """What the people list shows for one person."""

    person: Person
    consent_at: datetime | None
    last_seen: datetime | None


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}


class PeopleAdmin:
    """Every change to people made from the panel, each one audited under `actor`."""

    def __init__(self, gallery: Gallery, audit: AuditLog, actor: str,
                 clock: Callable[[], datetime]) -> None:
        self.gallery = gallery
        self._audit = audit
        self.actor = actor
        self._clock = clock

    @property
    def _conn(self) -> sqlite3.Connection:
        return self.gallery.connection

    def rows(self, search: str = "") -> list[PersonRow]:
        """People whose name or employee id contains `search`, with consent and last seen."""
        needle = search.strip().lower()
        seen = self._last_seen()
        consent = dict(self._conn.execute("SELECT id, consent_at FROM people").fetchall())
        return [PersonRow(p, _time(consent.get(p.id)), seen.get(p.id))
                for p in self.gallery.people()
                if not needle or needle in p.name.lower()
                or needle in (p.employee_id or "").lower()]

    def _last_seen(self) -> dict[int, datetime]:
        columns = _table_columns(self._conn, "events")
        if not {"person_id", "at"} <= columns:
            return {}
        rows = self._conn.execute("SELECT person_id, MAX(at) FROM events"
                                  " WHERE person_id IS NOT NULL GROUP BY person_id")
        return {int(pid): datetime.fromisoformat(str(at)) for pid, at in rows if at}

    def enrol(self, name: str, employee_id: str | None, templates: Sequence[NewTemplate],
              consent: bool, duplicate_of: int | None = None) -> Person:
        """A new person with their templates, atomically; consent is stamped when given."""
        if not templates:
            raise GalleryError("nothing to enrol: no accepted face")
        employee_id = (employee_id or "").strip() or None
        if employee_id and any(p.employee_id == employee_id for p in self.gallery.people()):
            raise GalleryError(f"employee id {employee_id} is already enrolled")
        # One transaction for the person, every template and the consent stamp (a namesake
        # stays a different person): a crash never leaves half an enrolment.
        person = self.gallery.enroll(name, employee_id, templates, new=True,
                                     consent_at=self._stamp() if consent else None)
        # Audit details never hold a name or employee id: an erasure must leave none behind,
        # in this person's entries or in anyone else's (the chain forbids rewriting them).
        detail: dict[str, str | int | float | bool | None] = {
            "templates": len(templates), "consent": consent}
        if duplicate_of is not None:
            detail["confirmed_duplicate_of"] = f"person #{duplicate_of}"
        self._audit.record(self.actor, AuditAction.ENROL, _label(person), detail)
        return self.gallery.person(person.id)

    def add_templates(self, person_id: int, templates: Sequence[NewTemplate]) -> None:
        self.gallery.add_templates(person_id, templates)
        self._audit.record(self.actor, AuditAction.TEMPLATES_ADDED,
                           _label(self.gallery.person(person_id)), {"templates": len(templates)})

    def remove_template(self, template_id: int) -> None:
        row = self._conn.execute("SELECT person_id FROM templates WHERE id = ?",
                                 (template_id,)).fetchone()
        if row is None:
            raise GalleryError(f"no template with id {template_id}")
        self.gallery.remove_template(template_id)
        self._audit.record(self.actor, AuditAction.TEMPLATE_DELETED,
                           _label(self.gallery.person(int(row[0]))), {"template": template_id})

    def edit(self, person_id: int, name: str, employee_id: str | None) -> Person:
        before = self.gallery.person(person_id)
        name, employee_id = name.strip(), (employee_id or "").strip() or None
        if not name:
            raise GalleryError("a person needs a name")
        try:
            self._update(person_id, name=name, employee_id=employee_id)
        except sqlite3.IntegrityError as exc:
            raise GalleryError(f"employee id {employee_id} is already enrolled") from exc
        # This connection's own commits do not bump its data_version: reload names here.
        self.gallery.reload()
        changed = [field for field, old, new in (("name", before.name, name),
                                                  ("employee_id", before.employee_id,
                                                   employee_id)) if old != new]
        self._audit.record(self.actor, AuditAction.EDIT, _label(before),
                           {"changed": ", ".join(changed) or "nothing"})
        return self.gallery.person(person_id)

    def set_active(self, person_id: int, active: bool) -> Person:
        person = self.gallery.person(person_id)
        self.gallery.set_active(person_id, active)
        self._audit.record(self.actor, AuditAction.EDIT, _label(person), {"active": active})
        return self.gallery.person(person_id)

    def set_validity(self, person_id: int, valid_from: datetime | None,
                     valid_until: datetime | None) -> Person:
        person = self.gallery.person(person_id)
        if valid_from and valid_until and valid_until < valid_from:
            raise GalleryError("the validity ends before it starts")
        iso = _iso
        self._update(person_id, valid_from=iso(valid_from), valid_until=iso(valid_until))
        self._audit.record(self.actor, AuditAction.EDIT, _label(person),
                           {"valid_from": iso(valid_from), "valid_until": iso(valid_until)})
        return self.gallery.person(person_id)

    def schedule(self, person_id: int) -> tuple[Window, ...]:
        return ScheduleStore(self._conn).windows(person_id)

    def set_schedule(self, person_id: int, windows: Sequence[Window]) -> None:
        """Replace the weekly windows in which the person may pass (empty: any time)."""
        person = self.gallery.person(person_id)
        ScheduleStore(self._conn).set_windows(person_id, windows)
        self._audit.record(self.actor, AuditAction.EDIT, _label(person),
                           {"schedule": format_schedule(windows) or "any time"})

    def groups(self, person_id: int) -> tuple[str, ...]:
        return tuple(sorted(GroupStore(self._conn).of(person_id), key=str.casefold))

    def set_groups(self, person_id: int, names: Sequence[str]) -> tuple[str, ...]:
        """Replace the access groups the person belongs to (missing groups are created)."""
        person = self.gallery.person(person_id)
        groups = GroupStore(self._conn).set_groups(person_id, names)
        self._audit.record(self.actor, AuditAction.EDIT, _label(person),
                           {"groups": ", ".join(groups) or "none"})
        return groups

    def set_consent(self, person_id: int, consent: bool) -> None:
        person = self.gallery.person(person_id)
        self._update(person_id, consent_at=self._stamp() if consent else None)
        self._audit.record(self.actor, AuditAction.EDIT, _label(person), {"consent": consent})

    def delete(self, person_id: int) -> None:
        """GDPR erasure: templates, thumbnails, consent and the person row go; their events
        stay for the access record but lose every link to who it was."""
        person = self.gallery.person(person_id)
        self._anonymise_events(person_id)
        self.gallery.remove_person(person_id)
        # The audit trail keeps what was done and by whom; it never named them.
        self._audit.record(self.actor, AuditAction.DELETE, _label(person),
                           {"templates": person.templates})

    def _anonymise_events(self, person_id: int) -> None:
        columns = _table_columns(self._conn, "events")
        if "person_id" not in columns:
            return
        erase = [f"{c} = NULL" for c in ("name", "person_name", "thumbnail") if c in columns]
        sql = ", ".join(["person_id = NULL", *erase])
        self._conn.execute(f"UPDATE events SET {sql} WHERE person_id = ?", (person_id,))

    def export(self, person_id: int, folder: Path) -> Path:
        """One person's data as person.json plus their template thumbnails as JPEG files."""
        person = self.gallery.person(person_id)
        folder.mkdir(parents=True, exist_ok=True)
        rows = self._conn.execute(
            "SELECT id, source, quality, created, thumbnail FROM templates WHERE person_id = ?"
            " ORDER BY id", (person_id,)).fetchall()
        templates = []
        for tid, source, quality, created, thumbnail in rows:
            entry = {"id": tid, "source": source, "quality": quality, "created": created,
                     "thumbnail": None}
            if thumbnail:
                entry["thumbnail"] = f"template-{tid}.jpg"
                (folder / f"template-{tid}.jpg").write_bytes(bytes(thumbnail))
            templates.append(entry)
        consent = self._conn.execute("SELECT consent_at FROM people WHERE id = ?",
                                     (person_id,)).fetchone()[0]
        iso = _iso
        data = {"id": person.id, "name": person.name, "employee_id": person.employee_id,
                "active": person.active, "created": iso(person.created),
                "valid_from": iso(person.valid_from), "valid_until": iso(person.valid_until),
                "consent_at": consent, "groups": list(self.groups(person_id)),
                "templates": templates, "events": self._events(person_id),
                "exported": self._stamp()}
        target = folder / "person.json"
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        self._audit.record(self.actor, AuditAction.EXPORT, _label(person),
                           {"templates": len(templates)})
        return target

    def _events(self, person_id: int) -> list[dict[str, object]]:
        columns = _table_columns(self._conn, "events")
        if "person_id" not in columns:
            return []
        keep = [c for c in sorted(columns) if c != "thumbnail"]
        rows = self._conn.execute(f"SELECT {', '.join(keep)} FROM events WHERE person_id = ?"
                                  " ORDER BY id", (person_id,))
        return [dict(zip(keep, row, strict=True)) for row in rows]

    def _update(self, person_id: int, **values: object) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self._conn.execute(f"UPDATE people SET {assignments} WHERE id = ?",
                           (*values.values(), person_id))

    def _stamp(self) -> str:
        return self._clock().isoformat(timespec="seconds")


def _label(person: Person) -> str:
    """Audit targets name people by number only, so an erasure leaves no name there."""
    return f"person #{person.id}"
