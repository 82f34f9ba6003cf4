"""AccessPolicy on scripted faces and matches with a fake clock: every rule, in sequence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta

import numpy as np
import pytest

from turnstile.access.policy import AccessPolicy, accepted, deny_reason
from turnstile.access.schedule import AccessRule
from turnstile.config import PolicyConfig, RecognitionConfig
from turnstile.store.records import Window
from turnstile.types import (
    Box,
    Decision,
    DenyReason,
    Face,
    Image,
    LivenessResult,
    Match,
    MotionCues,
    Outcome,
    PendingReason,
    Person,
    Verdict,
)

T0 = datetime(2026, 3, 2, 9, 0, 0)  # a Monday morning
STEP = timedelta(seconds=0.1)
IMAGE = np.zeros((480, 640, 3), np.uint8)
ALICE = Person(1, "Alice", "E1", True, T0 - timedelta(days=30))
BOB = Person(2, "Bob", "E2", True, T0 - timedelta(days=30))


def face(size: float = 150.0, x: float = 200.0, y: float = 100.0) -> Face:
    return Face(Box(x, y, size, size), ((0.0, 0.0),) * 5, 0.99)


def alice(sim: float = 0.8, runner: float = 0.1) -> Match:
    return Match(1, "Alice", sim, runner)


def bob(sim: float = 0.8) -> Match:
    return Match(2, "Bob", sim, 0.1)


NOBODY = Match(1, "Alice", 0.2, 0.1)  # best match below the threshold


class Rules:
    """The Directory protocol over a dict."""

    def __init__(self, *rules: AccessRule) -> None:
        self.rules = {r.person.id: r for r in rules}

    def rule(self, person_id: int) -> AccessRule | None:
        return self.rules.get(person_id)


class ScriptedLiveness:
    """A check that answers each observed frame from a script (the last answer repeats)."""

    def __init__(self, *verdicts: Verdict) -> None:
        self.verdicts = list(verdicts)
        self.seen: list[float] = []
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        self.seen.append(at)
        verdict = self.verdicts[min(len(self.seen), len(self.verdicts)) - 1]
        pending = None if verdict is not Verdict.INSUFFICIENT_EVIDENCE else \
            PendingReason.MOVE_HEAD
        return LivenessResult(verdict, 0.5, "spoof" if verdict is Verdict.SPOOF else "",
                              (MotionCues(0.05, len(self.seen), 1, parallax=0.5),), pending)


def make(k: int = 3, cooldown: float = 5.0, rules: Rules | None = None,
         **kwargs: object) -> AccessPolicy:
    config = PolicyConfig(agreement_frames=k, cooldown_s=cooldown, min_face_px=60,
                          **kwargs)  # type: ignore[arg-type]
    return AccessPolicy(config, RecognitionConfig(threshold=0.45, margin=0.05),
                        rules or Rules(AccessRule(ALICE), AccessRule(BOB)))


def feed(policy: AccessPolicy, matches: Sequence[Match | None], start: datetime = T0,
         faces: Sequence[Face] | None = None) -> list[Outcome]:
    """One frame per match (None: no face); returns each frame's outcome."""
    out = []
    for i, match in enumerate(matches):
        shown = [] if match is None else list(faces or [face()])
        decision = policy.decide(start + i * STEP, shown, IMAGE,
                                 lambda _f, m=match: m)  # type: ignore[misc]
        out.append(decision.outcome)
    return out


def test_grant_needs_k_agreeing_frames() -> None:
    policy = make(k=3)
    assert feed(policy, [alice(), alice(), alice()]) == [
        Outcome.PENDING, Outcome.PENDING, Outcome.GRANTED]


def test_disagreement_restarts_the_count() -> None:
    policy = make(k=3)
    outcomes = feed(policy, [alice(), bob(), alice(), alice(), alice()])
    assert outcomes == [Outcome.PENDING] * 4 + [Outcome.GRANTED]


def test_no_face_breaks_the_streak() -> None:
    outcomes = feed(make(k=2), [alice(), None, alice(), alice()])
    assert outcomes == [Outcome.PENDING, Outcome.NO_FACE, Outcome.PENDING, Outcome.GRANTED]


def test_below_threshold_or_margin_is_unknown() -> None:
    assert feed(make(k=2), [NOBODY, NOBODY])[-1] is Outcome.UNKNOWN
    close_runner = alice(0.8, 0.78)  # above threshold but no margin over the runner-up
    assert feed(make(k=2), [close_runner, close_runner])[-1] is Outcome.UNKNOWN


def test_empty_gallery_never_grants() -> None:
    empty = Match(None, None, -1.0, -1.0)
    outcomes = feed(make(k=1), [empty] * 20)
    assert Outcome.GRANTED not in outcomes
    assert outcomes.count(Outcome.UNKNOWN) == 1


def test_one_grant_per_walk_through_and_again_after_cooldown() -> None:
    policy = make(k=2, cooldown=1.0)
    staying = feed(policy, [alice()] * 50)  # five seconds in view
    assert staying.count(Outcome.GRANTED) == 1
    later = T0 + 50 * STEP + timedelta(seconds=1.5)  # out of view for longer than cooldown
    assert feed(policy, [alice(), alice()], start=later)[-1] is Outcome.GRANTED


def test_cooldown_is_per_person() -> None:
    # Scripted people swap places within 0.1 s in the same box: tracking off, so that every
    # frame is recognised (tracking has its own tests below).
    policy = make(k=1, cooldown=10.0, track_iou=0.0)
    assert feed(policy, [alice(), bob(), alice()]) == [
        Outcome.GRANTED, Outcome.GRANTED, Outcome.PENDING]


def test_unknown_is_not_flashed_at_a_person_just_granted() -> None:
    policy = make(k=2, cooldown=5.0)
    outcomes = feed(policy, [alice(), alice(), NOBODY, NOBODY, NOBODY])
    assert outcomes == [Outcome.PENDING, Outcome.GRANTED] + [Outcome.PENDING] * 3


def test_small_faces_are_ignored() -> None:
    outcomes = feed(make(k=1), [alice()] * 3, faces=[face(size=40)])
    assert outcomes == [Outcome.TOO_SMALL] * 3


def test_similar_sized_faces_mean_one_at_a_time() -> None:
    two = [face(150), face(140, x=400)]
    assert feed(make(k=1), [alice()] * 3, faces=two) == [Outcome.MULTIPLE_FACES] * 3
    # A much smaller face in the background does not block the person in front.
    assert feed(make(k=1), [alice()], faces=[face(150), face(70, x=400)]) == [Outcome.GRANTED]


def test_region_of_interest_ignores_faces_outside_it() -> None:
    policy = make(k=1, roi=(0, 0, 300, 480))
    assert feed(policy, [alice()], faces=[face(150, x=400)]) == [Outcome.NO_FACE]
    # The larger face is outside; the one inside the region is acted on.
    decision = policy.decide(T0, [face(200, x=400), face(100, x=50)], IMAGE, lambda f: alice())
    assert decision.outcome is Outcome.GRANTED
    assert decision.face is not None and decision.face.box.x == 50


@pytest.mark.parametrize(("person", "reason"), [
    (replace(ALICE, active=False), DenyReason.INACTIVE),
    (replace(ALICE, valid_from=T0 + timedelta(days=1)), DenyReason.NOT_YET_VALID),
    (replace(ALICE, valid_until=T0 - timedelta(hours=1)), DenyReason.EXPIRED),
])
def test_refusals_carry_their_reason(person: Person, reason: DenyReason) -> None:
    policy = make(k=2, rules=Rules(AccessRule(person)))
    policy.decide(T0, [face()], IMAGE, lambda f: alice())
    decision = policy.decide(T0 + STEP, [face()], IMAGE, lambda f: alice())
    assert decision.outcome is Outcome.DENIED
    assert decision.reason is reason
    assert decision.scores.similarity == pytest.approx(0.8)


def test_schedule_window_allows_inside_and_refuses_outside() -> None:
    weekday_mornings = tuple(Window(d, time(8), time(12)) for d in range(5))
    rules = Rules(AccessRule(ALICE, weekday_mornings))
    assert feed(make(k=1, rules=rules), [alice()])[-1] is Outcome.GRANTED
    evening = T0.replace(hour=19)
    decision = make(k=1, rules=rules).decide(evening, [face()], IMAGE, lambda f: alice())
    assert decision.reason is DenyReason.OUT_OF_SCHEDULE


def test_valid_until_a_date_includes_that_day() -> None:
    rule = AccessRule(replace(ALICE, valid_until=T0.replace(hour=0)))
    assert deny_reason(rule, T0.replace(hour=23)) is None
    assert deny_reason(rule, T0 + timedelta(days=1)) is DenyReason.EXPIRED


def test_removed_person_is_unknown() -> None:
    policy = make(k=1, rules=Rules())
    assert feed(policy, [alice()]) == [Outcome.UNKNOWN]


def test_decisions_carry_scores() -> None:
    policy = make(k=3)
    matches = [alice(0.7), alice(0.6), alice(0.9, 0.3)]
    decision = None
    for i, match in enumerate(matches):
        decision = policy.decide(T0 + i * STEP, [face()], IMAGE, lambda f, m=match: m)  # type: ignore[misc]
    assert decision is not None and decision.outcome is Outcome.GRANTED
    assert decision.scores.min_similarity == pytest.approx(0.6)
    assert decision.scores.margin == pytest.approx(0.6)
    assert decision.scores.agreement == 3
    assert decision.match == matches[-1]


def test_liveness_spoof_and_unsure() -> None:
    unsure = Verdict.INSUFFICIENT_EVIDENCE
    liveness = ScriptedLiveness(unsure, unsure, Verdict.SPOOF)
    policy = AccessPolicy(PolicyConfig(agreement_frames=2), RecognitionConfig(),
                          Rules(AccessRule(ALICE)), liveness)
    decisions = [policy.decide(T0 + i * STEP, [face()], IMAGE, lambda f: alice())
                 for i in range(3)]
    assert [d.outcome for d in decisions] == [Outcome.PENDING, Outcome.PENDING, Outcome.SPOOF]
    # Every frame of the streak is observed once, in order, in seconds from its start.
    assert liveness.seen == pytest.approx([0.0, 0.1, 0.2])
    assert liveness.resets == 1
    assert decisions[1].pending is PendingReason.MOVE_HEAD
    # The check's typed cues reach the decision's scores, and so the event log.
    spoof = decisions[2]
    assert spoof.detail == "spoof" and spoof.scores.liveness == pytest.approx(0.5)
    assert spoof.scores.liveness_cues == (MotionCues(0.05, 3, 1, parallax=0.5),)
    assert spoof.scores.as_dict()["motion.parallax"] == pytest.approx(0.5)
    assert spoof.scores.as_dict()["motion.pairs"] == 3.0


def test_a_new_streak_starts_the_check_over() -> None:
    liveness = ScriptedLiveness(Verdict.INSUFFICIENT_EVIDENCE)
    policy = AccessPolicy(PolicyConfig(agreement_frames=2), RecognitionConfig(),
                          Rules(AccessRule(ALICE), AccessRule(BOB)), liveness)
    for i in range(3):
        policy.decide(T0 + i * STEP, [face()], IMAGE, lambda f: alice())
    policy.decide(T0 + 3 * STEP, [], IMAGE, lambda f: alice())  # the face left
    for i in range(4, 6):
        policy.decide(T0 + i * STEP, [face()], IMAGE, lambda f: bob())
    assert liveness.resets == 2
    assert liveness.seen == pytest.approx([0.0, 0.1, 0.2, 0.0, 0.1])


def test_a_spoof_holds_while_in_view_says_what_to_do_and_a_fresh_try_follows() -> None:
    # A real person wrongly refused: the check would now say LIVE, but not for this
    # presentation (a picture must not try until a noisy window looks live).
    liveness = ScriptedLiveness(Verdict.SPOOF, Verdict.LIVE)
    policy = AccessPolicy(PolicyConfig(agreement_frames=1, cooldown_s=1.0),
                          RecognitionConfig(), Rules(AccessRule(ALICE)), liveness)
    first = [policy.decide(T0 + i * STEP, [face()], IMAGE, lambda f: alice())
             for i in range(30)]
    assert first[0].outcome is Outcome.SPOOF
    assert {d.outcome for d in first[1:]} == {Outcome.PENDING}
    assert {d.pending for d in first[1:]} == {PendingReason.STEP_OUT}
    # Seen as nobody (a bad angle) while the refusal holds: still told what to do.
    assert policy.decide(T0 + 30 * STEP, [face()], IMAGE,
                         lambda f: NOBODY).pending is PendingReason.STEP_OUT
    assert liveness.seen == [0.0]
    later = T0 + 31 * STEP + timedelta(seconds=1.5)  # out of view for longer than cooldown
    again = policy.decide(later, [face()], IMAGE, lambda f: alice())
    assert again.outcome is Outcome.GRANTED
    # After a grant the person in view is just "recently decided", not told to step out.
    assert policy.decide(later + STEP, [face()], IMAGE,
                         lambda f: alice()).pending is PendingReason.RECENTLY_DECIDED


def test_liveness_unsure_shows_its_hint() -> None:
    liveness = ScriptedLiveness(Verdict.INSUFFICIENT_EVIDENCE)
    policy = AccessPolicy(PolicyConfig(agreement_frames=1), RecognitionConfig(),
                          Rules(AccessRule(ALICE)), liveness)
    decision = policy.decide(T0, [face()], IMAGE, lambda f: alice())
    assert decision.outcome is Outcome.PENDING
    assert decision.pending is PendingReason.MOVE_HEAD
    assert decision.pending.prompt == "move your head a little"


def test_door_restricted_to_groups_denies_outsiders_and_grants_members() -> None:
    rules = Rules(AccessRule(ALICE, groups=frozenset({"Staff"})),
                  AccessRule(BOB, groups=frozenset({"Visitors"})))
    policy = make(k=2, rules=rules, allowed_groups=("staff", "Cleaning"))
    granted = policy.decide(T0, [face()], IMAGE, lambda f: alice())
    granted = policy.decide(T0 + STEP, [face()], IMAGE, lambda f: alice())
    assert granted.outcome is Outcome.GRANTED  # group names compare case-insensitively
    later = T0 + timedelta(seconds=30)
    policy.decide(later, [face()], IMAGE, lambda f: bob())
    denied = policy.decide(later + STEP, [face()], IMAGE, lambda f: bob())
    assert denied.outcome is Outcome.DENIED
    assert denied.reason is DenyReason.NOT_IN_GROUP
    assert denied.scores.similarity == pytest.approx(0.8)  # logged with its scores


def test_no_allowed_groups_admits_people_without_groups() -> None:
    assert deny_reason(AccessRule(ALICE), T0) is None
    assert deny_reason(AccessRule(ALICE), T0, ("staff",)) is DenyReason.NOT_IN_GROUP


class CountingRecogniser:
    """Recognises every face as `match` and counts the calls (embedder runs)."""

    def __init__(self, match: Match) -> None:
        self.match = match
        self.calls = 0

    def __call__(self, _face: Face) -> Match:
        self.calls += 1
        return self.match


def run_frames(policy: AccessPolicy, recogniser: CountingRecogniser,
               faces: Sequence[Face], start: datetime = T0) -> list[Outcome]:
    return [policy.decide(start + i * STEP, [f], IMAGE, recogniser).outcome
            for i, f in enumerate(faces)]


def test_decided_face_is_tracked_not_recognised_every_frame() -> None:
    policy = make(k=2, cooldown=5.0, recheck_s=1.0)
    recogniser = CountingRecogniser(alice())
    # 3 s in view, drifting a few pixels per frame: granted once, then followed.
    outcomes = run_frames(policy, recogniser, [face(x=200.0 + i) for i in range(30)])
    assert outcomes.count(Outcome.GRANTED) == 1
    # 2 to be granted, then one recognition per recheck second (at 1.1 s and 2.1 s).
    assert recogniser.calls == 4


def test_tracking_off_recognises_every_frame() -> None:
    policy = make(k=2, cooldown=5.0, track_iou=0.0)
    recogniser = CountingRecogniser(alice())
    run_frames(policy, recogniser, [face()] * 30)
    assert recogniser.calls == 30


def test_someone_stepping_into_a_tracked_place_is_noticed_at_the_recheck() -> None:
    policy = make(k=2, cooldown=5.0, recheck_s=0.5)
    granted = CountingRecogniser(alice())
    assert run_frames(policy, granted, [face()] * 2)[-1] is Outcome.GRANTED
    # Bob takes Alice's place without the box moving: followed as Alice (no grant, no
    # door) until the recheck, then recognised and granted on his own agreeing frames.
    follower = CountingRecogniser(bob())
    outcomes = run_frames(policy, follower, [face()] * 10, start=T0 + 2 * STEP)
    assert outcomes[:3] == [Outcome.PENDING] * 3
    assert Outcome.GRANTED in outcomes
    assert follower.calls < 10


def test_a_face_elsewhere_or_after_a_gap_is_recognised_again() -> None:
    policy = make(k=1, cooldown=5.0, recheck_s=10.0)
    recogniser = CountingRecogniser(alice())
    run_frames(policy, recogniser, [face()])
    run_frames(policy, recogniser, [face(x=450.0)], start=T0 + STEP)  # elsewhere
    run_frames(policy, recogniser, [face(x=450.0)], start=T0 + 2 * STEP)  # followed
    run_frames(policy, recogniser, [face(x=450.0)], start=T0 + 20 * STEP)  # 1.8 s later
    assert recogniser.calls == 3


def test_tracking_never_grants_a_stranger_in_a_decided_place() -> None:
    policy = make(k=1, cooldown=5.0, recheck_s=0.5)
    run_frames(policy, CountingRecogniser(NOBODY), [face()])  # a stranger: UNKNOWN
    stranger = CountingRecogniser(NOBODY)
    outcomes = run_frames(policy, stranger, [face()] * 30, start=T0 + STEP)
    assert Outcome.GRANTED not in outcomes
    assert stranger.calls >= 5


def test_box_iou() -> None:
    a = Box(0.0, 0.0, 10.0, 10.0)
    assert a.iou(a) == pytest.approx(1.0)
    assert a.iou(Box(5.0, 0.0, 10.0, 10.0)) == pytest.approx(50 / 150)
    assert a.iou(Box(20.0, 20.0, 5.0, 5.0)) == 0.0
    assert Box(0.0, 0.0, 0.0, 0.0).iou(Box(0.0, 0.0, 0.0, 0.0)) == 0.0


def test_followed_frames_read_as_recently_decided() -> None:
    # The kiosk shows no hint for these frames; it keeps the decision on screen.
    policy = make(k=1, cooldown=5.0)
    recogniser = CountingRecogniser(alice())
    policy.decide(T0, [face()], IMAGE, recogniser)
    followed = policy.decide(T0 + STEP, [face()], IMAGE, recogniser)
    assert recogniser.calls == 1
    assert followed.outcome is Outcome.PENDING
    assert followed.pending is PendingReason.RECENTLY_DECIDED


def test_repeated_spoofs_raise_an_alarm_and_suspend_face_access() -> None:
    liveness = ScriptedLiveness(Verdict.SPOOF)
    config = PolicyConfig(agreement_frames=1, cooldown_s=1.0, spoof_alarm_count=3,
                          spoof_alarm_window_s=60.0, spoof_suspend_s=600.0)
    policy = AccessPolicy(config, RecognitionConfig(), Rules(AccessRule(ALICE), AccessRule(BOB)),
                          liveness)

    def attempt(at: datetime, who: Match) -> Decision:
        """One presentation after more than the cooldown out of view."""
        return policy.decide(at, [face()], IMAGE, lambda f: who)

    outcomes = [attempt(T0 + timedelta(seconds=10 * k), alice()).outcome for k in range(3)]
    assert outcomes == [Outcome.SPOOF, Outcome.SPOOF, Outcome.ALARM]
    alarm = policy.decide(T0 + timedelta(seconds=20), [face()], IMAGE, lambda f: alice())
    assert alarm.pending is PendingReason.STEP_OUT  # told like any spoof while in view
    # Suspended: even a face the check would call live is refused, without asking it.
    liveness.verdicts = [Verdict.LIVE]
    seen = len(liveness.seen)
    denied = attempt(T0 + timedelta(seconds=40), alice())
    assert denied.outcome is Outcome.DENIED and denied.reason is DenyReason.SUSPENDED
    assert len(liveness.seen) == seen
    assert attempt(T0 + timedelta(seconds=50), bob()).outcome is Outcome.GRANTED  # others pass
    later = T0 + timedelta(seconds=20 + 600 + 1)
    assert attempt(later, alice()).outcome is Outcome.GRANTED  # the suspension ends


def test_spoofs_spread_beyond_the_window_raise_no_alarm_and_zero_switches_it_off() -> None:
    for count, gap in ((3, 40.0), (0, 1.5)):
        config = PolicyConfig(agreement_frames=1, cooldown_s=1.0, spoof_alarm_count=count,
                              spoof_alarm_window_s=60.0)
        policy = AccessPolicy(config, RecognitionConfig(), Rules(AccessRule(ALICE)),
                              ScriptedLiveness(Verdict.SPOOF))
        outcomes = {policy.decide(T0 + timedelta(seconds=gap * k), [face()], IMAGE,
                                  lambda f: alice()).outcome for k in range(6)}
        assert outcomes == {Outcome.SPOOF}


@pytest.mark.parametrize(("match", "expected"), [
    (Match(1, "Alice", 0.5, 0.25), True),  # both limits met exactly
    (Match(1, "Alice", 0.49, -1.0), False),  # below the threshold
    (Match(1, "Alice", 0.9, 0.7), False),  # not far enough ahead of the runner-up
    (Match(None, None, 0.9, -1.0), False),  # no one
])
def test_one_accepted_rule_for_the_kiosk_and_identify(match: Match, expected: bool) -> None:
    from turnstile.cli.core import accepted_name
    from turnstile.config import Config

    recognition = RecognitionConfig(threshold=0.5, margin=0.25)
    policy = AccessPolicy(PolicyConfig(), recognition, Rules())
    assert policy.accepted(match) is expected
    assert accepted(match, recognition) is expected
    named = accepted_name(match, Config(recognition=recognition))
    assert named == (match.name if expected else None)


class SwitchingRecogniser:
    """Recognises faces as `first` for `calls_before` calls, then as `then`; counts calls."""

    def __init__(self, first: Match, then: Match, calls_before: int) -> None:
        self.first, self.then, self.calls_before = first, then, calls_before
        self.calls = 0

    def __call__(self, _face: Face) -> Match:
        self.calls += 1
        return self.first if self.calls <= self.calls_before else self.then


def _watching(liveness: ScriptedLiveness, recheck_s: float = 0.25) -> AccessPolicy:
    return AccessPolicy(PolicyConfig(agreement_frames=2, liveness_recheck_s=recheck_s),
                        RecognitionConfig(), Rules(AccessRule(ALICE), AccessRule(BOB)),
                        liveness)


def test_the_face_the_liveness_check_watches_is_followed_and_recognised_to_grant() -> None:
    unsure = Verdict.INSUFFICIENT_EVIDENCE
    liveness = ScriptedLiveness(*[unsure] * 9, Verdict.LIVE)
    policy = _watching(liveness)
    recogniser = CountingRecogniser(alice())
    step = timedelta(seconds=0.05)  # 20 frames a second
    decisions = [policy.decide(T0 + i * step, [face(x=200.0 + i)], IMAGE, recogniser)
                 for i in range(10)]
    assert [d.outcome for d in decisions] == [Outcome.PENDING] * 9 + [Outcome.GRANTED]
    assert liveness.seen == pytest.approx([0.05 * i for i in range(10)])  # every frame
    # Two to agree (0.0, 0.05 s), rechecks due at 0.30 s, then the granting frame (0.45 s).
    assert recogniser.calls == 4
    assert decisions[-1].scores.agreement == 4


def test_a_face_swapped_in_while_followed_is_caught_on_the_granting_frame() -> None:
    liveness = ScriptedLiveness(Verdict.INSUFFICIENT_EVIDENCE, Verdict.INSUFFICIENT_EVIDENCE,
                                Verdict.LIVE)
    policy = _watching(liveness)
    # Alice's picture agrees on two frames; from the third on Bob is in the same place.
    recogniser = SwitchingRecogniser(alice(), bob(), 2)
    step = timedelta(seconds=0.05)
    outcomes = [policy.decide(T0 + i * step, [face()], IMAGE, recogniser).outcome
                for i in range(3)]
    assert outcomes == [Outcome.PENDING] * 3  # no grant to Alice on Bob's face
    assert recogniser.calls == 3
    # Bob's own streak starts over, liveness check included.
    later = [policy.decide(T0 + i * step, [face()], IMAGE, recogniser)
             for i in range(3, 6)]
    assert Outcome.GRANTED in [d.outcome for d in later]
    assert all(d.match is None or d.match.person_id == 2 for d in later)
    assert liveness.resets == 2


def test_a_moved_face_or_a_due_recheck_is_recognised_again_while_watched() -> None:
    liveness = ScriptedLiveness(Verdict.INSUFFICIENT_EVIDENCE)
    policy = _watching(liveness)
    recogniser = CountingRecogniser(alice())
    step = timedelta(seconds=0.05)
    for i in range(3):  # agree, then followed
        policy.decide(T0 + i * step, [face()], IMAGE, recogniser)
    assert recogniser.calls == 2
    policy.decide(T0 + 3 * step, [face(x=400.0)], IMAGE, recogniser)  # elsewhere
    assert recogniser.calls == 3
    policy.decide(T0 + 4 * step, [face(x=400.0)], IMAGE, recogniser)  # followed again
    assert recogniser.calls == 3


def test_liveness_recheck_zero_recognises_every_watched_frame() -> None:
    liveness = ScriptedLiveness(Verdict.INSUFFICIENT_EVIDENCE)
    policy = _watching(liveness, recheck_s=0.0)
    recogniser = CountingRecogniser(alice())
    for i in range(8):
        policy.decide(T0 + i * timedelta(seconds=0.05), [face()], IMAGE, recogniser)
    assert recogniser.calls == 8


def test_after_a_spoof_on_a_followed_frame_the_recheck_counts_from_the_last_recognition() -> None:
    unsure = Verdict.INSUFFICIENT_EVIDENCE
    policy = AccessPolicy(PolicyConfig(agreement_frames=2, liveness_recheck_s=0.25,
                                       recheck_s=1.0, cooldown_s=5.0),
                          RecognitionConfig(), Rules(AccessRule(ALICE)),
                          ScriptedLiveness(unsure, unsure, Verdict.SPOOF))
    recogniser = CountingRecogniser(alice())
    step = timedelta(seconds=0.05)
    outcomes = [policy.decide(T0 + i * step, [face()], IMAGE, recogniser).outcome
                for i in range(22)]
    assert outcomes[2] is Outcome.SPOOF  # on a followed frame (0.10 s)
    # Recognised at 0.00 and 0.05 s; the person is followed until the recheck at 1.05 s.
    assert recogniser.calls == 3
