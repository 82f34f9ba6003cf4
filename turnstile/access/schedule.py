"""The per-person access rules the policy checks: validity, weekly windows, groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from turnstile.store.interfaces import Store
from turnstile.store.records import StoreError, Window
from turnstile.types import Person


def within(windows: Sequence[Window], at: datetime) -> bool:
    """True when `at` falls in any window; an empty schedule allows every hour."""
    return not windows or any(window.contains(at) for window in windows)


@dataclass(frozen=True)
class AccessRule:
    """What the policy needs to know about a recognised person to admit them."""

    person: Person
    windows: tuple[Window, ...] = ()
    #: The access groups the person belongs to (names as stored).
    groups: frozenset[str] = frozenset()


class Directory:
    """Access rules straight from the store, so admin changes apply on the next face."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def rule(self, person_id: int) -> AccessRule | None:
        try:
            person = self._store.people.get(person_id)
        except StoreError:
            return None  # removed since the matrix was built: treated as unknown
        return AccessRule(person, self._store.schedules.windows(person_id),
                          self._store.groups.of(person_id))
