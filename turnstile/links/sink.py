"""What every event sink is (EventSink), one delivery's result, and the sinks' secret files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from turnstile.store.files import read_private_text


@dataclass(frozen=True)
class Delivery:
    """One attempt to hand an event over: confirmed by the receiver, or why not."""

    confirmed: bool
    detail: str = ""


class EventSink(Protocol):
    """A receiver of events; the outbox cursor of `name` advances only on a confirmation."""

    #: The outbox sink name ("mqtt", "webhook"): each keeps its own place in the queue.
    name: str
    #: Longest wait between two tries of an event the receiver did not confirm.
    retry_max_s: float

    def deliver(self, uid: str, body: bytes) -> Delivery:
        """Send one event and wait (bounded) for the receiver's confirmation. A network
        failure is a Delivery that is not confirmed, never an exception. Called again with
        the same uid after a failure, a sink must not send it twice where it can tell."""
        ...

    def close(self) -> None: ...


def read_private(key: str, file: str) -> str:
    """A secret from a file only its owner may read (`key` names the setting in errors)."""
    return read_private_text(Path(file).expanduser(), key)
