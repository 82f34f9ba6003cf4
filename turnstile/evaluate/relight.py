"""Synthetic relighting of real face photos, in linear light, in families that can be held out
from one another: side light with shading, backlight, low light with sensor noise, colour casts.

Each family has three levels of severity. The face's place (its detection on the original
photo) shapes the light: an ellipsoid stands in for the head's normals, so a side light shades
one cheek and leaves the other lit, and a window behind the person lights the background but
not the face. A camera's auto-exposure, metered on the whole frame, then scales the result.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from turnstile.types import Face, Image

Linear = npt.NDArray[np.float32]

#: Mean linear luminance auto-exposure aims for (18 % grey).
MID_GREY = 0.18
#: Auto-exposure gains a camera may apply, darkest and brightest.
EXPOSURE_RANGE = (0.02, 4.0)
#: Low light: electrons at full scale, read noise in electrons, most gain the camera applies.
FULL_WELL = 6000.0
READ_NOISE = 4.0
MAX_GAIN = 8.0


class Family(enum.Enum):
    """A kind of hard light; figures are reported per family so families can be held out."""

    SIDE = "side"
    BACK = "back"
    LOW = "low"
    CAST = "cast"


@dataclass(frozen=True)
class Condition:
    """One family at one level, with what that level means."""

    family: Family
    level: int
    label: str

    @property
    def name(self) -> str:
        return f"{self.family.value}{self.level}"


#: Side light: azimuth of the light from the camera axis (degrees) and the ambient share.
SIDE_LEVELS = ((45.0, 0.03), (65.0, 0.015), (85.0, 0.005))
#: Backlight: the window's linear luminance, in multiples of the face's.
BACK_LEVELS = (8.0, 25.0, 80.0)
#: Low light: share of normal light reaching the sensor.
LOW_LEVELS = (1 / 30, 1 / 100, 1 / 300)
#: Colour casts: BGR gains in linear light (tungsten, green fluorescent, deep tungsten).
CAST_LEVELS = ((0.45, 0.75, 1.0), (0.65, 1.0, 0.55), (0.2, 0.55, 1.0))

_LABELS: dict[Family, tuple[str, ...]] = {
    Family.SIDE: tuple(f"light {a:.0f} deg off axis, ambient {m:.2f}" for a, m in SIDE_LEVELS),
    Family.BACK: tuple(f"window {w:g}x the face, frame-metered exposure" for w in BACK_LEVELS),
    Family.LOW: tuple(f"1/{1 / s:.0f} of the light, shot + read noise, gain <= {MAX_GAIN:g}x"
                      for s in LOW_LEVELS),
    Family.CAST: ("tungsten", "green fluorescent", "deep tungsten"),
}


def conditions(families: tuple[Family, ...] = tuple(Family)) -> list[Condition]:
    return [Condition(family, level + 1, label) for family in families
            for level, label in enumerate(_LABELS[family])]


_TO_LINEAR = ((np.arange(256, dtype=np.float32) / 255.0 + 0.055) / 1.055) ** 2.4
_TO_LINEAR[:11] = np.arange(11, dtype=np.float32) / 255.0 / 12.92


def to_linear(image: Image) -> Linear:
    """sRGB uint8 to linear light 0-1 (the sRGB transfer curve)."""
    return np.asarray(_TO_LINEAR[image], np.float32)


_STEPS = 1 << 14
_LEVELS = np.arange(_STEPS, dtype=np.float64) / (_STEPS - 1)
_TO_SRGB = np.asarray(np.round(255.0 * np.where(
    _LEVELS <= 0.0031308, _LEVELS * 12.92, 1.055 * np.power(_LEVELS, 1 / 2.4) - 0.055)), np.uint8)


def to_srgb(linear: Linear) -> Image:
    """Linear light to sRGB uint8, through a 16,384-step table (finer than 8-bit sRGB's
    darkest steps, and a power per pixel costs more than the relighting itself)."""
    index = np.clip(linear * np.float32(_STEPS - 1) + np.float32(0.5), 0, _STEPS - 1)
    return np.asarray(_TO_SRGB[index.astype(np.int32)], np.uint8)


def _grey(linear: Linear) -> Linear:
    return np.asarray(linear @ np.array([0.0722, 0.7152, 0.2126], np.float32), np.float32)


def auto_expose(linear: Linear) -> Linear:
    """The camera's frame-metered auto-exposure: scale so the frame's mean is mid grey."""
    mean = float(_grey(linear).mean())
    gain = float(np.clip(MID_GREY / max(mean, 1e-6), *EXPOSURE_RANGE))
    return np.asarray(linear * gain, np.float32)


def _head(face: Face, shape: tuple[int, ...]) -> tuple[Linear, Linear, Linear]:
    """Normalised coordinates (u, v) over the head ellipse and its soft mask, from the face's
    landmarks: centred between the eyes and the mouth, a little larger than the box."""
    points = face.landmark_array()
    cx = float(points[:, 0].mean())
    cy = float(points[:, 1].mean())
    a, b = 0.62 * face.box.w, 0.75 * face.box.h
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    u, v = (xs - cx) / a, (ys - cy) / b
    inside = np.clip(1.0 - (u * u + v * v), 0.0, 1.0)
    mask = np.asarray(np.clip(inside * 6.0, 0.0, 1.0), np.float32)
    return np.asarray(u, np.float32), np.asarray(v, np.float32), mask


def _depth(face: Face, shape: tuple[int, ...]) -> tuple[Linear, Linear]:
    """A face-shaped depth proxy (in face widths) and its soft head mask: an ellipsoid, a
    ridge from between the eyes to the nose tip, and hollows at the eyes."""
    u, v, mask = _head(face, shape)
    z = np.sqrt(np.clip(1.0 - (u * u + v * v), 0.0, 1.0)) * 0.5
    points = face.landmark_array()
    width = max(face.box.w, 1.0)
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    eye_mid, nose = (points[0] + points[1]) / 2.0, points[2]
    along = nose - eye_mid
    length = float(np.hypot(*along)) or 1.0
    t = np.clip(((xs - eye_mid[0]) * along[0] + (ys - eye_mid[1]) * along[1]) / length**2,
                0.0, 1.0)
    across = np.hypot(xs - (eye_mid[0] + t * along[0]), ys - (eye_mid[1] + t * along[1]))
    z += 0.1 * t * np.exp(-(across / (0.07 * width)) ** 2)
    for eye in points[:2]:
        z -= 0.06 * np.exp(-((xs - eye[0]) ** 2 + (ys - eye[1]) ** 2) / (0.1 * width) ** 2)
    return np.asarray(z * width, np.float32), mask


def _side(image: Image, face: Face, level: int, rng: np.random.Generator) -> Image:
    del rng
    azimuth, ambient = SIDE_LEVELS[level]
    depth, mask = _depth(face, image.shape)
    dz_dy, dz_dx = np.gradient(cv2.GaussianBlur(depth, (0, 0), max(1.0, 0.02 * face.box.w)))
    norm = np.sqrt(dz_dx**2 + dz_dy**2 + 1.0)
    theta = np.radians(azimuth)
    light = np.array([np.sin(theta), -0.2, np.cos(theta)], np.float32)
    light /= np.linalg.norm(light)
    head = np.clip((-dz_dx * light[0] - dz_dy * light[1] + light[2]) / norm, 0.0, None)
    # Beyond the head: a wall facing the camera, lit more on the lamp's side.
    ramp = np.linspace(-1.0, 1.0, image.shape[1], dtype=np.float32)[None, :]
    wall = np.clip(light[2] + 0.5 * np.sin(theta) * ramp, 0.0, None)
    shading = ambient + (1.0 - ambient) * (mask * head + (1.0 - mask) * wall)
    lit = to_linear(image) * shading[:, :, None].astype(np.float32) * 1.6
    return to_srgb(auto_expose(lit))


def backlit_scene(image: Image, face: Face, window: float) -> Linear:
    """The scene in linear light before the camera's exposure: the person as photographed,
    the background replaced by a window `window` times as bright as the face."""
    _, _, head = _head(face, image.shape)
    # The person: the head, and the shoulders below it.
    body = np.zeros(image.shape[:2], np.float32)
    box = face.box
    top = int(box.y + 0.9 * box.h)
    left, right = int(box.x - 0.7 * box.w), int(box.x + 1.7 * box.w)
    body[max(top, 0):, max(left, 0):max(right, 0)] = 1.0
    person = cv2.GaussianBlur(np.maximum(head, body), (0, 0), max(1.0, 0.05 * box.w))
    linear = to_linear(image)
    face_level = float(_grey(linear)[head > 0.5].mean()) if (head > 0.5).any() else MID_GREY
    glow = np.float32(window * face_level)
    scene = linear * person[:, :, None] + (0.3 * linear + glow) * (1.0 - person[:, :, None])
    return np.asarray(scene, np.float32)


def _back(image: Image, face: Face, level: int, rng: np.random.Generator) -> Image:
    del rng
    return to_srgb(auto_expose(backlit_scene(image, face, BACK_LEVELS[level])))


def _low(image: Image, face: Face, level: int, rng: np.random.Generator) -> Image:
    del face
    share = LOW_LEVELS[level]
    electrons = to_linear(image) * share * FULL_WELL
    noisy = rng.poisson(electrons).astype(np.float32)
    noisy += rng.normal(0.0, READ_NOISE, noisy.shape).astype(np.float32)
    signal = np.asarray(noisy / FULL_WELL, np.float32)
    mean = float(_grey(np.clip(signal, 0.0, None)).mean())
    gain = float(np.clip(MID_GREY / max(mean, 1e-6), 1.0, MAX_GAIN))
    return to_srgb(np.asarray(signal * gain, np.float32))


def _cast(image: Image, face: Face, level: int, rng: np.random.Generator) -> Image:
    del face, rng
    gains = np.array(CAST_LEVELS[level], np.float32)
    return to_srgb(auto_expose(to_linear(image) * gains))


_RELIGHT: dict[Family, Callable[[Image, Face, int, np.random.Generator], Image]] = {
    Family.SIDE: _side, Family.BACK: _back, Family.LOW: _low, Family.CAST: _cast,
}


def relight(image: Image, face: Face, condition: Condition, seed: int = 0) -> Image:
    """The BGR photo under `condition`; `face` is its detection in the original photo."""
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"relight needs a BGR image, not shape {image.shape}")
    rng = np.random.default_rng(seed)
    return _RELIGHT[condition.family](image, face, condition.level - 1, rng)
