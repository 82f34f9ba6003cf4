"""Following a face from frame to frame without recognising it again: the one rule for it.

Recognising a face (aligning and embedding it) is most of a frame's work on a kiosk PC, so
the policy follows a face it has just recognised by where its box is: a face overlapping the
last one's box, moments later, is taken as the same person until a recheck is due. Two
places use this: a decided person kept in cooldown while they walk through (it never grants)
and the face the liveness check is watching (the frame that would grant is recognised again).
The real-time liveness evaluation follows faces by the same rule, as the kiosk does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from turnstile.types import Face

#: A followed face must be seen again within this many seconds (a few frames at any rate a
#: kiosk runs at); a longer gap means it may be someone else.
TRACK_GAP_S = 0.5


@dataclass(frozen=True)
class Sighting:
    """Where a face was last seen, when, and when it was last recognised."""

    face: Face
    seen: datetime
    recognised: datetime

    def moved_to(self, face: Face, at: datetime) -> Sighting:
        """The same person seen again at `at` without being recognised."""
        return Sighting(face, at, self.recognised)


def continues(last: Sighting | None, face: Face, at: datetime, iou: float,
              recheck_s: float) -> bool:
    """`face` at `at` is the one of `last` without recognising it: its box overlaps the last
    one by at least `iou`, it comes moments later, and the last recognition is under
    `recheck_s` old. An `iou` or `recheck_s` of 0 means: recognise every frame."""
    if last is None or iou <= 0.0 or recheck_s <= 0.0:
        return False
    fresh = timedelta(0) <= at - last.seen <= timedelta(seconds=TRACK_GAP_S)
    due = at - last.recognised >= timedelta(seconds=recheck_s)
    return fresh and not due and face.box.iou(last.face.box) >= iou
