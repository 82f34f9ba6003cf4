"""Motion cues on synthetic scenes whose geometry is known exactly."""

from __future__ import annotations

import cv2
import numpy as np

from turnstile.liveness.cues import track_cue
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


def test_a_flat_picture_fits_one_homography_and_its_ring_follows_the_face() -> None:
    scene = texture(1)
    matrix = np.array([[1.01, 0.02, 3.0], [-0.015, 0.99, 2.0], [2e-5, 1e-5, 1.0]])
    cue = track_cue(scene, warp(scene, matrix), BOX)
    assert cue.face_points >= 20 and cue.ring_points >= 8
    assert cue.face_motion > 0.02
    assert cue.planarity < 0.005
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


def test_a_blank_face_gives_no_tracks() -> None:
    blank = np.full((240, 320), 128, np.uint8)
    cue = track_cue(blank, blank, BOX)
    assert cue.face_points < 8 and cue.face_motion == 0.0 and cue.ring_follow == -1.0
