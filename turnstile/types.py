"""Value types shared by every layer: boxes, faces, matches, outcomes and decisions."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

#: A BGR uint8 image as OpenCV returns it (height x width x 3).
Image = npt.NDArray[np.uint8]
#: One L2-normalised float32 embedding (or a stack of them, one per row).
Embedding = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels: top-left corner, width and height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def area(self) -> float:
        return max(self.w, 0.0) * max(self.h, 0.0)

    @property
    def size(self) -> float:
        """The shorter side: what decides whether a face is large enough to trust."""
        return min(self.w, self.h)

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2.0, self.y + self.h / 2.0)

    def as_list(self) -> list[int]:
        return [round(self.x), round(self.y), round(self.w), round(self.h)]

    def scaled(self, factor: float) -> Box:
        return Box(self.x * factor, self.y * factor, self.w * factor, self.h * factor)

    def iou(self, other: Box) -> float:
        """Intersection over union: 1 for the same rectangle, 0 for disjoint ones."""
        width = min(self.x + self.w, other.x + other.w) - max(self.x, other.x)
        height = min(self.y + self.h, other.y + other.h) - max(self.y, other.y)
        inter = max(width, 0.0) * max(height, 0.0)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class Face:
    """A detected face: box, five landmarks (eyes, nose, mouth corners) and detector score.

    Landmark order follows YuNet: right eye, left eye (as seen in the image: the subject's
    right eye is on the image's left), nose tip, right mouth corner, left mouth corner.
    """

    box: Box
    landmarks: tuple[tuple[float, float], ...]
    score: float

    def landmark_array(self) -> npt.NDArray[np.float32]:
        return np.asarray(self.landmarks, dtype=np.float32).reshape(5, 2)

    def scaled(self, factor: float) -> Face:
        points = tuple((x * factor, y * factor) for x, y in self.landmarks)
        return Face(self.box.scaled(factor), points, self.score)


@dataclass(frozen=True)
class Quality:
    """Measures that say whether a face crop is good enough to enrol or to decide on."""

    face_size: float
    sharpness: float
    brightness: float
    yaw: float
    pitch: float


@dataclass(frozen=True)
class Person:
    """An enrolled person as the gallery stores them."""

    id: int
    name: str
    employee_id: str | None
    active: bool
    created: datetime
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    templates: int = 0


@dataclass(frozen=True)
class Match:
    """The outcome of a 1:N search: best person, their similarity and the runner-up's.

    ``runner_up`` is the best similarity of any *other* person (-1.0 when the gallery holds
    only one person), so ``similarity - runner_up`` is the margin the policy checks.
    """

    person_id: int | None
    name: str | None
    similarity: float
    runner_up: float

    @property
    def margin(self) -> float:
        return self.similarity - self.runner_up


class Outcome(enum.Enum):
    """What the kiosk decided about one presentation."""

    NO_FACE = "no_face"
    TOO_SMALL = "too_small"
    MULTIPLE_FACES = "multiple_faces"
    PENDING = "pending"
    GRANTED = "granted"
    DENIED = "denied"
    UNKNOWN = "unknown"
    SPOOF = "spoof"


class DenyReason(enum.Enum):
    """Why a recognised person was still refused."""

    INACTIVE = "inactive"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    OUT_OF_SCHEDULE = "out_of_schedule"
    #: The door admits only some access groups and the person is in none of them.
    NOT_IN_GROUP = "not_in_group"
    DOOR_FAILED = "door_failed"
    #: The event log could not be written, so the door stayed shut (record, then open).
    NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class Decision:
    """One access decision with every score that led to it (what the event log stores)."""

    outcome: Outcome
    at: datetime
    match: Match | None = None
    face: Face | None = None
    reason: DenyReason | None = None
    detail: str = ""
    scores: dict[str, float] = field(default_factory=dict)
