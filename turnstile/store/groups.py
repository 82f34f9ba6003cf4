"""Access group names as people type them: trimmed, case-insensitive, never empty."""

from __future__ import annotations

from collections.abc import Iterable

from turnstile.store.records import StoreError


class GroupError(StoreError):
    """A group name is unusable (empty after trimming)."""


def clean_names(names: Iterable[str]) -> tuple[str, ...]:
    """Trimmed names, first spelling kept when two differ only in case; empty refused."""
    seen: dict[str, str] = {}
    for raw in names:
        name = raw.strip()
        if not name:
            raise GroupError("an access group needs a name (empty names are not allowed)")
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def parse_groups(text: str) -> tuple[str, ...]:
    """Comma-separated names as typed in the panel; blank text means no group."""
    if not text.strip():
        return ()
    return clean_names(text.split(","))
