"""Model-free motion cues between two frames: face parallax and the ring's motion."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from turnstile.access.liveness.fields import NO_BUMP, nose_bump, nose_lead, structure_share
from turnstile.types import Box

FloatArray = npt.NDArray[np.float32]
GreyImage = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.uint8]

#: The ring around the face starts this many box sizes from the face centre ...
RING_INNER = 0.85
#: ... and ends this many (Chebyshev distance, so 0.5 is the box edge).
RING_OUTER = 1.6
#: Faces are scaled to this many pixels before tracking: tracking noise is about constant in
#: pixels, so a larger face lowers the noise floor of the parallax measure.
WORK_FACE_PX = 160.0
#: Forward-backward tracking error (pixels) above which a track is dropped as a mistake.
MAX_FB_ERROR = 0.5
#: Fewest good tracks on the face (or in the ring) for a measure to count.
MIN_TRACKS = 8
#: Pixels kept around a mask's bounding box when looking for corners in it (twice what the
#: corner response reaches).
CORNER_MARGIN = 8


@dataclass(frozen=True)
class TrackCue:
    """Feature tracks between two frames; distances are in face sizes.

    `planarity` is how far the face tracks depart from the best single homography (a flat
    picture moves by one homography, a turning head does not). `ring_follow` is the share of
    tracks around the face that move as the face's homography says, -1 when the ring has
    too little texture to track.
    """

    face_motion: float
    planarity: float
    face_points: int
    ring_points: int = 0
    ring_follow: float = -1.0
    #: How much the face was enlarged to the working size (1 when it was large enough):
    #: tracking noise in face sizes grows with it.
    upscale: float = 1.0
    #: Share of the planarity residuals that a smooth field over the face explains, above
    #: what it explains of pure noise (0 noise, 1 smooth; -1 too few tracks to say).
    structure: float = -1.0
    #: Sides of the face with a straight edge that moved with the face (a held screen's or
    #: sheet's frame; see screen.py); -1 when not measured.
    frame_follow: int = -1
    #: A frame of the pair shows the face inside a frame that closes under it (a screen's
    #: bezel or a sheet's edge, moving or not; see screen.py).
    framed: bool = False
    #: Share of the residuals beyond a smooth quadratic field that a bump at the nose explains,
    #: above chance (a head's nose stands out of it; see fields.py); -1 when not measured.
    nose_bump: float = -1.0
    #: How far the nose's bump is pushed along the face's own motion, as a share of that
    #: motion (a head's nose leads its cheeks; see fields.nose_lead); None when not measured.
    nose_lead: float | None = None


Affine = npt.NDArray[np.float64]
#: A pre-alignment whose scale changes more than this factor is a mistake, not a motion.
MAX_ALIGN_SCALE = 1.6


def landmark_similarity(before: FloatArray, after: FloatArray) -> Affine | None:
    """The rotation, scale and shift (2x3) carrying the five landmarks of one face onto the
    next frame's; None when it cannot be fitted or is implausible."""
    found, _ = cv2.estimateAffinePartial2D(before.reshape(-1, 1, 2), after.reshape(-1, 1, 2),
                                           method=cv2.LMEDS)
    if found is None:
        return None
    matrix = np.asarray(found, np.float64)
    scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    if not 1.0 / MAX_ALIGN_SCALE <= scale <= MAX_ALIGN_SCALE:
        return None
    return matrix


def crop_pair(before: GreyImage, after: GreyImage,
              box: Box) -> tuple[GreyImage, GreyImage, Box]:
    """The same region around the face from both frames, scaled to the working face size."""
    height, width = before.shape[:2]
    cx, cy = box.center
    reach = RING_OUTER + 0.1
    x0 = max(int(cx - reach * box.w), 0)
    y0 = max(int(cy - reach * box.h), 0)
    x1 = min(int(cx + reach * box.w) + 1, width)
    y1 = min(int(cy + reach * box.h) + 1, height)
    scale = WORK_FACE_PX / max(box.size, 1.0)
    size = (max(round((x1 - x0) * scale), 1), max(round((y1 - y0) * scale), 1))
    crops = [np.asarray(cv2.resize(image[y0:y1, x0:x1], size, interpolation=cv2.INTER_LINEAR),
                        np.uint8) for image in (before, after)]
    local = Box((box.x - x0) * scale, (box.y - y0) * scale, box.w * scale, box.h * scale)
    return crops[0], crops[1], local


def highpass(grey: GreyImage, sigma: float) -> GreyImage:
    """The image less its blurred self (plus mid-grey): smooth light changes drop out.

    A glossy print's specular highlight or a moving shadow adds a smooth brightness field
    that moves over the picture; the tracker follows brightness, so it would bend the tracks
    of a flat picture into a smooth field that looks like a head's parallax.
    """
    blurred = cv2.GaussianBlur(grey, (0, 0), sigma)
    return np.asarray(cv2.addWeighted(grey, 1.0, blurred, -1.0, 128.0), np.uint8)


def region_masks(shape: tuple[int, int], box: Box) -> tuple[Mask, Mask]:
    """The inner face (an ellipse without hair or corners) and the ring around the face."""
    height, width = shape
    # A row and a column that broadcast: the same values as full coordinate grids, a
    # quarter of the work per frame pair.
    ys = np.arange(height, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    cx, cy = box.center
    face = ((xs - cx) / (0.4 * box.w)) ** 2 + ((ys - cy) / (0.45 * box.h)) ** 2 <= 1.0
    dist = np.maximum(np.abs(xs - cx) / (box.w or 1.0), np.abs(ys - cy) / (box.h or 1.0))
    ring = (dist >= RING_INNER) & (dist <= RING_OUTER)
    # Below the chin a real person's neck and shoulders move with the head: not evidence.
    ring &= ys <= cy + 0.5 * box.h
    return face.astype(np.uint8) * 255, ring.astype(np.uint8) * 255


def _corners(image: GreyImage, mask: Mask, limit: int) -> FloatArray | None:
    """goodFeaturesToTrack within `mask`, run on the mask's bounding box only.

    A corner's response depends on a few pixels around it (3x3 derivatives, a 5x5 block, a
    3x3 non-maximum test), so with CORNER_MARGIN to spare the box gives exactly the corners
    of the whole image (same responses, same order) at a fraction of the work: the face's
    ellipse is a sixth of the crop.
    """
    x, y, w, h = cv2.boundingRect(mask)
    if w == 0 or h == 0:
        return None
    height, width = image.shape[:2]
    x0, y0 = max(x - CORNER_MARGIN, 0), max(y - CORNER_MARGIN, 0)
    x1 = min(x + w + CORNER_MARGIN, width)
    y1 = min(y + h + CORNER_MARGIN, height)
    found = cv2.goodFeaturesToTrack(np.ascontiguousarray(image[y0:y1, x0:x1]), limit, 0.01, 3,
                                    mask=np.ascontiguousarray(mask[y0:y1, x0:x1]),
                                    blockSize=5)
    if found is None:
        return None
    return np.asarray(found, np.float32) + np.array([x0, y0], np.float32)


def track(before: GreyImage, after: GreyImage, mask: Mask, limit: int,
          guess: tuple[float, float] = (0.0, 0.0)) -> tuple[FloatArray, FloatArray]:
    """Corners inside `mask` tracked from `before` to `after`, mistakes dropped.

    `guess` is the expected shift (the detector's box moved by it): starting the search there
    keeps fast motion from locking onto a look-alike corner nearby.
    """
    found = _corners(before, mask, limit)
    if found is None or len(found) < 4:
        empty = np.zeros((0, 2), np.float32)
        return empty, empty
    start = np.asarray(found, np.float32).reshape(-1, 1, 2)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 0.01)
    lk = cv2.calcOpticalFlowPyrLK
    initial = start + np.asarray(guess, np.float32).reshape(1, 1, 2)
    end, ok, _ = lk(before, after, start, initial.copy(),
                    winSize=(21, 21), maxLevel=3, criteria=criteria,
                    flags=cv2.OPTFLOW_USE_INITIAL_FLOW)
    back, ok_back, _ = lk(after, before, end, start.copy(),
                          winSize=(21, 21), maxLevel=3, criteria=criteria,
                          flags=cv2.OPTFLOW_USE_INITIAL_FLOW)
    # A track that does not come back to its start is a mistake, and would look like parallax.
    error = np.linalg.norm((back - start).reshape(-1, 2), axis=1)
    good = (ok.reshape(-1) == 1) & (ok_back.reshape(-1) == 1) & (error < MAX_FB_ERROR)
    return start.reshape(-1, 2)[good], end.reshape(-1, 2)[good]


def _misses(homography: npt.NDArray[np.float64], start: FloatArray,
            end: FloatArray) -> FloatArray:
    """Where each track ended minus where the homography carries its start."""
    predicted = cv2.perspectiveTransform(start.reshape(-1, 1, 2), homography).reshape(-1, 2)
    return np.asarray(end - predicted, np.float32)


def _residuals(homography: npt.NDArray[np.float64], start: FloatArray,
               end: FloatArray) -> FloatArray:
    return np.asarray(np.linalg.norm(_misses(homography, start, end), axis=1), np.float32)


def follow_share(homography: npt.NDArray[np.float64], start: FloatArray, end: FloatArray,
                 face_motion_px: float) -> float:
    """Share of tracks that land where the face's homography carries them.

    A still background point misses by about the face's own motion; a point printed on the
    same sheet as the face lands on the prediction.
    """
    return float(np.mean(_residuals(homography, start, end) < 0.3 * face_motion_px))


def _to_crop(box: Box, local: Box) -> Affine:
    """Frame pixels to the working crop's pixels (3x3)."""
    scale = local.w / max(box.w, 1e-6)
    return np.array([[scale, 0, local.x - box.x * scale], [0, scale, local.y - box.y * scale],
                     [0, 0, 1.0]])


def _to_local(point: tuple[float, float], box: Box, local: Box) -> tuple[float, float]:
    """A point of the frame in the working crop's pixels."""
    scale = local.w / max(box.w, 1e-6)
    return (local.x + (point[0] - box.x) * scale, local.y + (point[1] - box.y) * scale)


def _aligned(g1: GreyImage, align: Affine, box: Box, local: Box) -> tuple[GreyImage, Affine]:
    """`g1` warped back by the pre-alignment (crop pixels), and that alignment (3x3)."""
    crop = _to_crop(box, local)
    matrix = crop @ np.vstack([align, [0, 0, 1.0]]) @ np.linalg.inv(crop)
    height, width = g1.shape[:2]
    warped = cv2.warpAffine(g1, matrix[:2], (width, height),
                            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                            borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(warped, np.uint8), matrix


def _carry(matrix: Affine | None, points: FloatArray) -> FloatArray:
    if matrix is None or not len(points):
        return points
    moved = cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), matrix)
    return np.asarray(moved.reshape(-1, 2), np.float32)


def track_cue(before: GreyImage, after: GreyImage, box: Box,
              after_box: Box | None = None, align: Affine | None = None,
              smooth_light: float = 0.0, nose: tuple[float, float] | None = None) -> TrackCue:
    """Track corners on the face and in its ring between two frames of the same scene.

    `box` is the face in `before`; `after_box`, the face in `after`, seeds the search.
    `align` (2x3, frame pixels), the face's rotation, scale and shift between the frames
    from its landmarks, is undone before tracking: the tracker's windows only translate, so
    a rolled or approaching picture would lose its corners or track them wrongly, and wrong
    tracks look like a head's parallax. Tracks are carried back to `after`'s own pixels.
    `smooth_light` > 0 tracks the `highpass` images instead, with a blur of that many face
    sizes. `nose`, the nose tip in `before` (frame pixels), adds the `nose_bump` cue.
    """
    g0, g1, local = crop_pair(before, after, box)
    face_mask, ring_mask = region_masks(g0.shape[:2], local)
    size = max(local.size, 1.0)
    upscale = max(1.0, size / max(box.size, 1.0))
    guess = (0.0, 0.0)
    back: Affine | None = None
    if align is not None:
        g1, back = _aligned(g1, align, box, local)
    if smooth_light > 0.0:
        g0, g1 = highpass(g0, smooth_light * size), highpass(g1, smooth_light * size)
    elif after_box is not None:
        scale = local.size / max(box.size, 1.0)
        guess = ((after_box.center[0] - box.center[0]) * scale,
                 (after_box.center[1] - box.center[1]) * scale)
    start, end = track(g0, g1, face_mask, 120, guess)
    end = _carry(back, end)
    if len(start) < MIN_TRACKS:
        return TrackCue(0.0, 0.0, len(start), upscale=upscale)
    motion_px = float(np.median(np.linalg.norm(end - start, axis=1)))
    found, _ = cv2.findHomography(start, end, 0)
    if found is None:
        return TrackCue(motion_px / size, 0.0, len(start), upscale=upscale)
    homography = np.asarray(found, np.float64)
    # 75th percentile: a turning head shows parallax on the nose and the face's outline,
    # which are a minority of the corners.
    misses = _misses(homography, start, end)
    plane = float(np.percentile(np.linalg.norm(misses, axis=1), 75)) / size
    structure = structure_share(start, misses, local.center, size)
    bump, lead = NO_BUMP, None
    if nose is not None:
        bump = nose_bump(start, misses, local.center, size, _to_local(nose, box, local))
        shift = np.median(end - start, axis=0) / size
        lead = nose_lead(bump, (float(shift[0]), float(shift[1])))
    ring_start, ring_end = track(g0, g1, ring_mask, 80)
    ring_end = _carry(back, ring_end)
    if len(ring_start) < MIN_TRACKS:
        return TrackCue(motion_px / size, plane, len(start), len(ring_start), upscale=upscale,
                        structure=structure, nose_bump=bump.share, nose_lead=lead)
    follow = follow_share(homography, ring_start, ring_end, motion_px)
    return TrackCue(motion_px / size, plane, len(start), len(ring_start), follow, upscale,
                    structure, nose_bump=bump.share, nose_lead=lead)
