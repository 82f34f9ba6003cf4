"""Motion cues on synthetic scenes whose geometry is known exactly."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from turnstile.access.liveness.cues import (
    _corners,
    landmark_similarity,
    region_masks,
    track_cue,
)
from turnstile.access.liveness.fields import (
    NOSE_SIGMA,
    NoseBump,
    nose_bump,
    nose_lead,
    structure_share,
)
from turnstile.types import Box

BOX = Box(120, 80, 80, 80)


def texture(seed: int, shape: tuple[int, int] = (240, 320)) -> np.ndarray:
    """Smooth random texture with corners to track everywhere."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 256, (shape[0] // 4, shape[1] // 4), dtype=np.uint8)
    return np.asarray(cv2.resize(noise, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC),
                      np.uint8)


def warp(image: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return np.asarray(cv2.warpPerspective(image, matrix, (image.shape[1], image.shape[0]),
                                          borderMode=cv2.BORDER_REFLECT), np.uint8)


def test_the_face_is_an_inner_ellipse_and_the_ring_stops_at_the_chin() -> None:
    face, ring = region_masks((240, 320), BOX)  # BOX: centre (160, 120), 80 px square
    assert face.dtype == np.uint8 and face.shape == ring.shape == (240, 320)
    assert face[120, 160] == 255 and face[120, 160 + 31] == 255  # 0.4 box widths across
    assert face[120, 160 + 33] == 0 and face[80, 120] == 0  # beyond it; the box's corner
    assert face[120 + 35, 160] == 255 and face[120 + 37, 160] == 0  # 0.45 box heights down
    assert ring[120, 160] == 0 and ring[120, 160 + 60] == 0  # inside 0.85 box sizes
    assert ring[120, 160 + 70] == 255 and ring[40, 160] == 255  # beside it, above the head
    assert ring[120, 160 + 130] == 0  # beyond 1.6 box sizes
    assert ring[170, 160 + 70] == 0  # below the chin: neck and shoulders move with a head


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_corners_in_the_masks_box_are_the_whole_images_corners(seed: int) -> None:
    image = texture(seed)
    for mask in region_masks(image.shape[:2], Box(20 + 40 * seed, 30, 90, 100)):
        whole = cv2.goodFeaturesToTrack(image, 120, 0.01, 3, mask=mask, blockSize=5)
        found = _corners(image, mask, 120)
        assert found is not None and np.array_equal(found, whole)  # same corners, same order
    assert _corners(image, np.zeros_like(image), 120) is None


def test_a_flat_picture_fits_one_homography_and_its_ring_follows_the_face() -> None:
    scene = texture(1)
    matrix = np.array([[1.01, 0.02, 3.0], [-0.015, 0.99, 2.0], [2e-5, 1e-5, 1.0]])
    cue = track_cue(scene, warp(scene, matrix), BOX)
    assert cue.face_points >= 20 and cue.ring_points >= 8
    assert cue.face_motion > 0.02
    assert cue.planarity < 0.005
    assert 0.0 <= cue.structure < 0.2  # what is left is tracking noise
    assert cue.ring_follow > 0.8


def test_a_face_moving_in_a_still_room_leaves_its_ring_behind() -> None:
    room = texture(2)
    face = texture(3)
    before = room.copy()
    before[80:160, 120:200] = face[80:160, 120:200]
    after = room.copy()
    after[83:163, 124:204] = face[80:160, 120:200]
    cue = track_cue(before, after, BOX)
    assert cue.face_motion > 0.04
    assert 0.0 <= cue.ring_follow < 0.2


def test_depth_inside_the_face_shows_as_parallax() -> None:
    scene = texture(4)
    nose = texture(5)
    before = scene.copy()
    before[105:135, 145:175] = nose[105:135, 145:175]
    # The face plane shifts by 2 px, the part standing out of it (a nose) by 6 px.
    shifted = warp(scene, np.array([[1, 0, 2.0], [0, 1, 0], [0, 0, 1.0]]))
    after = shifted.copy()
    after[105:135, 151:181] = nose[105:135, 145:175]
    flat = track_cue(before, warp(before, np.array([[1, 0, 2.0], [0, 1, 0], [0, 0, 1.0]])), BOX)
    deep = track_cue(before, after, BOX)
    assert deep.planarity > 3 * max(flat.planarity, 0.001)
    # The nose's misses are one smooth patch, not noise scattered over the face.
    assert deep.structure > 0.3 > flat.structure


def test_a_blank_face_gives_no_tracks() -> None:
    blank = np.full((240, 320), 128, np.uint8)
    cue = track_cue(blank, blank, BOX)
    assert cue.face_points < 8 and cue.face_motion == 0.0 and cue.ring_follow == -1.0


def _grid(count: int) -> np.ndarray:
    """`count` track starts spread over a 160-px face centred at (80, 80)."""
    rng = np.random.default_rng(count)
    return np.asarray(rng.uniform(0.0, 160.0, (count, 2)), np.float32)


def test_a_smooth_field_of_misses_is_all_structure() -> None:
    points = _grid(60)
    x, y = (points[:, 0] - 80.0) / 160.0, (points[:, 1] - 80.0) / 160.0
    # A nose-like bulge pushed sideways: cubic in x and y, so the fit explains all of it.
    misses = np.stack([0.5 - x**2 - y**2 + x**3, 0.2 * x * y], axis=1).astype(np.float32)
    assert structure_share(points, misses, (80.0, 80.0), 160.0) == pytest.approx(1.0)


def test_half_smooth_half_rough_misses_score_by_hand() -> None:
    points = _grid(40)
    x = (points[:, 0] - 80.0) / 160.0
    y = (points[:, 1] - 80.0) / 160.0
    basis = np.stack([x**i * y**j for i in range(4) for j in range(4 - i)], axis=1)
    smooth = basis @ np.arange(1.0, 11.0)
    # Noise made orthogonal to every cubic term, then scaled to the smooth part's energy:
    # the fit explains exactly half, chance explains 10 of 40 terms, so (0.5 - 0.25) / 0.75.
    noise = np.random.default_rng(0).standard_normal(40)
    noise -= basis @ np.linalg.lstsq(basis, noise, rcond=None)[0]
    noise *= np.linalg.norm(smooth) / np.linalg.norm(noise)
    misses = np.stack([smooth, noise], axis=1)
    share = structure_share(points, misses.astype(np.float32), (80.0, 80.0), 160.0)
    assert share == pytest.approx(1.0 / 3.0, abs=1e-4)


def test_noise_misses_show_little_structure_and_too_few_tracks_say_nothing() -> None:
    points = _grid(120)
    noise = np.random.default_rng(1).standard_normal((120, 2)).astype(np.float32)
    assert 0.0 <= structure_share(points, noise, (80.0, 80.0), 160.0) < 0.1
    assert structure_share(points[:29], noise[:29], (80.0, 80.0), 160.0) == -1.0
    assert structure_share(points, np.zeros_like(noise), (80.0, 80.0), 160.0) == -1.0



def test_a_rolled_picture_is_tracked_as_flat_once_the_landmarks_align_the_pair() -> None:
    scene = texture(7)
    centre = BOX.center
    rotation = np.vstack([cv2.getRotationMatrix2D(centre, 18.0, 1.08), [0, 0, 1.0]])
    after = warp(scene, rotation)
    corners = np.array([[BOX.x, BOX.y], [BOX.x + BOX.w, BOX.y], [BOX.x, BOX.y + BOX.h],
                        [BOX.x + BOX.w, BOX.y + BOX.h], list(centre)], np.float32)
    moved = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), rotation).reshape(-1, 2)
    align = landmark_similarity(corners, np.asarray(moved, np.float32))
    assert align is not None
    aligned = track_cue(scene, after, BOX, align=align)
    assert aligned.face_points >= 20 and aligned.planarity < 0.005
    assert aligned.ring_follow > 0.8  # the picture's own surroundings follow it
    # Without it the translating windows lose most tracks, and the wrong ones that survive
    # look like a head's parallax.
    plain = track_cue(scene, after, BOX)
    assert plain.face_points < aligned.face_points
    assert plain.planarity > 10 * max(aligned.planarity, 0.0005)


def test_an_implausible_alignment_is_refused() -> None:
    points = np.array([[0, 0], [10, 0], [0, 10], [10, 10], [5, 5]], np.float32)
    assert landmark_similarity(points, points * 3.0) is None
    assert landmark_similarity(points, points + 4.0) is not None


def test_a_highlight_moving_over_a_flat_picture_is_no_parallax_once_light_is_smoothed() -> None:
    scene = texture(8).astype(np.float32)
    ys, xs = np.mgrid[0:240, 0:320].astype(np.float32)

    def lit(image: np.ndarray, cx: float) -> np.ndarray:
        glare = 90.0 * np.exp(-((xs - cx) ** 2 + (ys - 120.0) ** 2) / (2 * 45.0**2))
        return np.asarray(np.clip(image + glare, 0, 255), np.uint8)

    shift = np.array([[1, 0, 3.0], [0, 1, 1.0], [0, 0, 1.0]])
    before = lit(scene, 130.0)
    # The picture moves 3 px; its highlight slides 25 px over it (the sheet tilted).
    after = lit(warp(scene.astype(np.uint8), shift).astype(np.float32), 155.0)
    plain = track_cue(before, after, BOX)
    smoothed = track_cue(before, after, BOX, smooth_light=0.06)
    assert smoothed.face_points >= 20
    assert smoothed.planarity < 0.5 * plain.planarity


def _nose_field(points: np.ndarray, nose: tuple[float, float]) -> np.ndarray:
    """A Gaussian bump of parallax at `nose`, all pushed sideways (a head turning)."""
    offsets = (points - np.asarray(nose, np.float32)) / (NOSE_SIGMA * 160.0)
    bump = np.exp(-0.5 * (offsets**2).sum(axis=1))
    return np.stack([bump, 0.3 * bump], axis=1).astype(np.float32)


def test_a_bump_of_parallax_at_the_nose_is_all_nose() -> None:
    points = _grid(120)
    misses = _nose_field(points, (80.0, 90.0))
    bump = nose_bump(points, misses, (80.0, 80.0), 160.0, (80.0, 90.0))
    assert bump.share == pytest.approx(1.0, abs=1e-6)
    # The push is the bump's height at its centre, in face sizes.
    assert bump.push == pytest.approx((1.0 / 160.0, 0.3 / 160.0), rel=1e-6)
    # The same bump somewhere else is not the nose's.
    away = _nose_field(points, (20.0, 140.0))
    assert nose_bump(points, away, (80.0, 80.0), 160.0, (80.0, 90.0)).share < 0.5


def test_a_bent_sheets_smooth_field_and_noise_are_not_a_nose() -> None:
    points = _grid(120)
    x, y = (points[:, 0] - 80.0) / 160.0, (points[:, 1] - 80.0) / 160.0
    bend = np.stack([x**2 - 0.5 * y**2 + x * y, 0.2 * x**2], axis=1).astype(np.float32)
    noise = np.random.default_rng(2).standard_normal((120, 2)).astype(np.float32)
    nose = (80.0, 90.0)
    assert nose_bump(points, bend + 1e-3 * noise, (80.0, 80.0), 160.0, nose).share < 0.1
    assert nose_bump(points, noise, (80.0, 80.0), 160.0, nose).share < 0.1
    assert nose_bump(points[:20], noise[:20], (80.0, 80.0), 160.0, nose).share == -1.0


def test_a_nose_pushed_with_the_faces_motion_leads_it() -> None:
    bump = NoseBump(0.5, (0.01, 0.0))
    assert nose_lead(bump, (0.05, 0.0)) == pytest.approx(0.2)
    # Pushed against the motion (a highlight sliding the other way) it lags.
    assert nose_lead(bump, (-0.05, 0.0)) == pytest.approx(-0.2)
    # Across the motion it neither leads nor lags.
    assert nose_lead(bump, (0.0, 0.05)) == pytest.approx(0.0)


def test_no_lead_without_motion_or_a_bump() -> None:
    assert nose_lead(NoseBump(0.5, (0.01, 0.0)), (0.0, 0.0)) is None
    assert nose_lead(NoseBump(-1.0), (0.05, 0.0)) is None
