"""Adding the face an event recorded to an enrolled person: an employee the kiosk missed.

The event's thumbnail is the aligned face crop the kiosk embedded, so it is embedded again as
it is (no second detection on a 112 px crop) and becomes a template like an enrolled photo's.
The same duplicate search as enrolment runs first: a face that the kiosk would take for
someone else must be confirmed by the operator.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from turnstile.admin.enrolment import Duplicate, Enroller
from turnstile.admin.people import PeopleAdmin
from turnstile.store.interfaces import EventStore
from turnstile.store.records import NewTemplate, StoreError


class EventFaceError(StoreError):
    """The event has no usable face picture."""


@dataclass(frozen=True)
class EventFaceResult:
    """Added, or held back because the face matches someone else (`duplicate`)."""

    added: bool
    duplicate: Duplicate | None = None


def event_template(enroller: Enroller, log: EventStore, event_id: int) -> NewTemplate:
    """The event's face as a template, embedded as enrolment embeds (mirrored sum included)."""
    data = log.thumbnail(event_id)
    if data is None:
        raise EventFaceError(f"event {event_id} has no face picture (events.store_thumbnails)")
    crop = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    size = enroller.engine.embedder.input_size
    if crop is None or crop.shape[:2] != (size, size):
        raise EventFaceError(f"event {event_id}'s picture is not a {size} px face crop")
    embedding = enroller.engine.embedder.embed([crop.astype(np.uint8)])[0]
    return NewTemplate(embedding, f"event-{event_id}", None, data)


def add_event_face(enroller: Enroller, people: PeopleAdmin, log: EventStore, event_id: int,
                   person_id: int, confirmed: bool = False) -> EventFaceResult:
    """Add event `event_id`'s face to person `person_id` (audited by PeopleAdmin)."""
    template = event_template(enroller, log, event_id)
    duplicate = enroller.duplicate([template.embedding], exclude=person_id)
    if duplicate is not None and not confirmed:
        return EventFaceResult(False, duplicate)
    people.add_templates(person_id, [template])
    return EventFaceResult(True, duplicate)
