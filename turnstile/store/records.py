"""The rows every store backend reads and writes: templates, schedule windows, events, changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

import numpy as np
import numpy.typing as npt

from turnstile.cards import FORMATS
from turnstile.errors import TurnstileError
from turnstile.types import DenyReason, Embedding, Outcome

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class StoreError(TurnstileError, ValueError):
    """A store operation cannot be done (unknown person, taken employee id, bad input).

    The message is meant for the operator; nothing was changed.
    """


class EditConflictError(StoreError):
    """Someone else saved a change to the person since this copy was read; nothing was
    written. Reload the person and decide again (the first save wins, never the last)."""


class ScheduleError(StoreError):
    """A schedule window is malformed (weekday out of range, unreadable time)."""


@dataclass(frozen=True)
class NewTemplate:
    """A template about to be stored: embedding plus where it came from."""

    embedding: Embedding
    source: str = ""
    quality: float | None = None
    thumbnail: bytes | None = None


@dataclass(frozen=True)
class Template:
    """One stored embedding of a person (without the vector and the picture)."""

    id: int
    person_id: int
    source: str
    quality: float | None
    created: datetime


@dataclass(frozen=True)
class TemplateRows:
    """Every template of one embedder model, as the matcher loads them (row i is person i)."""

    person_ids: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float32]
    #: Each person's name, for every person that has a row.
    names: dict[int, str]


@dataclass(frozen=True)
class Window:
    """One weekly window: `weekday` (0 = Monday) from `start` to `end`, local time.

    A window whose end is not after its start runs past midnight into the next day
    (22:00-06:00 on Friday covers Friday night until Saturday 06:00).
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ScheduleError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")

    @classmethod
    def parse(cls, weekday: int, start: str, end: str) -> Window:
        """Build from "HH:MM" strings (what the database and the admin forms hold)."""
        try:
            return cls(weekday, time.fromisoformat(start), time.fromisoformat(end))
        except ValueError as exc:
            raise ScheduleError(f"times must be HH:MM, not {start!r} to {end!r}") from exc

    def contains(self, at: datetime) -> bool:
        clock = at.time()
        if self.start < self.end:
            return at.weekday() == self.weekday and self.start <= clock < self.end
        # Overnight: the evening part on `weekday`, the morning part on the day after.
        after = (self.weekday + 1) % 7
        return ((at.weekday() == self.weekday and clock >= self.start)
                or (at.weekday() == after and clock < self.end))

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Event:
    """One logged decision as the admin screens list it."""

    id: int
    at: datetime
    outcome: Outcome
    person_id: int | None
    name: str | None
    similarity: float | None
    runner_up: float | None
    reason: DenyReason | None
    detail: str
    #: What the door driver said ("" when no door was involved).
    door: str
    scores: dict[str, float] = field(default_factory=dict)
    source: str = ""
    has_thumbnail: bool = False
    #: The visitor pass a visitor event (or a refused pass) was about.
    pass_id: int | None = None


def check_vector(embedding: Embedding | Sequence[float], model: str,
                 dimension: int) -> npt.NDArray[np.float32]:
    """The embedding as float32, refused when its size is not the model's or it is not finite."""
    vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
    if vector.shape[0] != dimension:
        raise StoreError(f"embedding has {vector.shape[0]} values; this gallery's model "
                         f"{model} makes {dimension}")
    if not np.all(np.isfinite(vector)):
        raise StoreError("embedding contains NaN or infinite values")
    return vector


#: The largest card number any supported format carries (H10302's 35 bits).
MAX_CREDENTIAL = max(f.max_number for f in FORMATS.values())


def check_credential(credential: int | None) -> None:
    """StoreError for a card number no format can carry (the configured format checks its
    own, narrower range where the number is entered)."""
    if credential is not None and not 0 <= credential <= MAX_CREDENTIAL:
        raise StoreError(f"card number {credential} is out of range: 0 to {MAX_CREDENTIAL}")


# Changes a store reports to its listeners after each commit of its own (see Store.subscribe).
@dataclass(frozen=True)
class TemplatesAdded:
    """New templates of one person were committed (the matcher appends them)."""

    person_id: int
    name: str
    model: str
    vectors: Sequence[npt.NDArray[np.float32]]


@dataclass(frozen=True)
class PersonErased:
    """A person and every template of theirs are gone."""

    person_id: int


@dataclass(frozen=True)
class RosterChanged:
    """Something the matcher holds changed otherwise (a rename, a removed template)."""

    person_id: int


Change = TemplatesAdded | PersonErased | RosterChanged


@dataclass(frozen=True)
class PinState:
    """A person's stored PIN: the hash, wrong tries in a row and any lockout."""

    person_id: int
    hash: str
    failures: int
    locked_until: datetime | None
