"""The access policy: which face to act on, agreement over frames, cooldown, validity, schedule.

Pure: no clock, camera or database of its own. The caller passes each frame's time, the
detected faces, a function that recognises one face, and a `Directory` for access rules.

Liveness seam: when a person would be GRANTED, the policy hands the frames of the agreeing
streak to a `LivenessCheck`. LIVE lets the grant through, SPOOF turns it into Outcome.SPOOF
(logged, shown, no door; while the person stays in view every frame is PENDING with
RETRY_PROMPT, so the screen keeps saying what to do) and UNSURE keeps the decision PENDING
with the check's hint (such as "move your head a little") while the streak keeps collecting
frames for the next try.
`AssumeLive` (the default) passes everything and says so in the decision's detail.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Protocol

from turnstile.access.schedule import AccessRule, within
from turnstile.config import PolicyConfig, RecognitionConfig
from turnstile.types import Decision, DenyReason, Face, Image, Match, Outcome

#: Outcomes that end a presentation: logged, shown, and (GRANTED) open the door.
FINAL = frozenset({Outcome.GRANTED, Outcome.DENIED, Outcome.UNKNOWN, Outcome.SPOOF})
#: Cooldown key for faces that match nobody.
_UNKNOWN = -1
#: Most frames of a streak kept for the liveness check (it may ask for more than K).
EVIDENCE_FRAMES = 30
#: Detail of the PENDING frames of a person already decided (followed or recognised): the
#: kiosk keeps showing their decision rather than a hint.
RECENTLY_DECIDED = "recently decided"
#: A tracked face must be seen again within this many seconds (a few frames at any rate a
#: kiosk runs at); a longer gap means it may be someone else.
TRACK_GAP_S = 0.5
#: What a person refused by the liveness check is told while they stay in view: the refusal
#: holds until they have been out of view for `cooldown_s`, so a picture cannot keep trying.
RETRY_PROMPT = "step out of view, then try again"


class LivenessVerdict(enum.Enum):
    LIVE = "live"
    SPOOF = "spoof"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Evidence:
    """One frame of an agreeing streak: the whole image, the face acted on, its time."""

    image: Image
    face: Face
    at: datetime


@dataclass(frozen=True)
class LivenessResult:
    verdict: LivenessVerdict
    score: float = 1.0
    #: For UNSURE, what the person should do; shown on screen as is.
    detail: str = ""


class LivenessCheck(Protocol):
    """Decides whether the frames of a streak show a live person (not a photo or screen)."""

    def check(self, evidence: Sequence[Evidence]) -> LivenessResult: ...


class AssumeLive:
    """No presentation-attack detection: every streak is taken as live."""

    def check(self, evidence: Sequence[Evidence]) -> LivenessResult:
        return LivenessResult(LivenessVerdict.LIVE, 1.0, "liveness not checked")


class Directory(Protocol):
    """Looks up a recognised person's access rule; None when they no longer exist."""

    def rule(self, person_id: int) -> AccessRule | None: ...


@dataclass(frozen=True)
class Selection:
    """The face to act on, or why there is none (NO_FACE, TOO_SMALL, MULTIPLE_FACES)."""

    outcome: Outcome
    face: Face | None = None


@dataclass
class _Streak:
    key: int | None = None
    matches: list[Match] = field(default_factory=list)
    evidence: deque[Evidence] = field(
        default_factory=lambda: deque(maxlen=EVIDENCE_FRAMES))


@dataclass
class _Track:
    """The last frame's face of a decided person, to follow them without re-embedding."""

    face: Face
    match: Match
    seen: datetime
    recognised: datetime


def accepted(match: Match, recognition: RecognitionConfig) -> bool:
    """The match names a person with enough similarity and a lead over the runner-up: the
    one rule for "recognised" (the kiosk, `turnstile identify` and the panel use it)."""
    return (match.person_id is not None
            and match.similarity >= recognition.threshold
            and match.margin >= recognition.margin)


def deny_reason(rule: AccessRule, at: datetime,
                allowed_groups: Sequence[str] = ()) -> DenyReason | None:
    """Why this person may not enter at `at`, or None when they may.

    A valid_until at exactly midnight is read as a date: that whole day is still valid.
    `allowed_groups` empty admits everyone; otherwise the person needs one of them (any case).
    """
    person = rule.person
    if not person.active:
        return DenyReason.INACTIVE
    if person.valid_from is not None and at < person.valid_from:
        return DenyReason.NOT_YET_VALID
    if person.valid_until is not None:
        end = person.valid_until
        if end.time() == time(0, 0):
            end += timedelta(days=1)
        if at >= end:
            return DenyReason.EXPIRED
    if not within(rule.windows, at):
        return DenyReason.OUT_OF_SCHEDULE
    if allowed_groups:
        allowed = {g.strip().casefold() for g in allowed_groups}
        if not any(g.casefold() in allowed for g in rule.groups):
            return DenyReason.NOT_IN_GROUP
    return None


class AccessPolicy:
    """Turns a stream of recognitions into decisions; one instance per camera."""

    def __init__(self, policy: PolicyConfig, recognition: RecognitionConfig,
                 directory: Directory, liveness: LivenessCheck | None = None) -> None:
        self._config = policy
        self._recognition = recognition
        self._directory = directory
        self._liveness: LivenessCheck = liveness or AssumeLive()
        self._streak = _Streak()
        #: Decided identities and when they were last seen; refreshed while they stay in view.
        self._cooldown: dict[int, datetime] = {}
        #: Those of them refused as a spoof (told to step out of view and try again).
        self._spoofed: set[int] = set()
        self._track: _Track | None = None

    def select(self, faces: Sequence[Face]) -> Selection:
        """The largest face inside the region of interest, if it is large enough and alone."""
        candidates = [f for f in faces if self._in_roi(f)]
        if not candidates:
            return Selection(Outcome.NO_FACE)
        candidates.sort(key=lambda f: f.box.size, reverse=True)
        largest = candidates[0]
        if largest.box.size < self._config.min_face_px:
            return Selection(Outcome.TOO_SMALL, largest)
        rivals = [f for f in candidates[1:] if f.box.size >= self._config.min_face_px
                  and f.box.size >= self._config.crowd_ratio * largest.box.size]
        if rivals:
            return Selection(Outcome.MULTIPLE_FACES, largest)
        return Selection(Outcome.PENDING, largest)

    def _in_roi(self, face: Face) -> bool:
        if not self._config.roi:
            return True
        x, y, w, h = self._config.roi
        cx, cy = face.box.center
        return x <= cx < x + w and y <= cy < y + h

    def accepted(self, match: Match) -> bool:
        return accepted(match, self._recognition)

    def decide(self, at: datetime, faces: Sequence[Face], image: Image,
               recognise: Callable[[Face], Match]) -> Decision:
        """One frame's decision; final ones (see FINAL) are what the kiosk logs and shows."""
        self._expire(at)
        selection = self.select(faces)
        face = selection.face
        if selection.outcome is not Outcome.PENDING or face is None:
            self._streak = _Streak()
            return Decision(selection.outcome, at, face=face,
                            scores={"face_px": face.box.size} if face else {})
        tracked = self._follow(face, at)
        match = tracked.match if tracked is not None else recognise(face)
        key = self._key(match)
        if key in self._cooldown:
            self._cooldown[key] = at
            self._streak = _Streak()
            recognised = tracked.recognised if tracked is not None else at
            self._track = _Track(face, match, at, recognised)
            detail = RETRY_PROMPT if key in self._spoofed else RECENTLY_DECIDED
            return Decision(Outcome.PENDING, at, match, face, detail=detail,
                            scores=_scores(face, [match]))
        self._track = None
        if key != self._streak.key:
            self._streak = _Streak(key)
        self._streak.matches.append(match)
        self._streak.evidence.append(Evidence(image, face, at))
        if len(self._streak.matches) < self._config.agreement_frames:
            return Decision(Outcome.PENDING, at, match, face,
                            scores=_scores(face, self._streak.matches))
        return self._conclude(at, face, match, key)

    def _key(self, match: Match) -> int:
        """The accepted person's id, or the shared key of everyone unrecognised."""
        if self.accepted(match) and match.person_id is not None:
            return match.person_id
        return _UNKNOWN

    def _follow(self, face: Face, at: datetime) -> _Track | None:
        """The decided person's track when this face continues it (same place, moments
        later, recognised recently enough); None means: recognise the face."""
        track, config = self._track, self._config
        if track is None or config.track_iou <= 0.0:
            return None
        if self._key(track.match) not in self._cooldown:
            return None
        fresh = timedelta(0) <= at - track.seen <= timedelta(seconds=TRACK_GAP_S)
        due = at - track.recognised >= timedelta(seconds=config.recheck_s)
        if not fresh or due or face.box.iou(track.face.box) < config.track_iou:
            return None
        return track

    def _conclude(self, at: datetime, face: Face, match: Match, key: int) -> Decision:
        scores = _scores(face, self._streak.matches)
        if key == _UNKNOWN:
            if self._cooldown:
                # Someone was just decided and is still about: a bad angle of them, or a
                # follower who cannot get in anyway; do not flash UNKNOWN at either.
                detail = RETRY_PROMPT if self._spoofed else ""
                return Decision(Outcome.PENDING, at, match, face, detail=detail, scores=scores)
            return self._final(Decision(Outcome.UNKNOWN, at, match, face, scores=scores,
                                        detail="face not recognised"), key)
        rule = self._directory.rule(key)
        if rule is None:
            return self._final(Decision(Outcome.UNKNOWN, at, match, face, scores=scores,
                                        detail="person no longer enrolled"), key)
        reason = deny_reason(rule, at, self._config.allowed_groups)
        if reason is not None:
            return self._final(Decision(Outcome.DENIED, at, match, face, reason, reason.value,
                                        scores), key)
        verdict = self._liveness.check(list(self._streak.evidence))
        scores["liveness"] = verdict.score
        if verdict.verdict is LivenessVerdict.UNSURE:
            return Decision(Outcome.PENDING, at, match, face, detail=verdict.detail,
                            scores=scores)
        outcome = Outcome.GRANTED if verdict.verdict is LivenessVerdict.LIVE else Outcome.SPOOF
        return self._final(Decision(outcome, at, match, face, detail=verdict.detail,
                                    scores=scores), key)

    def _final(self, decision: Decision, key: int) -> Decision:
        self._cooldown[key] = decision.at
        if decision.outcome is Outcome.SPOOF:
            self._spoofed.add(key)
        else:
            self._spoofed.discard(key)
        self._streak = _Streak()
        if decision.face is not None and decision.match is not None:
            self._track = _Track(decision.face, decision.match, decision.at, decision.at)
        return decision

    def _expire(self, at: datetime) -> None:
        limit = timedelta(seconds=self._config.cooldown_s)
        for key, seen in list(self._cooldown.items()):
            if at - seen > limit or at < seen:
                del self._cooldown[key]
                self._spoofed.discard(key)


def _scores(face: Face, matches: Sequence[Match]) -> dict[str, float]:
    last = matches[-1]
    return {
        "similarity": last.similarity,
        "runner_up": last.runner_up,
        "margin": last.margin,
        "min_similarity": min(m.similarity for m in matches),
        "agreement": float(len(matches)),
        "face_px": face.box.size,
    }
