"""Attack families for liveness evaluation, each generated on its own from real faces.

Families: flat prints of the face only, of the full frame with its scene, and of a cut-out
face; prints rolled in the image plane and tilted in perspective with the distance changing;
bent prints whose bend changes; and a phone or tablet replaying a live clip, held by a hand or
resting still. Every presentation draws its own pose trajectory, room (a frame of another
clip), light, blur, noise, compression and frame rate from a seeded generator, so a family
is reproducible and families can be held out from tuning one at a time.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from turnstile.access.liveness import render
from turnstile.types import Box, Image

#: Camera frame size of every generated presentation (a common webcam mode).
FRAME_SIZE = (640, 480)
FRAME_RATES = (15.0, 30.0, 60.0)
#: Sinusoids summed per trajectory: hand tremor plus slow sway.
HARMONICS = 3


class Family(enum.Enum):
    FLAT_FACE = "flat_face"
    FLAT_FULL = "flat_full"
    CUTOUT = "cutout"
    ROLLED = "rolled"
    BENT = "bent"
    REPLAY_HANDHELD = "replay_handheld"
    REPLAY_RESTING = "replay_resting"

    @property
    def replay(self) -> bool:
        return self in (Family.REPLAY_HANDHELD, Family.REPLAY_RESTING)


PRINT_FAMILIES = tuple(f for f in Family if not f.replay)


@dataclass(frozen=True)
class Source:
    """A face to attack with: a still (prints) or a clip's frames (replays), and its box."""

    name: str
    frames: tuple[Image, ...]
    box: Box
    fps: float = 30.0


@dataclass(frozen=True)
class Wave:
    """A smooth random trajectory: base + amplitude x (mean of a few sinusoids)."""

    base: float
    amplitude: float
    phases: tuple[float, ...] = ()
    frequencies: tuple[float, ...] = ()

    def at(self, t: float) -> float:
        if not self.phases:
            return self.base
        total = sum(np.sin(2 * np.pi * f * t + p)
                    for f, p in zip(self.frequencies, self.phases, strict=True))
        return self.base + self.amplitude * float(total) / len(self.phases)


def _wave(rng: np.random.Generator, base: float, amplitude: float,
          slow: float = 0.1, fast: float = 0.9) -> Wave:
    return Wave(base, amplitude, tuple(float(p) for p in rng.uniform(0, 2 * np.pi, HARMONICS)),
                tuple(float(f) for f in rng.uniform(slow, fast, HARMONICS)))


@dataclass(frozen=True)
class Spec:
    """One presentation: what is shown, how it moves and how the camera captures it."""

    family: Family
    source: str
    seed: int
    fps: float
    seconds: float
    face_px: float
    waves: dict[str, Wave] = field(default_factory=dict)
    gain: float = 1.0
    gamma: float = 1.0
    blur_sigma: float = 0.0
    noise_sigma: float = 0.0
    jpeg_quality: int = 90
    #: Print: white border (share of the sheet). Replay: bezel width, moire, banding, glare.
    border: float = 0.0
    moire: float = 0.0
    band: float = 0.0
    glare: float = 0.0
    #: Replay: second of the clip the screen starts at; its own gamma.
    offset_s: float = 0.0
    screen_gamma: float = 1.0
    #: Whether the glare clips at white (as drawn; False only to measure what clipping does).
    glare_clips: bool = True


def draw_spec(family: Family, source: Source, seed: int, seconds: float) -> Spec:
    """A random presentation of `family` (reproducible from `seed`)."""
    rng = np.random.default_rng(seed)
    hand = 0.05 if family is Family.REPLAY_RESTING else 1.0
    width = FRAME_SIZE[0]
    waves = {
        "x": _wave(rng, rng.uniform(-0.1, 0.1) * width, rng.uniform(0.005, 0.04) * width * hand),
        "y": _wave(rng, rng.uniform(-0.08, 0.08) * width,
                   rng.uniform(0.005, 0.04) * width * hand),
        "scale": _wave(rng, 1.0, rng.uniform(0.005, 0.05) * hand),
        "roll": _wave(rng, rng.uniform(-3, 3), rng.uniform(0.3, 4.0) * hand),
        "yaw": _wave(rng, rng.uniform(-8, 8), rng.uniform(1.0, 15.0) * hand),
        "pitch": _wave(rng, rng.uniform(-8, 8), rng.uniform(1.0, 15.0) * hand),
        "bend": Wave(0.0, 0.0),
        "light": _wave(rng, 1.0, 0.03),
    }
    if family is Family.ROLLED:
        roll_amp = rng.uniform(2, 10)
        tilt_amp = rng.uniform(5, 15)
        waves["roll"] = _wave(rng, rng.uniform(-1, 1) * (20 - roll_amp), roll_amp)
        waves["yaw"] = _wave(rng, rng.uniform(-1, 1) * (30 - tilt_amp), tilt_amp)
        waves["pitch"] = _wave(rng, rng.uniform(-1, 1) * (30 - tilt_amp), tilt_amp)
        waves["scale"] = _wave(rng, 1.0, rng.uniform(0.1, 0.3))
    if family is Family.BENT:
        waves["bend"] = _wave(rng, rng.choice([-1, 1]) * rng.uniform(15, 70),
                              rng.uniform(5, 30), 0.2, 1.2)
    replay = family.replay
    clip_s = len(source.frames) / source.fps
    return Spec(
        family, source.name, seed, float(rng.choice(FRAME_RATES)), seconds,
        float(rng.uniform(110, 220)), waves, float(rng.uniform(0.6, 1.15)),
        float(rng.uniform(0.8, 1.25)), float(rng.uniform(0.0, 1.4)),
        float(rng.uniform(0.0, 4.0)), int(rng.integers(35, 96)),
        float(rng.uniform(0.03, 0.1) if replay else rng.uniform(0.0, 0.08)),
        float(rng.uniform(0.0, 0.25)) if replay else 0.0,
        float(rng.uniform(0.0, 0.3)) if replay else 0.0,
        float(rng.uniform(0.0, 0.5)),
        float(rng.uniform(0.0, max(clip_s - seconds, 0.0))) if replay else 0.0,
        float(rng.uniform(0.7, 1.4)) if replay else 1.0)


def room_from(frame: Image, boxes: Sequence[Box]) -> Image:
    """A frame of another clip as the room behind the attack, its faces blurred away."""
    room = cv2.resize(frame, FRAME_SIZE, interpolation=cv2.INTER_AREA)
    sx, sy = FRAME_SIZE[0] / frame.shape[1], FRAME_SIZE[1] / frame.shape[0]
    smeared = cv2.GaussianBlur(room, (0, 0), 25)
    for box in boxes:
        x0, y0 = max(int((box.x - 0.4 * box.w) * sx), 0), max(int((box.y - 0.5 * box.h) * sy), 0)
        x1, y1 = int((box.x + 1.4 * box.w) * sx), int((box.y + 1.6 * box.h) * sy)
        room[y0:y1, x0:x1] = smeared[y0:y1, x0:x1]
    return np.asarray(room, np.uint8)


def _sheet(spec: Spec, source: Source, frame: Image) -> tuple[Image, render.Alpha, Box]:
    """The picture as printed or shown (with border or bezel), its alpha, the face in it."""
    box = source.box
    if spec.family in (Family.FLAT_FACE, Family.CUTOUT) or (
            spec.family in (Family.ROLLED, Family.BENT) and spec.seed % 2 == 0):
        reach = 1.1 if spec.family is Family.CUTOUT else 0.9
        cx, cy = box.center
        x0, y0 = max(int(cx - reach * box.w), 0), max(int(cy - reach * 1.15 * box.h), 0)
        x1 = min(int(cx + reach * box.w), frame.shape[1])
        y1 = min(int(cy + reach * 1.15 * box.h), frame.shape[0])
        frame = frame[y0:y1, x0:x1]
        box = Box(box.x - x0, box.y - y0, box.w, box.h)
    if spec.family.replay:
        content = render.screen(frame, spec.screen_gamma, spec.moire, spec.seed % 7 * 0.4,
                                spec.band, 0.0)
    else:
        content = render.printed(frame, float(np.clip(spec.gain + 0.1, 0.75, 0.95)), 245.0)
    height, width = content.shape[:2]
    pad = int(spec.border * max(width, height))
    fill = (20, 20, 20) if spec.family.replay else (238, 240, 242)
    sheet = cv2.copyMakeBorder(content, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=fill)
    alpha = np.ones(sheet.shape[:2], np.float32)
    face = Box(box.x + pad, box.y + pad, box.w, box.h)
    if spec.family is Family.CUTOUT:
        alpha = np.zeros(sheet.shape[:2], np.float32)
        cx, cy = face.center
        cv2.ellipse(alpha, (int(cx), int(cy - 0.1 * face.h)),
                    (int(0.62 * face.w), int(0.85 * face.h)), 0, 0, 360, 1.0, -1)
        alpha = cv2.GaussianBlur(alpha, (0, 0), 1.0)
    return np.asarray(sheet, np.uint8), alpha, face


def pose_at(spec: Spec, face: Box, sheet_shape: tuple[int, ...], t: float) -> render.Pose:
    """The sheet's pose at `t`: the face near the frame's centre at its drawn size."""
    w = spec.waves
    scale = spec.face_px / max(face.size, 1.0) * w["scale"].at(t)
    dx = (face.center[0] - sheet_shape[1] / 2) * scale
    dy = (face.center[1] - sheet_shape[0] / 2) * scale
    return render.Pose(FRAME_SIZE[0] / 2 + w["x"].at(t) - dx, FRAME_SIZE[1] / 2 + w["y"].at(t) - dy,
                       scale, w["roll"].at(t), w["yaw"].at(t), w["pitch"].at(t), w["bend"].at(t))


def _shrink(image: Image, factor: float) -> Image:
    if factor >= 1.0:
        return image
    size = (round(image.shape[1] * factor), round(image.shape[0] * factor))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), np.uint8)


def presentation(spec: Spec, source: Source, room: Image) -> Iterator[Image]:
    """The frames a camera sees of the attack, `spec.fps` a second for `spec.seconds`."""
    rng = np.random.default_rng(spec.seed + 1)
    printed = _sheet(spec, source, source.frames[0])
    # A screen's content is drawn at about the size it is seen (rendering cost, not looks).
    factor = min(1.0, 1.5 * spec.face_px / max(source.box.size, 1.0))
    shrunk = Source(source.name, (), source.box.scaled(factor), source.fps)
    for index in range(round(spec.seconds * spec.fps)):
        t = index / spec.fps
        if spec.family.replay:  # the screen plays the clip
            at = int((spec.offset_s + t) * source.fps) % len(source.frames)
            sheet, alpha, face = _sheet(spec, shrunk, _shrink(source.frames[at], factor))
        else:
            sheet, alpha, face = printed
        if spec.family.replay and spec.band > 0:
            band_at = (t * 3.7 + spec.seed * 0.13) % 1.0  # refresh bands roll down the screen
            sheet = render.screen(sheet, 1.0, 0.0, 0.0, spec.band, band_at)
        pose = pose_at(spec, face, sheet.shape, t)
        if spec.glare > 0:
            gx = sheet.shape[1] * (0.5 + pose.yaw / 40.0)
            gy = sheet.shape[0] * (0.3 + pose.pitch / 40.0)
            sheet = render.glare(sheet, (gx, gy), 0.2 * max(sheet.shape[:2]), spec.glare,
                                 spec.glare_clips)
        frame = room.copy()
        render.draw_sheet(frame, sheet, alpha, pose)
        frame = render.light(frame, spec.gain * spec.waves["light"].at(t), spec.gamma)
        yield render.capture(frame, rng, spec.blur_sigma, spec.noise_sigma, spec.jpeg_quality)
