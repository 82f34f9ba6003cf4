"""The panel's and import's people changes written to the central roster ([central] set).

Reads stay on this machine's replica (kept current by syncing after each write); every change
is one transaction in the central database, audited there under the same actor, and reaches
every kiosk through the change feed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from turnstile.admin.audit import AuditLog
from turnstile.admin.people import PeopleAdmin, PersonEdit, fits_format
from turnstile.config import CentralConfig
from turnstile.store.central.accounts import CentralAccountStore
from turnstile.store.central.connection import Central, resolve
from turnstile.store.central.replica import ModelId
from turnstile.store.central.roster import CentralRoster
from turnstile.store.central.sync import Synchronizer
from turnstile.store.gallery import Gallery
from turnstile.store.interfaces import Store
from turnstile.store.records import (
    EditConflictError,
    NewTemplate,
    StoreError,
    Window,
    check_credential,
)
from turnstile.types import Person


def account_store(config: CentralConfig, conn: sqlite3.Connection,
                  clock: Callable[[], datetime]) -> CentralAccountStore | None:
    """The central accounts with this database as their offline copy; None without
    [central]."""
    central = resolve(config)
    if central is None:
        return None
    return CentralAccountStore(central, conn, timedelta(hours=config.offline_signin_hours),
                               clock)


class CentralPeopleAdmin(PeopleAdmin):
    """PeopleAdmin whose writes go to the central roster; the replica follows at once."""

    def __init__(self, store: Store, audit: AuditLog, actor: str,
                 clock: Callable[[], datetime], gallery: Gallery, central: Central,
                 sync: Synchronizer) -> None:
        super().__init__(store, audit, actor, clock, gallery)
        self._roster = CentralRoster(central.connect(), actor, central.kiosk_id)
        self._sync = sync
        self._model = ModelId(gallery.model, gallery.dimension)

    @classmethod
    def open(cls, store: Store, audit: AuditLog, actor: str, clock: Callable[[], datetime],
             gallery: Gallery | None, central: Central, database: Path) -> CentralPeopleAdmin:
        if gallery is None:
            raise StoreError("enrolling at the centre needs this kiosk's embedder model")
        sync = Synchronizer(central, database, ModelId(gallery.model, gallery.dimension))
        sync.once()  # lists and the duplicate check see the roster as it is now
        if sync.state.problem:  # this file is no replica of the roster: nothing to build on
            raise StoreError(sync.state.problem)
        return cls(store, audit, actor, clock, gallery, central, sync)

    def _follow(self, person_id: int | None = None) -> Person | None:
        """This replica catches up at once (the gallery notices the other connection's
        commit by itself)."""
        self._sync.once()
        return self.store.people.get(person_id) if person_id is not None else None

    def enrol(self, name: str, employee_id: str | None, templates: Sequence[NewTemplate],
              consent: bool, duplicate_of: int | None = None) -> Person:
        person = self._roster.enrol(name, employee_id, templates, self._model.name,
                                    self._model.dimension, consent)
        found = self._follow(person.person.id)
        assert found is not None
        return found

    def add_templates(self, person_id: int, templates: Sequence[NewTemplate]) -> None:
        self._roster.add_templates(person_id, templates, self._model.name,
                                   self._model.dimension)
        self._follow()

    def remove_template(self, template_id: int) -> None:
        """At the centre: a template removed only from this replica would come back."""
        self._roster.remove_template(template_id)
        self._follow()

    def _edit(self, person_id: int, version: int | None = None, **values: object) -> Person:
        """Without `version` (the CLI), the one just read: a concurrent save in between still
        raises EditConflictError."""
        if version is None:
            version = self._roster.person(person_id).version
        try:
            self._roster.edit(person_id, version, **values)
        except EditConflictError:
            self._follow()  # the panel reloads what the other administrator saved
            raise
        found = self._follow(person_id)
        assert found is not None
        return found

    def save(self, person_id: int, version: int, edit: PersonEdit) -> Person:
        """The editor's save as one central transaction over the version it showed."""
        person = self.store.people.get(person_id)
        if person.version != version:  # this replica already holds a newer save
            raise EditConflictError(f"{person.name} was changed by someone else meanwhile; "
                                    "nothing was saved")
        changed = edit.differences(person, self.schedule(person_id), self.groups(person_id),
                                   self.store.people.consent(person_id) is not None)
        values: dict[str, object] = {}
        if "name" in changed:
            values |= {"name": edit.name.strip(),
                       "employee_id": (edit.employee_id or "").strip() or None}
        if "active" in changed:
            values["active"] = edit.active
        if "validity" in changed:
            values |= {"valid_from": edit.valid_from, "valid_until": edit.valid_until}
        if "consent" in changed:
            values["consent_at"] = self._clock() if edit.consent else None
        if "credential" in changed:
            fits_format(edit.credential, edit.card_format)
            check_credential(edit.credential)
            values["credential"] = edit.credential
        try:
            self._roster.save(person_id, version, values,
                              list(edit.groups) if "groups" in changed else None,
                              _windows(edit.windows) if "schedule" in changed else None)
        except EditConflictError:
            self._follow()
            raise
        found = self._follow(person_id)
        assert found is not None
        return found

    def edit(self, person_id: int, name: str, employee_id: str | None) -> Person:
        return self._edit(person_id, name=name.strip(),
                          employee_id=(employee_id or "").strip() or None)

    def set_active(self, person_id: int, active: bool, version: int | None = None) -> Person:
        return self._edit(person_id, version, active=active)

    def set_validity(self, person_id: int, valid_from: datetime | None,
                     valid_until: datetime | None) -> Person:
        return self._edit(person_id, valid_from=valid_from, valid_until=valid_until)

    def set_credential(self, person_id: int, credential: int | None,
                       card_format: str | None = None) -> Person:
        fits_format(credential, card_format)
        check_credential(credential)
        return self._edit(person_id, credential=credential)

    def set_consent(self, person_id: int, consent: bool) -> None:
        self._edit(person_id, consent_at=self._clock() if consent else None)

    def set_groups(self, person_id: int, names: Sequence[str]) -> tuple[str, ...]:
        self._roster.set_groups(person_id, list(names))
        self._follow()
        return self.groups(person_id)

    def set_schedule(self, person_id: int, windows: Sequence[Window]) -> None:
        self._roster.set_schedule(person_id, _windows(windows))
        self._follow()

    def delete(self, person_id: int) -> None:
        """GDPR erasure at the centre; this replica erases them at once, the others on their
        next sync."""
        self._roster.erase(person_id)
        self._follow()

    def close(self) -> None:
        self._roster.connection.close()


def _windows(windows: Sequence[Window]) -> list[tuple[int, str, str]]:
    return [(w.weekday, f"{w.start:%H:%M}", f"{w.end:%H:%M}") for w in windows]
