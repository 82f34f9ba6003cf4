"""Simulated print attacks: a still frame held up as a photo, moved by a hand, re-captured."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from turnstile.types import Image

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AttackMotion:
    """One presentation's random hand motion and re-capture conditions.

    Amplitudes are the peak of a smooth random trajectory: translation as a fraction of the
    frame width, in-plane rotation and out-of-plane tilt in degrees, scale as a fraction.
    """

    translation: float
    rotation_deg: float
    scale: float
    tilt_deg: float
    print_scale: float
    brightness: float
    blur_sigma: float
    noise_sigma: float
    #: Random phases and frequencies (Hz) of the trajectories, one row per parameter.
    phases: tuple[tuple[float, ...], ...]
    frequencies: tuple[tuple[float, ...], ...]


#: Parameters with a trajectory: tx, ty, rotation, scale, tilt about x, tilt about y, brightness.
_TRAJECTORIES = 7
#: Sinusoids summed per trajectory: enough for hand tremor plus slow sway.
_HARMONICS = 3


def random_motion(rng: np.random.Generator, still: bool = False) -> AttackMotion:
    """A plausible hand-held (or, with `still`, propped-up) photo's motion and capture."""
    damp = 0.08 if still else 1.0
    return AttackMotion(
        translation=float(rng.uniform(0.003, 0.03)) * damp,
        rotation_deg=float(rng.uniform(0.3, 4.0)) * damp,
        scale=float(rng.uniform(0.005, 0.04)) * damp,
        tilt_deg=float(rng.uniform(1.0, 15.0)) * damp,
        print_scale=float(rng.uniform(0.9, 1.35)),
        brightness=float(rng.uniform(0.6, 1.15)),
        blur_sigma=float(rng.uniform(0.0, 1.6)),
        noise_sigma=float(rng.uniform(0.0, 4.0)),
        phases=tuple(tuple(float(p) for p in rng.uniform(0, 2 * np.pi, _HARMONICS))
                     for _ in range(_TRAJECTORIES)),
        frequencies=tuple(tuple(float(f) for f in rng.uniform(0.1, 0.9, _HARMONICS))
                          for _ in range(_TRAJECTORIES)),
    )


def _trajectory(motion: AttackMotion, index: int, t: float) -> float:
    """A smooth value in [-1, 1] for parameter `index` at time `t` seconds."""
    phases, freqs = motion.phases[index], motion.frequencies[index]
    total = sum(np.sin(2 * np.pi * f * t + p) for f, p in zip(freqs, phases, strict=True))
    return float(total) / _HARMONICS


def homography_at(motion: AttackMotion, t: float, width: int, height: int) -> Matrix:
    """Where the photo's pixels land in the camera frame at time `t` (3x3 homography)."""
    cx, cy = width / 2.0, height / 2.0
    focal = float(max(width, height))
    tx = motion.translation * width * _trajectory(motion, 0, t)
    ty = motion.translation * width * _trajectory(motion, 1, t)
    angle = np.radians(motion.rotation_deg * _trajectory(motion, 2, t))
    scale = motion.print_scale * (1.0 + motion.scale * _trajectory(motion, 3, t))
    tilt_x = np.radians(motion.tilt_deg * _trajectory(motion, 4, t))
    tilt_y = np.radians(motion.tilt_deg * _trajectory(motion, 5, t))
    # The photo is a plane through the optical axis at distance `focal`, rotated in 3D and
    # projected by a pinhole camera: the homography K R K^-1 of a tilted plane.
    rx = np.array([[1, 0, 0], [0, np.cos(tilt_x), -np.sin(tilt_x)],
                   [0, np.sin(tilt_x), np.cos(tilt_x)]])
    ry = np.array([[np.cos(tilt_y), 0, np.sin(tilt_y)], [0, 1, 0],
                   [-np.sin(tilt_y), 0, np.cos(tilt_y)]])
    camera = np.array([[focal, 0, 0], [0, focal, 0], [0, 0, 1.0]])
    tilt = camera @ rx @ ry @ np.linalg.inv(camera)
    similarity = np.array([[scale * np.cos(angle), -scale * np.sin(angle), tx],
                           [scale * np.sin(angle), scale * np.cos(angle), ty], [0, 0, 1.0]])
    to_centre = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1.0]])
    back = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1.0]])
    matrix: Matrix = back @ similarity @ tilt @ to_centre
    return matrix


def backdrop(still: Image) -> Image:
    """A static room behind the photo: the still mirrored, darkened and strongly blurred."""
    room = cv2.GaussianBlur(cv2.flip(still, 1), (0, 0), 9.0)
    return np.asarray(cv2.convertScaleAbs(room, alpha=0.55, beta=20), dtype=np.uint8)


def render(still: Image, motion: AttackMotion, t: float, rng: np.random.Generator,
           room: Image | None = None) -> Image:
    """One camera frame of the held photo at time `t`."""
    height, width = still.shape[:2]
    frame = (backdrop(still) if room is None else room).copy()
    matrix = homography_at(motion, t, width, height)
    # Transparent border: the room stays where the photo does not cover it.
    cv2.warpPerspective(still, matrix, (width, height), dst=frame, flags=cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_TRANSPARENT)
    flicker = 1.0 + 0.03 * _trajectory(motion, 6, t)
    frame = np.asarray(cv2.convertScaleAbs(frame, alpha=motion.brightness * flicker), np.uint8)
    if motion.blur_sigma > 0.2:
        frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), motion.blur_sigma), np.uint8)
    if motion.noise_sigma > 0:
        noise = rng.standard_normal(frame.shape, dtype=np.float32) * np.float32(motion.noise_sigma)
        frame = np.asarray(cv2.add(frame, noise, dtype=cv2.CV_8U), np.uint8)
    return np.asarray(frame, dtype=np.uint8)


def presentation(still: Image, motion: AttackMotion, frames: int, fps: float,
                 seed: int) -> Iterator[Image]:
    """The frames a camera would see of `still` held up with `motion`, `frames` long."""
    rng = np.random.default_rng(seed)
    room = backdrop(still)
    for index in range(frames):
        yield render(still, motion, index / fps, rng, room)
