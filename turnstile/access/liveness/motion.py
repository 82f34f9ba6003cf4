"""The model-free motion check: does the face move like a head in a still room?"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import cv2
import numpy as np

from turnstile.access.liveness.cues import (
    MIN_TRACKS,
    WORK_FACE_PX,
    GreyImage,
    TrackCue,
    landmark_similarity,
    track_cue,
)
from turnstile.access.liveness.screen import FrameEdges, find_edges, following_sides
from turnstile.config import LivenessConfig
from turnstile.types import Face, Image, LivenessResult, MotionCues, PendingReason, Verdict

#: Frames are kept in grey at most this wide or high (faces at a turnstile are large).
MAX_SIDE = 960
#: How far back pairs are kept when fewer than `min_pairs` fall inside the window.
MAX_WINDOW_FACTOR = 3.0
#: A face whose centre jumps by more than this many face sizes between frames is someone else.
MAX_JUMP = 0.6


@dataclass(frozen=True)
class _Frame:
    at: float
    grey: GreyImage
    face: Face
    edges: FrameEdges | None = None


@dataclass(frozen=True)
class _Pair:
    at: float
    cue: TrackCue


class MotionLiveness:
    """Compares each frame with the one `gap_s` earlier and judges the last `window_s` of pairs.

    A live head turning in a still room shows parallax (its tracks do not fit one homography)
    while its surroundings stay put; a held picture moves as one plane, surroundings included.
    Without enough face motion it answers INSUFFICIENT_EVIDENCE instead of guessing. The first
    decisive verdict is kept until `reset`, so a picture cannot try again until a noisy
    window happens to look live.
    """

    def __init__(self, config: LivenessConfig) -> None:
        self._config = config
        self._frames: deque[_Frame] = deque()
        self._pairs: deque[_Pair] = deque()
        self._final: LivenessResult | None = None

    @property
    def _measures_edges(self) -> bool:
        return self._config.screen_pairs > 0 or self._config.framed_pairs > 0

    def reset(self) -> None:
        self._frames.clear()
        self._pairs.clear()
        self._final = None

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        if self._final is not None:
            return self._final
        grey, scaled = _grey(frame, face)
        # Kept frames hold their face in the scaled frame's pixels: compare like with like.
        if self._frames and _jumped(self._frames[-1].face, scaled):
            self.reset()
        edges = find_edges(grey, scaled.box) if self._measures_edges else None
        current = _Frame(at, grey, scaled, edges)
        earlier = self._partner(at)
        self._frames.append(current)
        if earlier is not None:
            self._pairs.append(_Pair(at, self._cue(earlier, current)))
        self._prune(at)
        result = self.judge([pair.cue for pair in self._pairs], [pair.at for pair in self._pairs])
        if result.decided:
            self._final = result
        return result

    def _cue(self, earlier: _Frame, current: _Frame) -> TrackCue:
        """The cues of one pair (a method so that benchmarks can replay recorded cues)."""
        align = None
        if self._config.align_tracks:
            align = landmark_similarity(earlier.face.landmark_array(),
                                        current.face.landmark_array())
        cue = track_cue(earlier.grey, current.grey, earlier.face.box, current.face.box, align,
                        self._config.smooth_light, earlier.face.landmarks[2])
        if earlier.edges is None or current.edges is None:
            return cue
        return replace(cue, frame_follow=following_sides(earlier.edges, current.edges),
                       framed=earlier.edges.framed or current.edges.framed)

    def _prune(self, at: float) -> None:
        """Keep `window_s` of pairs, or the last `sparse_pairs` of up to MAX_WINDOW_FACTOR
        times that long: a kiosk that processes only a few frames a second still gets a
        verdict."""
        window = self._config.window_s
        while self._pairs and self._pairs[0].at < at - window and (
                len(self._pairs) > max(self._config.sparse_pairs, self._config.min_pairs)
                or self._pairs[0].at < at - MAX_WINDOW_FACTOR * window):
            self._pairs.popleft()

    def _partner(self, at: float) -> _Frame | None:
        """The kept frame closest to `gap_s` ago, dropping frames older than that."""
        target = at - self._config.gap_s
        while len(self._frames) >= 2 and self._frames[1].at <= target:
            self._frames.popleft()
        if self._frames and self._frames[0].at <= target:
            return self._frames[0]
        return None

    def judge(self, cues: list[TrackCue], times: list[float] | None = None) -> LivenessResult:
        """The verdict over a window of frame pairs and their times (public so benchmarks can
        replay cues; without times every evidence pair counts)."""
        cfg = self._config
        framed = self._framed(cues)
        if framed is not None:
            return LivenessResult(Verdict.SPOOF, 0.0, framed, (MotionCues(0.0, 0, 0),))
        tracked = [c for c in cues if c.face_points >= MIN_TRACKS]
        moving = [c for c in tracked if c.face_motion >= cfg.min_motion]
        # Each pair is judged once; its time goes along for the spaced count.
        timed = list(zip(cues, times or [0.0] * len(cues), strict=True))
        evidence_at = [(c, t) for c, t in timed if self.live_evidence(c)]
        evidence = [c for c, _ in evidence_at]
        nosed = self._nose_pairs(evidence)
        enough = (self._enough_evidence([t for _, t in evidence_at], times is not None)
                  and nosed >= cfg.nose_pairs)
        motion = float(np.median([c.face_motion for c in cues])) if cues else 0.0
        if len(moving) < cfg.min_pairs and not enough:
            return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, 0.0,
                                  cues=(MotionCues(motion, len(moving), len(evidence),
                                                   nose=nosed),),
                                  pending=PendingReason.MOVE_HEAD)
        judged = moving or evidence
        upscale = float(np.median([c.upscale for c in judged]))
        planarity = float(np.median([c.planarity for c in judged]))
        parallax = float(np.median([self._parallax(c) for c in judged]))
        structures = [c.structure for c in judged if c.structure >= 0.0]
        structure = float(np.median(structures)) if structures else -1.0
        rings = [c.ring_follow for c in moving if c.ring_follow >= 0.0]
        ring = float(np.median(rings)) if len(rings) >= cfg.min_pairs else -1.0
        cues_out = (MotionCues(motion, len(moving), len(evidence), planarity, parallax, ring,
                               structure, upscale, nosed),)
        if len(moving) >= cfg.min_pairs and ring >= cfg.ring_follow:
            return LivenessResult(Verdict.SPOOF, parallax,
                                  "the surroundings move with the face", cues_out)
        if upscale > WORK_FACE_PX / cfg.motion_min_face_px:
            return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, parallax, cues=cues_out,
                                  pending=PendingReason.COME_CLOSER)
        # Evidence is counted, not averaged: a head shows parallax in the pairs where it
        # turns, however still it holds (or however much it slides) in the others.
        # A framed pair that is not yet enough to refuse still withholds LIVE: a screen's
        # replayed head shows real parallax, often before its frame is seen three times.
        framing = cfg.framed_pairs > 0 and any(c.framed for c in cues)
        if enough and self._room_stays(tracked) and not framing:
            return LivenessResult(Verdict.LIVE, parallax, cues=cues_out)
        if (len(moving) >= cfg.min_pairs and parallax < cfg.planar_parallax
                and motion >= cfg.spoof_motion):
            return LivenessResult(Verdict.SPOOF, parallax, "the face moves like a flat picture",
                                  cues_out)
        return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, parallax, cues=cues_out,
                              pending=PendingReason.MOVE_HEAD)

    def _framed(self, cues: list[TrackCue]) -> str | None:
        """Why the window shows a screen's or sheet's frame, or None: its edges move with the
        face in `screen_pairs` pairs, or close under the face in a frame of `framed_pairs`
        (checked before every other rule: a replayed head turns like a live one)."""
        cfg = self._config
        screens = sum(c.frame_follow >= cfg.screen_sides for c in cues)
        if cfg.screen_pairs > 0 and screens >= cfg.screen_pairs:
            return "a screen's or sheet's edges move with the face"
        if cfg.framed_pairs > 0 and sum(c.framed for c in cues) >= cfg.framed_pairs:
            return "the face is inside a screen's or sheet's frame"
        return None

    def _enough_evidence(self, at: list[float], timed: bool) -> bool:
        """`live_pairs` evidence pairs (at times `at`), or `spaced_pairs` of them each
        `evidence_spacing_s` after the last: at 30 frames a second neighbouring pairs are
        nearly one observation of the head, at 6 a second each is a new one, and five in a
        window would need nearly every pair (not `timed` when benchmarks judge bare cues:
        every pair counts)."""
        cfg = self._config
        if len(at) >= cfg.live_pairs:
            return True
        if not timed or cfg.spaced_pairs <= 0:
            return False
        kept: list[float] = []
        for t in at:
            if not kept or t - kept[-1] >= cfg.evidence_spacing_s - 1e-9:
                kept.append(t)
        return len(kept) >= cfg.spaced_pairs

    def _nose_pairs(self, evidence: list[TrackCue]) -> int:
        """Evidence pairs whose nose stands out of the face (`live_nose`): a bent or cut-out
        picture's noise passes the other tests now and then, but its printed nose does not
        stand out; `nose_pairs` of them are asked, not every pair, because a head sliding in
        shows little of it until it turns."""
        return sum(self.shows_nose(c) for c in evidence)

    def shows_nose(self, cue: TrackCue) -> bool:
        """The pair's nose stands out of a smooth field (`live_nose`, `nose_structure`) and,
        when the face moves clearly (`nose_lead_motion`), leads it (`nose_lead`): a head's
        nose moves further than its cheeks, the same way, and the rest of the face moves
        smoothly too; a highlight sliding over a glossy print bends a patch of tracks into a
        bump that is pushed any way, in a field of noise."""
        cfg = self._config
        if cue.nose_bump < cfg.live_nose or cue.structure < cfg.nose_structure:
            return False
        if cfg.nose_lead <= -1.0 or cue.face_motion < cfg.nose_lead_motion:
            return True
        return cue.nose_lead is not None and cue.nose_lead >= cfg.nose_lead

    def _parallax(self, cue: TrackCue) -> float:
        """Planarity residual above the tracking noise per unit of face motion.

        Tracking noise is about constant in the camera's pixels, so a face smaller than the
        working size has proportionally more of it in face sizes. Motion below `min_motion`
        counts as `min_motion`: a tiny motion must not turn noise into a large ratio.
        """
        noise = self._config.noise_floor * cue.upscale
        return max(cue.planarity - noise, 0.0) / max(cue.face_motion, self._config.min_motion)

    def live_evidence(self, cue: TrackCue) -> bool:
        """One pair that a flat picture does not produce: enough motion, a residual clear of
        tracking noise (small motions) that also grows with the motion (large motions blur a
        picture's tracks a little; a fast slide may show less of it if its field is smoother)
        and forms a smooth field over the face (a head's depth, not noise), while the
        surroundings stay behind."""
        cfg = self._config
        parallax = self._parallax(cue)
        return (cue.face_points >= MIN_TRACKS and self._moves_enough(cue)
                and cue.planarity >= cfg.live_planarity * cue.upscale
                and (parallax >= cfg.live_parallax or self._slides_live(cue, parallax))
                and (cfg.live_structure <= 0.0 or cue.structure >= cfg.live_structure)
                and cue.ring_follow < cfg.live_ring_follow)

    def _moves_enough(self, cue: TrackCue) -> bool:
        """At least `evidence_motion`, or a head turning nearly in place: its face hardly
        shifts, yet the nose clearly stands out (`turn_nose`); a picture moving that little
        leaves only noise, which a bump at the nose explains no better than chance."""
        cfg = self._config
        return cue.face_motion >= cfg.evidence_motion or (
            cfg.turn_nose > 0.0 and cue.nose_bump >= cfg.turn_nose)

    def _slides_live(self, cue: TrackCue, parallax: float) -> bool:
        """A fast slide whose small residual is a very smooth field: a head moving sideways
        before it turns (4 of 728 such sliding pairs of the tuning prints were this smooth)."""
        cfg = self._config
        return (cfg.slide_structure > 0.0 and cue.face_motion >= cfg.spoof_motion
                and cue.structure >= cfg.slide_structure and parallax >= cfg.slide_parallax)

    def _room_stays(self, tracked: list[TrackCue]) -> bool:
        """Where the surroundings can be tracked, most of the window's pairs must show them
        staying behind: a picture's own surroundings follow the face in most pairs even when
        a few pairs of it look like parallax."""
        cfg = self._config
        rings = [c.ring_follow for c in tracked
                 if c.face_motion >= cfg.evidence_motion and c.ring_follow >= 0.0]
        return len(rings) < cfg.min_pairs or float(np.median(rings)) < cfg.live_ring_follow


def _grey(frame: Image, face: Face) -> tuple[GreyImage, Face]:
    height, width = frame.shape[:2]
    scale = min(1.0, MAX_SIDE / max(height, width))
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    if scale < 1.0:
        grey = cv2.resize(grey, (round(width * scale), round(height * scale)),
                          interpolation=cv2.INTER_AREA)
        face = face.scaled(scale)
    return np.asarray(grey, np.uint8), face


def _jumped(previous: Face, current: Face) -> bool:
    (px, py), (cx, cy) = previous.box.center, current.box.center
    return bool(np.hypot(cx - px, cy - py) > MAX_JUMP * max(previous.box.size, 1.0))
