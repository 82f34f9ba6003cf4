"""The access policy: which face to act on, agreement over frames, cooldown, validity, schedule.

Pure: no clock, camera or database of its own. The caller passes each frame's time, the
detected faces, a function that recognises one face, and a `Directory` for access rules.

Liveness: when a person would be GRANTED, the policy feeds the frames of the agreeing streak,
each once and in order, to a `LivenessCheck` (the one protocol of access/liveness), started
over for every new streak. LIVE lets the grant through, SPOOF turns it into Outcome.SPOOF
(logged, shown, no door; while the person stays in view every frame is PENDING with
PendingReason.STEP_OUT, so the screen keeps saying what to do) and INSUFFICIENT_EVIDENCE keeps
the decision PENDING with the check's reason (such as MOVE_HEAD) while the streak keeps
collecting frames. `AssumeLive` (the default) passes everything and says so in the detail.

Second factor: a live, admitted face is then put to a `SecondFactor` (access/pin.py asks for a
PIN at face-and-PIN doors and for face-and-PIN groups): Outcome.PIN_REQUIRED instead of the
grant, or a refusal (DenyReason.NO_PIN) for someone who needs a PIN and has none.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Protocol

from turnstile.access.following import Sighting, continues
from turnstile.access.liveness.verdict import AssumeLive, LivenessCheck
from turnstile.access.schedule import AccessRule, within
from turnstile.config import PolicyConfig, RecognitionConfig
from turnstile.types import (
    Decision,
    DenyReason,
    Face,
    Image,
    LivenessResult,
    Match,
    Outcome,
    PendingReason,
    Scores,
    Verdict,
)

#: Outcomes that end a presentation: logged, shown, and (GRANTED) open the door.
FINAL = frozenset({Outcome.GRANTED, Outcome.DENIED, Outcome.UNKNOWN, Outcome.SPOOF,
                   Outcome.ALARM, Outcome.VISITOR, Outcome.EXIT, Outcome.PIN_REQUIRED})
#: Final outcomes that open the door (recorded first: no row, no door).
OPENS = frozenset({Outcome.GRANTED, Outcome.VISITOR, Outcome.EXIT})
#: Outcomes of a failed liveness check (the person is told to step out of view).
SPOOFED = frozenset({Outcome.SPOOF, Outcome.ALARM})
#: Cooldown key for faces that match nobody.
_UNKNOWN = -1
#: Most frames of a streak kept for the liveness check until it is first asked (the frames
#: before the streak agrees on a person allowed in).
EVIDENCE_FRAMES = 30


@dataclass(frozen=True)
class Evidence:
    """One frame of an agreeing streak not yet shown to the liveness check."""

    image: Image
    face: Face
    at: datetime


class Directory(Protocol):
    """Looks up a recognised person's access rule; None when they no longer exist."""

    def rule(self, person_id: int) -> AccessRule | None: ...


class Need(enum.Enum):
    """What a second factor asks of a recognised, live, admitted face."""

    NONE = "none"
    PIN = "pin"
    #: A PIN is needed but none is set: the face is refused (fails shut).
    MISSING = "missing"


class SecondFactor(Protocol):
    """Whether a person the face would let in must also prove something else."""

    def need(self, rule: AccessRule) -> Need: ...


class FaceAlone:
    """No second factor: the face decides alone."""

    def need(self, rule: AccessRule) -> Need:
        return Need.NONE


@dataclass(frozen=True)
class Selection:
    """The face to act on, or why there is none (NO_FACE, TOO_SMALL, MULTIPLE_FACES)."""

    outcome: Outcome
    face: Face | None = None


@dataclass
class _Streak:
    key: int | None = None
    matches: list[Match] = field(default_factory=list)
    #: Frames the liveness check has not seen yet.
    unseen: deque[Evidence] = field(
        default_factory=lambda: deque(maxlen=EVIDENCE_FRAMES))
    #: The streak's first frame: liveness times are seconds from it.
    origin: datetime | None = None
    #: Whether the liveness check has been started over for this streak.
    checking: bool = False
    #: The streak's face as last seen and recognised, to follow it while the check watches.
    sighting: Sighting | None = None


@dataclass
class _Track:
    """The last frame's face of a decided person, to follow them without re-embedding."""

    sighting: Sighting
    match: Match


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
                 directory: Directory, liveness: LivenessCheck | None = None,
                 second: SecondFactor | None = None) -> None:
        self._config = policy
        self._second: SecondFactor = second or FaceAlone()
        self._recognition = recognition
        self._directory = directory
        self._liveness: LivenessCheck = liveness or AssumeLive()
        self._streak = _Streak()
        #: Decided identities and when they were last seen; refreshed while they stay in view.
        self._cooldown: dict[int, datetime] = {}
        #: Those of them refused as a spoof (told to step out of view and try again).
        self._spoofed: set[int] = set()
        #: Recent spoof verdicts per person, and persons suspended after an alarm (until).
        self._spoofs: dict[int, deque[datetime]] = {}
        self._suspended: dict[int, datetime] = {}
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
                            scores=Scores(face_px=face.box.size) if face else Scores())
        tracked = self._follow(face, at)
        watched = self._watched(face, at) if tracked is None else None
        if tracked is not None:
            match = tracked.match
        elif watched is not None:
            match = self._streak.matches[-1]
        else:
            match = recognise(face)
        key = self._key(match)
        if key in self._cooldown:
            self._cooldown[key] = at
            self._streak = _Streak()
            sighting = (tracked.sighting.moved_to(face, at) if tracked is not None
                        else Sighting(face, at, at))
            self._track = _Track(sighting, match)
            pending = (PendingReason.STEP_OUT if key in self._spoofed
                       else PendingReason.RECENTLY_DECIDED)
            return Decision(Outcome.PENDING, at, match, face, scores=_scores(face, [match]),
                            pending=pending)
        self._track = None
        if key != self._streak.key:
            self._streak = _Streak(key)
        streak = self._streak
        if watched is not None:
            streak.sighting = watched
        else:
            streak.matches.append(match)
            streak.sighting = Sighting(face, at, at)
        if streak.origin is None:
            streak.origin = at
        streak.unseen.append(Evidence(image, face, at))
        if len(streak.matches) < self._config.agreement_frames:
            return Decision(Outcome.PENDING, at, match, face,
                            scores=_scores(face, streak.matches))
        return self._conclude(at, face, match, key,
                              (lambda: recognise(face)) if watched is not None else None)

    def _key(self, match: Match) -> int:
        """The accepted person's id, or the shared key of everyone unrecognised."""
        if self.accepted(match) and match.person_id is not None:
            return match.person_id
        return _UNKNOWN

    def _follow(self, face: Face, at: datetime) -> _Track | None:
        """The decided person's track when this face continues it (same place, moments
        later, recognised recently enough); None means: recognise the face."""
        track, config = self._track, self._config
        if track is None or self._key(track.match) not in self._cooldown:
            return None
        if not continues(track.sighting, face, at, config.track_iou, config.recheck_s):
            return None
        return track

    def _watched(self, face: Face, at: datetime) -> Sighting | None:
        """The watched face's sighting moved here when this face continues the streak the
        liveness check is watching, recognised within `liveness_recheck_s`: taken as the same
        person, so a busy kiosk shows the check more frames (the frame that would grant is
        recognised again, see `_conclude`). None means: recognise the face."""
        streak, config = self._streak, self._config
        if not streak.checking or streak.sighting is None:
            return None
        if not continues(streak.sighting, face, at, config.track_iou,
                         config.liveness_recheck_s):
            return None
        return streak.sighting.moved_to(face, at)

    def _conclude(self, at: datetime, face: Face, match: Match, key: int,
                  confirm: Callable[[], Match] | None = None) -> Decision:
        """The streak's decision once it agrees; `confirm` recognises a followed face."""
        scores = _scores(face, self._streak.matches)
        if key == _UNKNOWN:
            if self._cooldown:
                # Someone was just decided and is still about: a bad angle of them, or a
                # follower who cannot get in anyway; do not flash UNKNOWN at either.
                pending = PendingReason.STEP_OUT if self._spoofed else None
                return Decision(Outcome.PENDING, at, match, face, scores=scores,
                                pending=pending)
            return self._final(Decision(Outcome.UNKNOWN, at, match, face, scores=scores,
                                        detail="face not recognised"), key)
        rule = self._directory.rule(key)
        if rule is None:
            return self._final(Decision(Outcome.UNKNOWN, at, match, face, scores=scores,
                                        detail="person no longer enrolled"), key)
        reason = deny_reason(rule, at, self._config.allowed_groups)
        if reason is None and self._suspended.get(key, at) > at:
            reason = DenyReason.SUSPENDED
        if reason is not None:
            return self._final(Decision(Outcome.DENIED, at, match, face, reason, reason.value,
                                        scores), key)
        verdict = self._check_liveness()
        scores = replace(scores, liveness=verdict.score, liveness_cues=verdict.cues)
        if not verdict.decided:
            return Decision(Outcome.PENDING, at, match, face, detail=verdict.detail,
                            scores=scores, pending=verdict.pending)
        if verdict.verdict is not Verdict.LIVE:
            return self._final(Decision(Outcome.SPOOF, at, match, face, detail=verdict.detail,
                                        scores=scores), key)
        if confirm is not None:
            # A followed face is never let in unrecognised: someone else now (a face swapped
            # in between rechecks) starts over, liveness included.
            match = confirm()
            if self._key(match) != key:
                self._streak = _Streak()
                return Decision(Outcome.PENDING, at, match, face, scores=_scores(face, [match]))
            self._streak.matches.append(match)
            self._streak.sighting = Sighting(face, at, at)
            scores = replace(_scores(face, self._streak.matches), liveness=verdict.score,
                             liveness_cues=verdict.cues)
        need = self._second.need(rule)
        if need is Need.MISSING:
            return self._final(Decision(Outcome.DENIED, at, match, face, DenyReason.NO_PIN,
                                        "face and PIN required; no PIN is set", scores), key)
        outcome = Outcome.PIN_REQUIRED if need is Need.PIN else Outcome.GRANTED
        return self._final(Decision(outcome, at, match, face, detail=verdict.detail,
                                    scores=scores), key)

    def _check_liveness(self) -> LivenessResult:
        """Feeds the streak's frames the check has not seen; its answer after the last."""
        streak = self._streak
        if not streak.checking:
            self._liveness.reset()
            streak.checking = True
        result = LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, 0.0)
        origin = streak.origin
        assert origin is not None and streak.unseen
        while streak.unseen:
            item = streak.unseen.popleft()
            result = self._liveness.observe(item.image, item.face,
                                            (item.at - origin).total_seconds())
        return result

    def _final(self, decision: Decision, key: int) -> Decision:
        self._cooldown[key] = decision.at
        if decision.outcome is Outcome.SPOOF:
            decision = self._count_spoof(decision, key)
        if decision.outcome in SPOOFED:
            self._spoofed.add(key)
        else:
            self._spoofed.discard(key)
        # The streak's sighting is this frame's face, with when it was last recognised (a
        # SPOOF on a followed frame was recognised a moment before).
        sighting = self._streak.sighting
        self._streak = _Streak()
        if decision.face is not None and decision.match is not None:
            if sighting is None or sighting.face != decision.face:
                sighting = Sighting(decision.face, decision.at, decision.at)
            self._track = _Track(sighting, decision.match)
        return decision

    def _count_spoof(self, decision: Decision, key: int) -> Decision:
        """A spoof that makes `spoof_alarm_count` within the window is an ALARM, and the
        person's face access is suspended: a picture cannot keep trying at one door."""
        config, at = self._config, decision.at
        if config.spoof_alarm_count <= 0:
            return decision
        recent = self._spoofs.setdefault(key, deque())
        recent.append(at)
        while recent and at - recent[0] > timedelta(seconds=config.spoof_alarm_window_s):
            recent.popleft()
        if len(recent) < config.spoof_alarm_count:
            return decision
        recent.clear()
        until = at + timedelta(seconds=config.spoof_suspend_s)
        self._suspended[key] = until
        detail = (f"{config.spoof_alarm_count} spoof attempts within "
                  f"{config.spoof_alarm_window_s:g} s; face access suspended until "
                  f"{until:%Y-%m-%d %H:%M:%S} ({decision.detail})")
        return replace(decision, outcome=Outcome.ALARM, detail=detail)

    def _expire(self, at: datetime) -> None:
        for key, until in list(self._suspended.items()):
            if at >= until:
                del self._suspended[key]
        limit = timedelta(seconds=self._config.cooldown_s)
        for key, seen in list(self._cooldown.items()):
            if at - seen > limit or at < seen:
                del self._cooldown[key]
                self._spoofed.discard(key)


def _scores(face: Face, matches: Sequence[Match]) -> Scores:
    last = matches[-1]
    return Scores(face_px=face.box.size, similarity=last.similarity,
                  runner_up=last.runner_up, margin=last.margin,
                  min_similarity=min(m.similarity for m in matches),
                  agreement=len(matches))
