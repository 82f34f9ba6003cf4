"""The motion check's verdicts: from cues, and end to end on real clips and simulated prints."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.access.liveness import attack
from turnstile.access.liveness.cues import TrackCue
from turnstile.access.liveness.motion import MotionLiveness
from turnstile.config import Config, LivenessConfig, replace
from turnstile.types import Box, Face, LivenessResult, MotionCues, PendingReason, Verdict
from turnstile.vision.engine import Engine

CONFIG = LivenessConfig()
FACE_POINTS = ((140.0, 105.0), (180.0, 105.0), (160.0, 125.0), (145.0, 140.0), (175.0, 140.0))


def motion_cues(result: LivenessResult) -> MotionCues:
    [cue] = result.cues
    assert isinstance(cue, MotionCues)
    return cue


def cues(motion: float, planarity: float, follow: float = -1.0, n: int = 8,
         structure: float = 0.6, nose: float = 0.4, lead: float | None = 0.3) -> list[TrackCue]:
    return [TrackCue(motion, planarity, 60, 20 if follow >= 0 else 0, follow,
                     structure=structure, nose_bump=nose, nose_lead=lead)] * n


def test_no_motion_asks_the_person_to_move() -> None:
    result = MotionLiveness(CONFIG).judge(cues(0.001, 0.0005))
    assert result.verdict is Verdict.INSUFFICIENT_EVIDENCE
    assert result.pending is PendingReason.MOVE_HEAD


def test_too_few_pairs_is_not_yet_evidence() -> None:
    result = MotionLiveness(CONFIG).judge(cues(0.05, 0.01, n=CONFIG.min_pairs - 1))
    assert result.verdict is Verdict.INSUFFICIENT_EVIDENCE


def test_parallax_with_a_still_ring_is_live() -> None:
    result = MotionLiveness(CONFIG).judge(cues(0.04, 0.01, follow=0.05))
    assert result.verdict is Verdict.LIVE
    assert result.score == pytest.approx((0.01 - CONFIG.noise_floor) / 0.04)
    assert motion_cues(result).ring_follow == pytest.approx(0.05)


def test_a_ring_that_moves_with_the_face_is_a_spoof_even_with_parallax() -> None:
    result = MotionLiveness(CONFIG).judge(cues(0.04, 0.01, follow=0.95))
    assert result.verdict is Verdict.SPOOF
    assert "surroundings" in result.detail


def test_evidence_is_counted_so_a_turn_after_a_slide_is_live() -> None:
    # A head that slides (planar, large motion) for most of the window, then turns a little.
    slide = cues(0.08, 0.0025, n=20, structure=CONFIG.slide_structure - 0.1)
    turn = cues(0.03, 0.004, n=CONFIG.live_pairs)
    result = MotionLiveness(CONFIG).judge(slide + turn)
    assert result.verdict is Verdict.LIVE
    assert motion_cues(result).evidence == CONFIG.live_pairs
    assert motion_cues(result).parallax < CONFIG.live_parallax  # the median alone would wait
    short = MotionLiveness(CONFIG).judge(slide + turn[1:])
    assert short.verdict is Verdict.INSUFFICIENT_EVIDENCE


def test_fewer_evidence_pairs_are_enough_when_they_are_spaced_out() -> None:
    # Neighbouring pairs at 30 frames a second are nearly one observation of the head; at 6
    # frames a second each pair is a new one.
    turn = cues(0.04, 0.01, follow=0.05, n=CONFIG.live_pairs - 1)
    dense = [k / 30 for k in range(len(turn))]
    sparse = [k / 6 for k in range(len(turn))]
    assert CONFIG.spaced_pairs <= len(turn) and CONFIG.evidence_spacing_s <= 1 / 6
    assert MotionLiveness(CONFIG).judge(turn, dense).verdict is Verdict.INSUFFICIENT_EVIDENCE
    assert MotionLiveness(CONFIG).judge(turn, sparse).verdict is Verdict.LIVE
    # Without times every pair counts once and live_pairs applies; spaced_pairs 0 is off.
    assert MotionLiveness(CONFIG).judge(turn).verdict is Verdict.INSUFFICIENT_EVIDENCE
    off = replace(CONFIG, spaced_pairs=0)
    assert MotionLiveness(off).judge(turn, sparse).verdict is Verdict.INSUFFICIENT_EVIDENCE
    five = cues(0.04, 0.01, follow=0.05, n=CONFIG.live_pairs)
    assert MotionLiveness(CONFIG).judge(five, [k / 30 for k in range(len(five))]).verdict \
        is Verdict.LIVE


def test_a_fast_slide_with_a_smooth_residual_field_is_evidence() -> None:
    # A parallax ratio between slide_parallax and live_parallax.
    ratio = (CONFIG.slide_parallax + CONFIG.live_parallax) / 2

    def pair(motion: float, structure: float) -> TrackCue:
        planarity = CONFIG.noise_floor + motion * ratio
        assert planarity >= CONFIG.live_planarity
        return TrackCue(motion, planarity, 60, 20, 0.05, structure=structure)

    check = MotionLiveness(CONFIG)
    fast, slow = CONFIG.spoof_motion + 0.02, CONFIG.spoof_motion - 0.005
    assert check.live_evidence(pair(fast, CONFIG.slide_structure + 0.05))
    assert not check.live_evidence(pair(fast, CONFIG.slide_structure - 0.05))
    assert not check.live_evidence(pair(slow, CONFIG.slide_structure + 0.05))
    off = MotionLiveness(replace(CONFIG, slide_structure=0.0))
    assert not off.live_evidence(pair(fast, CONFIG.slide_structure + 0.05))


def test_talking_shows_parallax_below_the_spoof_rules_motion() -> None:
    # Face motion under min_motion: never enough to call a picture flat, but a residual
    # this far above the tracking noise is a moving face, not a picture.
    between = (CONFIG.evidence_motion + CONFIG.min_motion) / 2
    talking = cues(between, 0.006)
    assert MotionLiveness(CONFIG).judge(talking).verdict is Verdict.LIVE
    tremor = cues(CONFIG.evidence_motion / 2, 0.006, nose=CONFIG.turn_nose - 0.05)
    assert MotionLiveness(CONFIG).judge(tremor).verdict is Verdict.INSUFFICIENT_EVIDENCE
    noise = cues(between, CONFIG.noise_floor * 1.2)
    assert MotionLiveness(CONFIG).judge(noise).verdict is Verdict.INSUFFICIENT_EVIDENCE


def test_a_pair_whose_surroundings_follow_the_face_is_never_evidence() -> None:
    check = MotionLiveness(CONFIG)
    assert check.live_evidence(cues(0.04, 0.01, follow=0.1, n=1)[0])
    assert not check.live_evidence(cues(0.04, 0.01, follow=0.9, n=1)[0])
    assert not check.live_evidence(TrackCue(0.04, 0.01, 4))  # too few tracks to trust


def test_parallax_without_a_smooth_field_is_never_evidence() -> None:
    # Residuals as large as a head's, but scattered like tracking noise (a blurred, noisy
    # print), or too few tracks to tell: not evidence, however many such pairs there are.
    check = MotionLiveness(CONFIG)
    smooth = cues(0.04, 0.01, follow=0.1, n=1, structure=CONFIG.live_structure)[0]
    assert check.live_evidence(smooth)
    for structure in (CONFIG.live_structure - 0.01, -1.0):
        scattered = cues(0.04, 0.01, follow=0.1, structure=structure, n=20)
        assert not check.live_evidence(scattered[0])
        assert MotionLiveness(CONFIG).judge(scattered).verdict is not Verdict.LIVE
    unchecked = MotionLiveness(LivenessConfig(live_structure=0.0))
    assert unchecked.live_evidence(cues(0.04, 0.01, follow=0.1, n=1, structure=-1.0)[0])


def test_live_needs_an_evidence_pair_whose_nose_stands_out() -> None:
    # Parallax, a smooth field and a still room, but no bump at the nose: a bent or cut-out
    # picture's noise now and then passes the other tests; its printed nose does not stand out.
    flat_nose = cues(0.04, 0.01, follow=0.05, nose=CONFIG.live_nose - 0.01)
    assert all(MotionLiveness(CONFIG).live_evidence(c) for c in flat_nose)
    assert MotionLiveness(CONFIG).judge(flat_nose).verdict is Verdict.INSUFFICIENT_EVIDENCE
    # One evidence pair with the nose standing out is enough (a head sliding in shows little
    # of it until it turns); more can be asked; and the test can be switched off.
    nosed = cues(0.04, 0.01, follow=0.05, n=1, nose=CONFIG.live_nose)
    one = flat_nose[:-1] + nosed
    assert CONFIG.nose_pairs == 1
    assert MotionLiveness(CONFIG).judge(one).verdict is Verdict.LIVE
    assert motion_cues(MotionLiveness(CONFIG).judge(one)).nose == 1  # logged with the scores
    two = replace(CONFIG, nose_pairs=2)
    assert MotionLiveness(two).judge(one).verdict is Verdict.INSUFFICIENT_EVIDENCE
    assert MotionLiveness(two).judge(flat_nose[:-2] + nosed * 2).verdict is Verdict.LIVE
    off = replace(CONFIG, nose_pairs=0)
    assert MotionLiveness(off).judge(flat_nose).verdict is Verdict.LIVE
    # Cues recorded without the nose (-1) never show it.
    unmeasured = cues(0.04, 0.01, follow=0.05, nose=-1.0)
    assert MotionLiveness(CONFIG).judge(unmeasured).verdict is not Verdict.LIVE


def test_the_nose_must_lead_the_face_to_show_it() -> None:
    # A nose bump pushed against the face's motion, or across it: a highlight sliding over a
    # glossy print, not a head's nose, which moves further than its cheeks and the same way.
    check = MotionLiveness(CONFIG)
    assert CONFIG.nose_lead > 0.0
    for lead in (-0.3, 0.0, CONFIG.nose_lead - 0.01, None):
        lagging = cues(0.04, 0.01, follow=0.05, lead=lead)
        assert not check.shows_nose(lagging[0])
        assert check.judge(lagging).verdict is not Verdict.LIVE
        assert motion_cues(check.judge(lagging)).nose == 0
    leading = cues(0.04, 0.01, follow=0.05, lead=CONFIG.nose_lead)
    assert check.shows_nose(leading[0])
    assert check.judge(leading).verdict is Verdict.LIVE
    # -1 switches the test off: the bump alone shows the nose, even unmeasured lead.
    off = MotionLiveness(replace(CONFIG, nose_lead=-1.0))
    assert off.judge(cues(0.04, 0.01, follow=0.05, lead=-0.3)).verdict is Verdict.LIVE
    assert off.judge(cues(0.04, 0.01, follow=0.05, lead=None)).verdict is Verdict.LIVE


def test_the_nose_must_stand_out_of_a_smooth_field() -> None:
    # A highlight on a glossy cut-out bends a patch of tracks while the rest is noise: the
    # pair is still evidence, but its bump does not show a head's nose.
    check = MotionLiveness(CONFIG)
    assert CONFIG.nose_structure > CONFIG.live_structure
    rough = cues(0.04, 0.01, follow=0.05, structure=CONFIG.nose_structure - 0.01)
    assert check.live_evidence(rough[0])
    assert not check.shows_nose(rough[0])
    assert check.judge(rough).verdict is Verdict.INSUFFICIENT_EVIDENCE
    assert motion_cues(check.judge(rough)).nose == 0
    smooth = cues(0.04, 0.01, follow=0.05, structure=CONFIG.nose_structure)
    assert check.judge(rough[:-1] + smooth[:1]).verdict is Verdict.LIVE
    # 0 switches the test off: the bump alone shows the nose again.
    off = MotionLiveness(replace(CONFIG, nose_structure=0.0))
    assert off.judge(rough).verdict is Verdict.LIVE


def test_the_lead_is_not_asked_of_a_face_that_hardly_shifts() -> None:
    # Below nose_lead_motion the shift's direction is a head turning against a swaying body
    # as often as not: the bump alone shows the nose there.
    slow = CONFIG.nose_lead_motion - 0.005
    assert slow >= CONFIG.evidence_motion
    check = MotionLiveness(CONFIG)
    assert check.judge(cues(slow, 0.01, follow=0.05, lead=-0.3)).verdict is Verdict.LIVE
    assert check.judge(cues(CONFIG.nose_lead_motion, 0.01, follow=0.05,
                            lead=-0.3)).verdict is not Verdict.LIVE


def test_a_head_turning_in_place_is_evidence_below_the_evidence_motion() -> None:
    # The face hardly shifts, yet its residual is a smooth field with the nose standing out.
    still = CONFIG.evidence_motion / 2
    check = MotionLiveness(CONFIG)
    assert check.live_evidence(cues(still, 0.01, follow=0.05, n=1, nose=CONFIG.turn_nose)[0])
    assert not check.live_evidence(cues(still, 0.01, follow=0.05, n=1,
                                        nose=CONFIG.turn_nose - 0.01)[0])
    off = MotionLiveness(replace(CONFIG, turn_nose=0.0))
    assert not off.live_evidence(cues(still, 0.01, follow=0.05, n=1, nose=0.9)[0])


def test_large_planar_motion_is_a_spoof_and_small_planar_motion_is_not_yet() -> None:
    big = MotionLiveness(CONFIG).judge(cues(0.2, CONFIG.noise_floor))
    assert big.verdict is Verdict.SPOOF and "flat picture" in big.detail
    small = MotionLiveness(CONFIG).judge(cues(0.02, CONFIG.noise_floor))
    assert small.verdict is Verdict.INSUFFICIENT_EVIDENCE


def read_frames(path: Path, seconds: float) -> tuple[list[np.ndarray], float]:
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS)
    frames = []
    for _ in range(round(seconds * fps)):
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames, fps


def first_decision(engine: Engine, frames: list[np.ndarray], fps: float,
                   config: LivenessConfig = CONFIG) -> tuple[Verdict, float | None]:
    check = MotionLiveness(config)
    result = None
    for index, frame in enumerate(frames):
        faces = engine.detector.detect(frame)
        if not faces:
            check.reset()
            continue
        result = check.observe(frame, faces[0], index / fps)
        if result.decided:
            return result.verdict, index / fps
    assert result is not None, "no face in any frame"
    return result.verdict, None


@pytest.mark.slow
def test_a_person_turning_their_head_is_live_within_two_seconds(engine: Engine) -> None:
    frames, fps = read_frames(dataset("videos", "1zlab_face.mp4"), 2.0)
    verdict, after = first_decision(engine, frames, fps)
    assert verdict is Verdict.LIVE
    assert after is not None and after <= 2.0


@pytest.mark.slow
def test_a_nearly_still_face_is_asked_to_move(engine: Engine) -> None:
    frames, fps = read_frames(dataset("videos", "evm_mit_face.mp4"), 2.0)
    assert first_decision(engine, frames, fps) == (Verdict.INSUFFICIENT_EVIDENCE, None)


@pytest.mark.slow
def test_a_held_print_of_the_same_person_is_not_live(engine: Engine) -> None:
    frames, fps = read_frames(dataset("videos", "instant_high_face.mp4"), 0.1)
    rng = np.random.default_rng(11)
    motion = attack.random_motion(rng)
    printed = list(attack.presentation(frames[0], motion, round(2.5 * fps), fps, seed=11))
    verdict, _ = first_decision(engine, printed, fps)
    assert verdict is not Verdict.LIVE


def test_a_moving_picture_is_refused_and_stays_refused_until_reset() -> None:
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (60, 80), dtype=np.uint8)
    picture = np.asarray(cv2.cvtColor(cv2.resize(small, (320, 240),
                                                 interpolation=cv2.INTER_CUBIC),
                                      cv2.COLOR_GRAY2BGR), np.uint8)
    check = MotionLiveness(CONFIG)
    results = []
    for step in range(25):
        shift = np.array([[1, 0, 2.0 * step], [0, 1, step], [0, 0, 1.0]])
        frame = np.asarray(cv2.warpPerspective(picture, shift, (320, 240),
                                               borderMode=cv2.BORDER_REFLECT), np.uint8)
        face = Face(Box(120 + 2 * step, 80 + step, 80, 80), FACE_POINTS, 0.9)
        results.append(check.observe(frame, face, step / 10))
    assert results[0].verdict is Verdict.INSUFFICIENT_EVIDENCE
    assert results[-1].verdict is Verdict.SPOOF
    still = check.observe(picture, Face(Box(120, 80, 80, 80), FACE_POINTS, 0.9), 2.6)
    assert still.verdict is Verdict.SPOOF
    check.reset()
    fresh = check.observe(picture, Face(Box(120, 80, 80, 80), FACE_POINTS, 0.9), 2.7)
    assert fresh.verdict is Verdict.INSUFFICIENT_EVIDENCE


def test_a_large_frame_keeps_its_pairs() -> None:
    # Frames wider than the working size are scaled down: the same face in two frames is
    # still the same face, not someone who jumped (which would start the check over).
    rng = np.random.default_rng(1)
    picture = np.asarray(cv2.resize(rng.integers(0, 256, (72, 128, 3), dtype=np.uint8),
                                    (1280, 720), interpolation=cv2.INTER_CUBIC), np.uint8)
    check = MotionLiveness(CONFIG)
    face = Face(Box(800, 300, 200, 200), FACE_POINTS, 0.9)
    results = [check.observe(picture, face, step / 10) for step in range(12)]
    assert motion_cues(results[-1]).motion == pytest.approx(0.0, abs=0.01)
    assert len(check._pairs) == 12 - round(CONFIG.gap_s * 10)


def test_sparse_frames_keep_sparse_pairs_up_to_three_windows_back() -> None:
    # A kiosk processing 5 frames a second: the 1 s window alone would hold 6 pairs.
    picture = np.full((240, 320, 3), 128, np.uint8)
    face = Face(Box(120, 80, 80, 80), FACE_POINTS, 0.9)
    for sparse, kept in ((CONFIG.min_pairs, 6), (10, 10), (20, 16)):
        check = MotionLiveness(replace(CONFIG, sparse_pairs=sparse))
        for step in range(20):
            check.observe(picture, face, step / 5)
        assert len(check._pairs) == kept


def test_config_rejects_contradictory_thresholds() -> None:
    from turnstile.config import ConfigError, from_dict

    with pytest.raises(ConfigError, match="planar_parallax"):
        from_dict({"liveness": {"planar_parallax": 0.5, "live_parallax": 0.1}})
    with pytest.raises(ConfigError, match="slide_parallax"):
        from_dict({"liveness": {"slide_parallax": 0.2, "live_parallax": 0.1}})
    with pytest.raises(ConfigError, match="turn_nose"):
        from_dict({"liveness": {"turn_nose": 0.1, "live_nose": 0.2}})
    assert from_dict({"liveness": {"turn_nose": 0.0, "live_nose": 0.2}}).liveness.turn_nose == 0
    with pytest.raises(ConfigError, match="unknown key"):
        from_dict({"liveness": {"ring_ratio": 0.5}})
    assert from_dict({"liveness": {"challenge": True}}).liveness.challenge
    assert isinstance(Config().liveness, LivenessConfig)


def test_a_face_too_small_to_track_is_asked_to_come_closer() -> None:
    small = [TrackCue(0.04, 0.02, 60, 0, -1.0, upscale=2.0)] * 8
    result = MotionLiveness(CONFIG).judge(small)
    assert result.verdict is Verdict.INSUFFICIENT_EVIDENCE
    assert result.pending is PendingReason.COME_CLOSER
    assert motion_cues(result).upscale == 2.0


def test_a_framed_pair_withholds_live_and_enough_of_them_refuse() -> None:
    live = cues(0.04, 0.01, follow=0.05)
    framed = dataclasses.replace(live[0], framed=True)
    check = MotionLiveness(CONFIG)
    assert check.judge(live).verdict is Verdict.LIVE
    # A screen's replayed head turns like a live one: one framed pair is not yet a refusal,
    # but it is no longer a grant either.
    withheld = check.judge([*live, framed])
    assert withheld.verdict is Verdict.INSUFFICIENT_EVIDENCE
    refused = check.judge(live + [framed] * CONFIG.framed_pairs)
    assert refused.verdict is Verdict.SPOOF and "frame" in refused.detail
    off = MotionLiveness(LivenessConfig(framed_pairs=0))
    assert off.judge(live + [framed] * 5).verdict is Verdict.LIVE
