"""The store's typed seams: what every backend (the kiosk's SQLite file, a central server) offers.

Code outside turnstile/store never writes SQL: it receives a `Store` and calls these methods.
Several calls are made atomic with `with store.transaction(): ...`. Every method raises
`StoreError` (from turnstile.store.records) with an operator-readable message for bad input
or an unknown id, and changes nothing in that case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from turnstile.store.records import (
    Change,
    Event,
    NewTemplate,
    PinState,
    Template,
    TemplateRows,
    Window,
)
from turnstile.types import Decision, DoorResult, Outcome, Person


class PeopleStore(Protocol):
    """Enrolled people (names, employee ids, validity, consent)."""

    def add(self, name: str, employee_id: str | None = None) -> Person:
        """A new person; StoreError for an empty name or an employee id already in use."""
        ...

    def get(self, person_id: int) -> Person:
        """The person with this id; StoreError when there is none."""
        ...

    def find(self, name: str) -> list[Person]:
        """People whose name (case-insensitive) or employee id equals `name`, by id."""
        ...

    def all(self) -> list[Person]:
        """Everyone, ordered by name then id."""
        ...

    def rename(self, person_id: int, name: str, employee_id: str | None) -> Person: ...

    def set_active(self, person_id: int, active: bool) -> Person: ...

    def set_validity(self, person_id: int, valid_from: datetime | None,
                     valid_until: datetime | None) -> Person:
        """The dates between which the person may enter (None leaves that side open)."""
        ...

    def set_credential(self, person_id: int, credential: int | None) -> Person:
        """The person's card number for an access panel (None: none); StoreError when it is
        out of range or someone else's."""
        ...

    def consent(self, person_id: int) -> datetime | None: ...

    def consents(self) -> dict[int, datetime]:
        """When each person consented (people without consent are absent)."""
        ...

    def set_consent(self, person_id: int, at: datetime | None) -> None: ...

    def touch(self, person_id: int, expected: int | None = None) -> int:
        """Bump the person's version and return it; with `expected`, EditConflictError when
        the stored version is another (someone saved meanwhile) and nothing changes."""
        ...

    def erase(self, person_id: int) -> Person:
        """GDPR erasure: the person, templates, thumbnails, schedule and groups go; their
        events stay but lose every link to them. Returns the person as they were."""
        ...


class TemplateStore(Protocol):
    """Face templates: embedding vectors with the model that made them and a thumbnail."""

    def add(self, person_id: int, model: str, dimension: int,
            templates: Sequence[NewTemplate]) -> list[int]:
        """Store all of them or none; StoreError for an unknown person."""
        ...

    def of(self, person_id: int) -> list[Template]: ...

    def owner(self, template_id: int) -> int:
        """The person a template belongs to; StoreError when there is no such template."""
        ...

    def remove(self, template_id: int) -> None: ...

    def thumbnail(self, person_id: int) -> bytes | None:
        """The picture of the person's best-quality template that has one."""
        ...

    def thumbnails(self, person_id: int) -> list[tuple[Template, bytes | None]]:
        """Every template with its picture (a person's data export)."""
        ...

    def load(self, model: str, dimension: int) -> TemplateRows:
        """Every template for the matcher; StoreError when some were made by another model."""
        ...


class GroupStore(Protocol):
    """Access groups: named sets of people that a door may be restricted to."""

    def names(self) -> tuple[str, ...]:
        """Every group, in alphabetical order."""
        ...

    def of(self, person_id: int) -> frozenset[str]: ...

    def memberships(self) -> dict[int, tuple[str, ...]]:
        """Each person's groups, sorted (people without groups are absent)."""
        ...

    def set(self, person_id: int, names: Iterable[str]) -> tuple[str, ...]:
        """Replace the person's groups, creating missing ones; returns them sorted."""
        ...


class ScheduleStore(Protocol):
    """Each person's weekly access windows (none: any time of the week)."""

    def windows(self, person_id: int) -> tuple[Window, ...]: ...

    def set(self, person_id: int, windows: Sequence[Window]) -> None: ...


class PinStore(Protocol):
    """Per-person PIN hashes with their lockout, and groups that need face and PIN."""

    def state(self, person_id: int) -> PinState | None:
        """The person's PIN, tries and lockout; None when no PIN is set."""
        ...

    def holder(self, employee_id: str) -> int | None:
        """The person with exactly this employee id, when they have a PIN."""
        ...

    def holders(self) -> frozenset[int]: ...

    def set(self, person_id: int, hashed: str, at: datetime) -> None: ...

    def clear(self, person_id: int) -> bool: ...

    def failed(self, person_id: int, failures: int, locked_until: datetime | None) -> None: ...

    def unlock(self, person_id: int) -> None: ...

    def pin_groups(self) -> frozenset[str]: ...

    def set_group(self, name: str, face_and_pin: bool) -> None: ...


class EventStore(Protocol):
    """The log of access decisions, with retention."""

    def record(self, decision: Decision, door: DoorResult | None = None,
               thumbnail: bytes | None = None, source: str = "", *,
               awaiting_door: bool = False) -> int: ...

    def answer_door(self, event_id: int, door: DoorResult) -> None:
        """Add the door's answer to a grant recorded before the door was driven."""
        ...

    def page(self, limit: int, after: tuple[datetime, int] | None = None, *,
             outcome: Outcome | None = None, person_id: int | None = None,
             since: datetime | None = None, until: datetime | None = None) -> list[Event]:
        """Oldest first, the `limit` events after the key (time, id) `after` (keyset)."""
        ...

    def recent(self, limit: int = 100, offset: int = 0, *, outcome: Outcome | None = None,
               person_id: int | None = None, since: datetime | None = None,
               until: datetime | None = None) -> list[Event]:
        """Newest first, filtered by outcome, person and time range [since, until)."""
        ...

    def count(self, *, outcome: Outcome | None = None, person_id: int | None = None,
              since: datetime | None = None, until: datetime | None = None) -> int: ...

    def thumbnail(self, event_id: int) -> bytes | None: ...

    def last_seen(self) -> dict[int, datetime]:
        """Each person's latest event (people never seen are absent)."""
        ...

    def prune(self, now: datetime) -> int:
        """Delete events older than the retention; returns how many."""
        ...


class Store(Protocol):
    """One backend: its tables, transactions and change notices."""

    @property
    def people(self) -> PeopleStore: ...

    @property
    def templates(self) -> TemplateStore: ...

    @property
    def groups(self) -> GroupStore: ...

    @property
    def schedules(self) -> ScheduleStore: ...

    @property
    def events(self) -> EventStore: ...

    def transaction(self) -> AbstractContextManager[None]:
        """Everything inside commits together or not at all; nesting joins the outer one."""
        ...

    def revision(self) -> int:
        """A number that changes whenever another connection or process commits."""
        ...

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        """Call `listener` with each change this store commits itself, after the commit."""
        ...

    def close(self) -> None: ...
