"""A screen's (or sheet's) frame: straight edges around the face that move with it or enclose it.

A phone or tablet held up to the camera shows its bezel or its outline as long straight edges
around the face; a hand moves them together with the face. A real room has straight edges
too (a window frame, a door), but they stay where they are when the person moves. So the
first cue is not that edges are there (a window behind a person is no attack) but that a
side of the face has an edge that shifts with the face between two frames.

The second cue is a frame that closes below the face: edges left and right of it that run
down to an edge under it, meeting at corners. A live person's neck and body hide whatever
is behind them there, so a room's window frame never closes under the face; a screen resting
on a stand, whose edges do not move, does.
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
#: Share of a frame's closing edges (each side's lower half down to its corner, the bottom
#: between the corners) that must lie on edge pixels: a body hides the lower part of a room's
#: frame behind it, and stripes on a shirt stop at its sides.
MIN_SUPPORT = 0.7
#: Points sampled along each closing edge.
SUPPORT_SAMPLES = 48
#: Lines within this many degrees of horizontal (vertical) are top/bottom (left/right) sides.
MAX_TILT = 30.0
#: An edge must shift at least this many face sizes to count as moving ...
MIN_SHIFT = 0.015
#: ... at most this many (more is another line found, not a move) ...
MAX_SHIFT = 0.25
#: ... and land within this share of the face's own shift (plus MIN_SHIFT) of it.
FOLLOW_TOLERANCE = 0.5
SIDES = ("top", "bottom", "left", "right")
#: A segment's two end points (x, y, x, y) in frame pixels.
Segment = tuple[float, float, float, float]


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
    #: The edges left, right and below the face meet as a frame's corners (see `_closes`).
    framed: bool = False

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
    edges = np.asarray(cv2.Canny(cv2.GaussianBlur(grey[y0:y1, x0:x1], (0, 0), 1.0), 40, 120),
                       np.uint8)
    # The face's own features (glasses, hairline) are not a frame around it.
    fx0, fy0 = max(int(box.x - 0.05 * box.w) - x0, 0), max(int(box.y - 0.05 * box.h) - y0, 0)
    fx1, fy1 = max(int(box.x + 1.05 * box.w) - x0, 0), max(int(box.y + 1.05 * box.h) - y0, 0)
    edges[fy0:fy1, fx0:fx1] = 0
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, max(int(0.4 * size), 10),
                            minLineLength=int(MIN_LENGTH * size),
                            maxLineGap=int(0.04 * size) + 1)
    found: dict[str, tuple[float, float, Segment]] = {}
    for xa, ya, xb, yb in ([] if lines is None else lines.reshape(-1, 4).astype(float)):
        segment = (xa + x0, ya + y0, xb + x0, yb + y0)
        _nearest(found, _crossing(*segment, box), segment)
    at = {name: found[name][0] if name in found else None for name in SIDES}
    segments = {name: found[name][2] for name in found}
    return FrameEdges(box, at["top"], at["bottom"], at["left"], at["right"],
                      _closes(segments, edges, (x0, y0), box))


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


def _nearest(found: dict[str, tuple[float, float, Segment]],
             crossing: tuple[str, float, float] | None, segment: Segment) -> None:
    """Keep the line nearest the face per side: a bezel's inner edge, a window's inner frame."""
    if crossing is None:
        return
    side, at, distance = crossing
    if side not in found or distance < found[side][1]:
        found[side] = (at, distance, segment)


@dataclass(frozen=True)
class _EdgeMap:
    """Pixels within 2 pixels of an edge in the searched window, and where the window lies
    in the frame."""

    near: GreyImage
    x0: int
    y0: int

    def support(self, start: tuple[float, float], end: tuple[float, float]) -> float:
        """Share of points from `start` to `end` (frame pixels) near an edge."""
        near = self.near
        xs = np.linspace(start[0], end[0], SUPPORT_SAMPLES) - self.x0
        ys = np.linspace(start[1], end[1], SUPPORT_SAMPLES) - self.y0
        inside = (xs >= 0) & (xs < near.shape[1]) & (ys >= 0) & (ys < near.shape[0])
        hits = near[ys[inside].astype(int), xs[inside].astype(int)] > 0
        return float(hits.sum()) / SUPPORT_SAMPLES


def _closes(segments: dict[str, Segment], edges: GreyImage, origin: tuple[int, int],
            box: Box) -> bool:
    """Whether the nearest edges left and right of the face run down to the one below it,
    meeting it at corners, and that one runs from corner to corner (MIN_SUPPORT of each
    side's lower half and of the bottom on edge pixels): a frame closing under the face."""
    if not {"bottom", "left", "right"} <= segments.keys():
        return False
    near = _EdgeMap(np.asarray(cv2.dilate(edges, np.ones((5, 5), np.uint8)), np.uint8),
                    *origin)
    bottom = segments["bottom"]
    corners = [_meet(segments[name], bottom) for name in ("left", "right")]
    pieces = [(corners[0], corners[1])]
    for name, corner in zip(("left", "right"), corners, strict=True):
        halfway = 0.5 * (box.center[1] + corner[1])
        pieces.append(((_x_at(segments[name], halfway), halfway), corner))
    return all(near.support(start, end) >= MIN_SUPPORT for start, end in pieces)


def _x_at(segment: Segment, y: float) -> float:
    """The x of a (near-vertical) segment's line at y."""
    xa, ya, xb, yb = segment
    return xa if yb == ya else xa + (y - ya) * (xb - xa) / (yb - ya)


def _meet(first: Segment, second: Segment) -> tuple[float, float]:
    """Where the two segments' lines cross (a side within MAX_TILT of vertical and one within
    it of horizontal are never parallel)."""
    xa, ya, xb, yb = first
    xc, yc, xd, yd = second
    (dx1, dy1), (dx2, dy2) = (xb - xa, yb - ya), (xd - xc, yd - yc)
    along = ((xc - xa) * dy2 - (yc - ya) * dx2) / (dx1 * dy2 - dy1 * dx2)
    return xa + along * dx1, ya + along * dy1


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
