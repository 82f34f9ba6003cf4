"""Value types shared by every layer: boxes, faces, matches, outcomes and decisions."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import ClassVar

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
    #: Darker over brighter cheek mean grey (1 even light, towards 0 lit from one side).
    evenness: float = 1.0


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
    #: The card number an access panel knows this person by (door.kind = "osdp").
    credential: int | None = None
    #: Bumped by every change an administrator saves: an edit made on an older copy is
    #: refused (EditConflictError) instead of silently overwriting the newer one.
    version: int = 1


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
    #: A spoof that makes several for one person within a few minutes: logged as an alarm,
    #: and that person's face access is suspended for a while. Door alarms (held open,
    #: forced open) are logged with this outcome too; their detail says which.
    ALARM = "alarm"
    #: The face was recognised at a face-and-PIN door (or for a member of a face-and-PIN
    #: group): the person's PIN is asked next; no door yet.
    #: A valid visitor pass was shown: the door opens for the visitor it names.
    VISITOR = "visitor"
    #: The exit button (request to exit) was pressed: the door opens from inside.
    EXIT = "exit"
    #: The face was recognised at a face-and-PIN door (or for a member of a face-and-PIN
    #: group): the person's PIN is asked next; no door yet.
    PIN_REQUIRED = "pin_required"


class Credential(enum.Enum):
    """What a decision rests on: the face, a PIN typed at the kiosk, or both."""

    FACE = "face"
    PIN = "pin"
    FACE_AND_PIN = "face_and_pin"


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
    #: Face access suspended after repeated spoof attempts for this person.
    SUSPENDED = "suspended"
    #: A PIN that does not match (or an employee number with no PIN: the kiosk says the same).
    WRONG_PIN = "wrong_pin"
    #: Too many wrong PINs in a row: PIN entry for this person is locked for a while.
    PIN_LOCKED = "pin_locked"
    #: Face and PIN are required but no PIN is set for the person.
    NO_PIN = "no_pin"
    #: The PIN asked after the face came too late (or for a face no longer asked about).
    PIN_EXPIRED = "pin_expired"
    #: A PIN alone was entered for someone who needs face and PIN here.
    PIN_ALONE = "pin_alone"
    #: A visitor pass past its end, before its start, revoked, or used its allowed times.
    PASS_EXPIRED = "pass_expired"
    PASS_NOT_YET_VALID = "pass_not_yet_valid"
    PASS_REVOKED = "pass_revoked"
    PASS_USED_UP = "pass_used_up"
    #: A QR code shaped like a pass whose signature does not match (altered or made up).
    PASS_FORGED = "pass_forged"
    #: A QR code that is not a pass this kiosk can read.
    PASS_MALFORMED = "pass_malformed"
    #: The access panel (OSDP) refused the person's card number.
    PANEL_DENIED = "panel_denied"
    #: The access panel did not answer in time, or is offline: refused, fail-secure.
    PANEL_NO_ANSWER = "panel_no_answer"
    #: The person has no card number for the access panel (or one its format cannot carry).
    NO_CREDENTIAL = "no_credential"


class PendingReason(enum.Enum):
    """Why a PENDING decision waits, when the person in view should be told something."""

    #: The person was just decided and stays in view: keep showing their decision.
    RECENTLY_DECIDED = "recently_decided"
    #: Refused by the liveness check: the refusal holds until they step out of view.
    STEP_OUT = "step_out"
    #: The liveness check needs the head to move a little.
    MOVE_HEAD = "move_head"
    #: The face is too small for the liveness check to call it live.
    COME_CLOSER = "come_closer"
    #: The head-turn challenge asks for a turn to the person's own left or right.
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"

    @property
    def prompt(self) -> str:
        """What the kiosk tells the person ("" when it keeps showing the decision)."""
        return _PROMPTS[self]


_PROMPTS = {
    PendingReason.RECENTLY_DECIDED: "",
    PendingReason.STEP_OUT: "step out of view, then try again",
    PendingReason.MOVE_HEAD: "move your head a little",
    PendingReason.COME_CLOSER: "please come closer",
    PendingReason.TURN_LEFT: "turn your head to your left",
    PendingReason.TURN_RIGHT: "turn your head to your right",
}


class Verdict(enum.Enum):
    """A liveness check's answer so far for the face in front of the camera."""

    LIVE = "live"
    SPOOF = "spoof"
    #: Not enough evidence either way yet (a person standing perfectly still).
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"


@dataclass(frozen=True)
class MotionCues:
    """The motion check's window: face motion and parallax in face sizes, pair counts."""

    motion: float
    pairs: int
    evidence: int
    planarity: float = 0.0
    parallax: float = 0.0
    #: Share of the surroundings moving with the face (-1: too few pairs to say).
    ring_follow: float = -1.0
    #: Share of the residual that is a smooth field over the face (-1: too few tracks).
    structure: float = -1.0
    upscale: float = 1.0
    #: Evidence pairs whose nose stands out of the face (the nose bump; see liveness.fields).
    nose: int = 0

    kind: ClassVar[str] = "motion"


@dataclass(frozen=True)
class ChallengeCues:
    """The head-turn challenge: yaw now, turn toward the asked side, seconds since asked."""

    yaw: float
    turned: float
    elapsed: float
    #: Identity similarity between the first frame and the turned one (once turned).
    similarity: float | None = None

    kind: ClassVar[str] = "challenge"


@dataclass(frozen=True)
class PassiveCues:
    """The passive model: pooled live probability over the last frames."""

    live: float
    frames: int

    kind: ClassVar[str] = "passive"


LivenessCue = MotionCues | ChallengeCues | PassiveCues


@dataclass(frozen=True)
class LivenessResult:
    """A verdict with the score it rests on (higher is more live) and every cue measured."""

    verdict: Verdict
    score: float
    #: Why a SPOOF was refused (logged), or what the check saw.
    detail: str = ""
    cues: tuple[LivenessCue, ...] = ()
    #: For INSUFFICIENT_EVIDENCE, what the person should do (None: nothing to ask).
    pending: PendingReason | None = None

    @property
    def decided(self) -> bool:
        return self.verdict is not Verdict.INSUFFICIENT_EVIDENCE


@dataclass(frozen=True)
class Scores:
    """Every number a decision rests on; None where that stage did not run."""

    face_px: float | None = None
    similarity: float | None = None
    runner_up: float | None = None
    margin: float | None = None
    min_similarity: float | None = None
    #: Frames of the agreeing streak.
    agreement: int | None = None
    #: The liveness verdict's score (higher is more live).
    liveness: float | None = None
    liveness_cues: tuple[LivenessCue, ...] = ()

    def as_dict(self) -> dict[str, float]:
        """Flat numbers for the event log: `similarity`, ..., `motion.parallax`, ..."""
        flat = {f.name: float(value) for f in fields(self)
                if f.name != "liveness_cues" and (value := getattr(self, f.name)) is not None}
        for cue in self.liveness_cues:
            flat.update({f"{cue.kind}.{f.name}": float(value) for f in fields(cue)
                         if (value := getattr(cue, f.name)) is not None})
        return flat


@dataclass(frozen=True)
class Visitor:
    """The visitor a pass names, and the pass's number (what a visitor event logs)."""

    pass_id: int
    name: str


@dataclass(frozen=True)
class Decision:
    """One access decision with every score that led to it (what the event log stores)."""

    outcome: Outcome
    at: datetime
    match: Match | None = None
    face: Face | None = None
    reason: DenyReason | None = None
    detail: str = ""
    scores: Scores = field(default_factory=Scores)
    #: For PENDING, what the person in view should be told (None: nothing yet).
    pending: PendingReason | None = None
    #: What the decision rests on (a PIN decision has no face scores).
    credential: Credential = Credential.FACE
    #: For a visitor pass (granted or refused), the pass as read (None: not a pass).
    visitor: Visitor | None = None


@dataclass(frozen=True)
class Admitted:
    """Who a grant opens the door for: a reader of an access panel sends the credential."""

    person_id: int
    name: str
    #: The person's card number; None when they have none.
    credential: int | None = None


class PanelAnswer(enum.Enum):
    """What an access panel answered to a card read (door.kind = "osdp")."""

    GRANTED = "granted"
    DENIED = "denied"
    #: Nothing within osdp.grant_timeout_s.
    NO_ANSWER = "no_answer"
    #: The panel is not polling this reader: no card read was sent.
    OFFLINE = "offline"
    #: No card read could be sent for this person (no or out-of-range card number).
    NO_CREDENTIAL = "no_credential"


@dataclass(frozen=True)
class DoorResult:
    """Whether the relay took the open command, and what happened in words (for the log)."""

    opened: bool
    detail: str
    #: The access panel's answer when an access panel decides (None for a relay).
    panel: PanelAnswer | None = None

    @property
    def refusal(self) -> DenyReason:
        """Why a grant that did not open the door stands as a refusal."""
        return _REFUSALS.get(self.panel, DenyReason.DOOR_FAILED) if self.panel \
            else DenyReason.DOOR_FAILED


_REFUSALS = {PanelAnswer.DENIED: DenyReason.PANEL_DENIED,
             PanelAnswer.NO_ANSWER: DenyReason.PANEL_NO_ANSWER,
             PanelAnswer.OFFLINE: DenyReason.PANEL_NO_ANSWER,
             PanelAnswer.NO_CREDENTIAL: DenyReason.NO_CREDENTIAL}
