"""The simulated print attack: reproducible, plausible, and moving as one plane."""

from __future__ import annotations

import dataclasses

import numpy as np

from turnstile.access.liveness import attack


def _scene(seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)


def test_same_seed_same_presentation_and_fresh_seed_differs() -> None:
    still = _scene()
    motion = attack.random_motion(np.random.default_rng(5))
    first = list(attack.presentation(still, motion, 4, 25.0, seed=9))
    again = list(attack.presentation(still, motion, 4, 25.0, seed=9))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    other = attack.random_motion(np.random.default_rng(6))
    assert other != motion


def test_frames_have_the_still_shape_and_move_over_time() -> None:
    still = _scene()
    motion = attack.random_motion(np.random.default_rng(1))
    frames = list(attack.presentation(still, motion, 10, 10.0, seed=1))
    assert len(frames) == 10
    assert all(f.shape == still.shape and f.dtype == np.uint8 for f in frames)
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1.0


def test_still_presentation_moves_far_less_than_a_hand_held_one() -> None:
    rng = np.random.default_rng(2)
    held = attack.random_motion(rng)
    propped = attack.random_motion(rng, still=True)
    assert held.translation >= 0.003 and held.tilt_deg >= 1.0
    assert propped.translation <= 0.03 * 0.08 and propped.tilt_deg <= 15.0 * 0.08


def test_homography_without_motion_is_the_print_scale_about_the_centre() -> None:
    motion = dataclasses.replace(attack.random_motion(np.random.default_rng(0)),
                                 translation=0.0, rotation_deg=0.0, scale=0.0, tilt_deg=0.0,
                                 print_scale=1.0)
    matrix = attack.homography_at(motion, 0.7, 200, 100)
    assert np.allclose(matrix / matrix[2, 2], np.eye(3), atol=1e-9)


def test_points_of_the_photo_move_by_one_homography() -> None:
    motion = attack.random_motion(np.random.default_rng(4))
    a = attack.homography_at(motion, 0.0, 320, 240)
    b = attack.homography_at(motion, 0.5, 320, 240)
    points = np.array([[10, 10, 1], [300, 20, 1], [160, 120, 1], [40, 230, 1]], float).T
    moved_a, moved_b = a @ points, b @ points
    moved_a, moved_b = moved_a[:2] / moved_a[2], moved_b[:2] / moved_b[2]
    assert np.abs(moved_a - moved_b).max() > 0.5
