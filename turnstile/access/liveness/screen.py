"""A held screen's (or sheet's) frame: straight edges around the face that move with it.

A phone or tablet held up to the camera shows its bezel or its outline as long straight edges
around the face; a hand moves them together with the face. A real room has straight edges
too (a window frame, a door), but they stay where they are when the person moves. So the cue
is not that edges are there (a window behind a person is no attack) but that at least two
sides of the face have an edge that shifts with the face between two frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from turnstile.access.liveness.cues import GreyImage
from turnstile.types import Box

#: Edges are looked for within this many face widths (heights) of the face centre.
REACH = 3.0
#: Shortest edge that counts, in face sizes (a bezel spans the screen, far longer).
MIN_LENGTH = 0.8
#: Lines within this many degrees of horizontal (vertical) are top/bottom (left/right) sides.
MAX_TILT = 30.0
#: An edge must shift at least this many face sizes to count as moving ...
MIN_SHIFT = 0.015
#: ... at most this many (more is another line found, not a move) ...
MAX_SHIFT = 0.25
#: ... and land within this share of the face's own shift (plus MIN_SHIFT) of it.
FOLLOW_TOLERANCE = 0.5
SIDES = ("top", "bottom", "left", "right")


@dataclass(frozen=True)
class FrameEdges:
    """Where the nearest straight edge on each side of the face crosses the face's centre
    line (frame pixels along that side's normal: y for top/bottom, x for left/right), None
    where a side has none; with the face it was measured around."""

    box: Box
    top: float | None = None
    bottom: float | None = None
    left: float | None = None
    right: float | None = None

    def side(self, name: str) -> float | None:
        value: float | None = getattr(self, name)
        return value

    @property
    def count(self) -> int:
        return sum(self.side(name) is not None for name in SIDES)


def find_edges(grey: GreyImage, box: Box) -> FrameEdges:
    """The nearest long straight edge on each side of the face (the face itself ignored)."""
    height, width = grey.shape[:2]
    size = max(box.size, 1.0)
    cx, cy = box.center
    x0, y0 = max(int(cx - REACH * box.w), 0), max(int(cy - REACH * box.h), 0)
    x1, y1 = min(int(cx + REACH * box.w), width), min(int(cy + REACH * box.h), height)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return FrameEdges(box)
    edges = cv2.Canny(cv2.GaussianBlur(grey[y0:y1, x0:x1], (0, 0), 1.0), 40, 120)
    # The face's own features (glasses, hairline) are not a frame around it.
    fx0, fy0 = max(int(box.x - 0.05 * box.w) - x0, 0), max(int(box.y - 0.05 * box.h) - y0, 0)
    fx1, fy1 = max(int(box.x + 1.05 * box.w) - x0, 0), max(int(box.y + 1.05 * box.h) - y0, 0)
    edges[fy0:fy1, fx0:fx1] = 0
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, max(int(0.4 * size), 10),
                            minLineLength=int(MIN_LENGTH * size),
                            maxLineGap=int(0.04 * size) + 1)
    found: dict[str, tuple[float, float]] = {}
    for xa, ya, xb, yb in ([] if lines is None else lines.reshape(-1, 4).astype(float)):
        xa, xb, ya, yb = xa + x0, xb + x0, ya + y0, yb + y0
        _nearest(found, _crossing(xa, ya, xb, yb, box))
    return FrameEdges(box, *(found[name][0] if name in found else None for name in SIDES))


def _crossing(xa: float, ya: float, xb: float, yb: float,
              box: Box) -> tuple[str, float, float] | None:
    """(side, position, distance from the face centre) of a line that spans the face's
    centre line on one side of the face, or None."""
    cx, cy = box.center
    angle = abs(np.degrees(np.arctan2(yb - ya, xb - xa))) % 180.0
    if angle <= MAX_TILT or angle >= 180.0 - MAX_TILT:
        if not min(xa, xb) <= cx <= max(xa, xb):
            return None
        at = ya + (cx - xa) * (yb - ya) / (xb - xa)
        if abs(at - cy) <= 0.55 * box.h:
            return None
        return ("top" if at < cy else "bottom", at, abs(at - cy))
    if 90.0 - MAX_TILT <= angle <= 90.0 + MAX_TILT:
        if not min(ya, yb) <= cy <= max(ya, yb):
            return None
        at = xa + (cy - ya) * (xb - xa) / (yb - ya)
        if abs(at - cx) <= 0.55 * box.w:
            return None
        return ("left" if at < cx else "right", at, abs(at - cx))
    return None


def _nearest(found: dict[str, tuple[float, float]],
             crossing: tuple[str, float, float] | None) -> None:
    """Keep the line nearest the face per side: a bezel's inner edge, a window's inner frame."""
    if crossing is None:
        return
    side, at, distance = crossing
    if side not in found or distance < found[side][1]:
        found[side] = (at, distance)


def following_sides(before: FrameEdges, after: FrameEdges) -> int:
    """How many sides have an edge in both frames that shifted with the face between them;
    at most 1 unless a horizontal and a vertical side both do (a frame's corner).

    An edge counts when it moved at least MIN_SHIFT face sizes (at most MAX_SHIFT), the same
    way as the face's centre, by about as much (within FOLLOW_TOLERANCE of the face's shift):
    a window frame behind a moving person stays put, a held phone's bezel goes along. Two
    parallel sides alone (long straight hair on both sides of a face) are not a frame.
    """
    size = max(before.box.size, 1.0)
    (bx, by), (ax, ay) = before.box.center, after.box.center
    following = []
    for name in SIDES:
        start, end = before.side(name), after.side(name)
        if start is None or end is None:
            continue
        face_shift = (ay - by) if name in ("top", "bottom") else (ax - bx)
        shift = end - start
        if not MIN_SHIFT * size <= abs(shift) <= MAX_SHIFT * size:
            continue
        if np.sign(shift) != np.sign(face_shift):
            continue
        if abs(shift - face_shift) <= FOLLOW_TOLERANCE * abs(face_shift) + MIN_SHIFT * size:
            following.append(name)
    across = {"top", "bottom"} & set(following) and {"left", "right"} & set(following)
    return len(following) if across else min(len(following), 1)
