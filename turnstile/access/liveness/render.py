"""Rendering a held sheet (a print or a screen) into a camera frame: 3D pose, bend, optics.

The sheet is a plane (or a sheet bent about its vertical axis) in front of a pinhole camera.
It is drawn as vertical strips, each planar and warped by its own homography, so a bent sheet
gets the curved outline and the foreshortening a real bent print shows. Effects that belong to
the capture (light, blur, sensor noise, compression) are applied to the whole frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from turnstile.types import Image

Matrix = npt.NDArray[np.float64]
Alpha = npt.NDArray[np.float32]
#: Strips a bent sheet is drawn with (a flat sheet needs one).
BENT_STRIPS = 12


@dataclass(frozen=True)
class Pose:
    """Where the sheet is at one instant.

    Angles in degrees: `roll` in the image plane, `yaw` about the vertical axis, `pitch`
    about the horizontal one. `scale` is the sheet's pixels-to-camera-pixels ratio when it
    faces the camera; `x`, `y` where its centre lands (camera pixels). `bend` is the angle in
    degrees the sheet's width wraps around a cylinder (0 flat).
    """

    x: float
    y: float
    scale: float
    roll: float = 0.0
    yaw: float = 0.0
    pitch: float = 0.0
    bend: float = 0.0


def _rotation(pose: Pose) -> Matrix:
    r, y, p = np.radians([pose.roll, pose.yaw, pose.pitch])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1.0]])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    matrix: Matrix = rz @ ry @ rx
    return matrix


def project(pose: Pose, sheet_size: tuple[int, int], frame_size: tuple[int, int],
            us: npt.NDArray[np.float64], vs: npt.NDArray[np.float64]) -> Matrix:
    """Camera pixels (N x 2) of sheet points (`us`, `vs` in sheet pixels, centre origin)."""
    width = sheet_size[0]
    focal = float(max(frame_size))
    depth = focal / pose.scale
    bend = np.radians(pose.bend)
    if abs(bend) > 1e-4:
        radius = width / bend
        angle = us / radius
        xs, zs = radius * np.sin(angle), radius * (1.0 - np.cos(angle))
    else:
        xs, zs = us.astype(np.float64), np.zeros_like(us, np.float64)
    points = np.stack([xs, vs.astype(np.float64), zs], axis=1) @ _rotation(pose).T
    points[:, 2] += depth
    z = np.maximum(points[:, 2], 1e-3)
    projected: Matrix = np.stack([focal * points[:, 0] / z + pose.x,
                                  focal * points[:, 1] / z + pose.y], axis=1)
    return projected


def draw_sheet(frame: Image, sheet: Image, alpha: Alpha, pose: Pose) -> Matrix:
    """Composite `sheet` (with `alpha` 0-1) into `frame` in place; returns the homography of
    the sheet's centre strip (sheet pixels to camera pixels), for effects that follow it."""
    height, width = sheet.shape[:2]
    frame_size = (frame.shape[1], frame.shape[0])
    strips = BENT_STRIPS if abs(pose.bend) > 0.5 else 1
    edges = np.linspace(0, width, strips + 1)
    centre: Matrix = np.eye(3)
    for index in range(strips):
        x0, x1 = edges[index], edges[index + 1]
        corners = np.array([[x0, 0], [x1, 0], [x1, height], [x0, height]], np.float64)
        target = project(pose, (width, height), frame_size, corners[:, 0] - width / 2,
                         corners[:, 1] - height / 2)
        matrix = cv2.getPerspectiveTransform(corners.astype(np.float32),
                                             target.astype(np.float32))
        if index == strips // 2:
            centre = np.asarray(matrix, np.float64)
        _paste(frame, sheet, alpha, np.asarray(matrix, np.float64), (int(x0), int(np.ceil(x1))),
               target)
    return centre


def _paste(frame: Image, sheet: Image, alpha: Alpha, matrix: Matrix,
           columns: tuple[int, int], target: Matrix) -> None:
    """Warp one strip of the sheet into its bounding box of the frame and blend it."""
    fh, fw = frame.shape[:2]
    x0 = max(int(np.floor(target[:, 0].min())) - 1, 0)
    y0 = max(int(np.floor(target[:, 1].min())) - 1, 0)
    x1 = min(int(np.ceil(target[:, 0].max())) + 2, fw)
    y1 = min(int(np.ceil(target[:, 1].max())) + 2, fh)
    if x1 <= x0 or y1 <= y0:
        return
    # Strips overlap by a few pixels, so the soft edge of one is covered by the next.
    left, right = max(columns[0] - 3, 0), min(columns[1] + 3, sheet.shape[1])
    shift = (np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1.0]]) @ matrix
             @ np.array([[1, 0, left], [0, 1, 0], [0, 0, 1.0]]))
    size = (x1 - x0, y1 - y0)
    colour = cv2.warpPerspective(np.ascontiguousarray(sheet[:, left:right]), shift, size,
                                 flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    weight = cv2.warpPerspective(np.ascontiguousarray(alpha[:, left:right]), shift, size,
                                 flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT)[..., None]
    weight = np.ascontiguousarray(weight[..., 0])
    frame[y0:y1, x0:x1] = cv2.blendLinear(colour, np.ascontiguousarray(frame[y0:y1, x0:x1]),
                                          weight, 1.0 - weight)


def light(frame: Image, gain: float, gamma: float = 1.0) -> Image:
    """Exposure and gamma of the whole capture."""
    table = np.clip(255.0 * (np.arange(256) / 255.0) ** gamma * gain, 0, 255).astype(np.uint8)
    return np.asarray(cv2.LUT(frame, table), np.uint8)


def capture(frame: Image, rng: np.random.Generator, blur_sigma: float, noise_sigma: float,
            jpeg_quality: int) -> Image:
    """Lens blur, sensor noise and compression of one captured frame."""
    out = frame
    if blur_sigma > 0.2:
        out = np.asarray(cv2.GaussianBlur(out, (0, 0), blur_sigma), np.uint8)
    if noise_sigma > 0:
        noise = np.empty(out.shape, np.int16)
        cv2.setRNGSeed(int(rng.integers(1 << 30)))
        cv2.randn(noise, np.zeros(3), np.full(3, noise_sigma))
        out = np.asarray(cv2.add(out, noise, dtype=cv2.CV_8U), np.uint8)
    if jpeg_quality < 100:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
        if ok:
            out = np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR), np.uint8)
    return out


def printed(image: Image, contrast: float, paper: float) -> Image:
    """A photo as ink on paper: compressed contrast, a paper-white floor, duller colours."""
    grey = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    dull = cv2.addWeighted(image, 0.85, grey, 0.15, 0)
    out = dull.astype(np.float32) * contrast + paper * (1 - contrast) * 0.5
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def screen(image: Image, gamma: float, moire: float, phase: float, band: float,
           band_at: float) -> Image:
    """A video frame as a screen shows it: gamma, a pixel-grid moire and refresh banding.

    `moire` is the strength of the beat between the screen's pixel grid and the camera's,
    `band` the depth of a horizontal brightness band at `band_at` (0-1 of the height).
    """
    height, width = image.shape[:2]
    table = np.clip(255.0 * (np.arange(256) / 255.0) ** gamma, 0, 255).astype(np.uint8)
    out = np.asarray(cv2.LUT(image, table), np.uint8)
    xs = np.arange(width, dtype=np.float32)[None, :]
    ys = np.arange(height, dtype=np.float32)[:, None]
    shade = np.ones((height, width), np.float32)
    if moire > 0:
        # sin(a + b) written as outer products: no full-size coordinate grids.
        period = 3.0 + 2.0 * np.sin(phase)
        a = 2 * np.pi * xs * np.cos(phase) / period
        b = 2 * np.pi * ys * np.sin(phase) / period
        shade -= moire * (0.5 + 0.5 * (np.sin(a) * np.cos(b) + np.cos(a) * np.sin(b)))
    if band > 0:
        shade *= 1.0 - band * np.exp(-((np.abs(ys / height - band_at)) / 0.08) ** 2)
    if moire > 0 or band > 0:
        out = np.asarray(cv2.multiply(out, cv2.merge([shade] * 3), dtype=cv2.CV_8U), np.uint8)
    return out


def glare(frame: Image, centre: tuple[float, float], radius: float, strength: float,
          clips: bool = True) -> Image:
    """A soft specular highlight (a lamp on glossy paper or glass).

    Added as light, it clips at white where it is strong: a flat, textureless plateau whose
    edge moves with the lamp's reflection, not with the sheet. `clips=False` blends it
    towards white without reaching it (for measuring what the clipping itself does).
    """
    height, width = frame.shape[:2]
    across = np.exp(-((np.arange(width, dtype=np.float32) - centre[0]) ** 2) / (2 * radius**2))
    down = np.exp(-((np.arange(height, dtype=np.float32) - centre[1]) ** 2) / (2 * radius**2))
    weight = strength * down[:, None] * across[None, :]
    if not clips:
        lit = frame + weight[..., None] * (255.0 - frame.astype(np.float32))
        return np.asarray(np.clip(lit, 0, 255), np.uint8)
    spot = np.clip(255.0 * weight, 0, 255).astype(np.uint8)
    return np.asarray(cv2.add(frame, cv2.merge([spot] * 3)), np.uint8)
