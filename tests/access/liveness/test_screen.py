"""The screen-frame cues: edges around the face that move with it or close under it, not a
room's still edges behind a person."""

from __future__ import annotations

import cv2
import numpy as np

from turnstile.access.liveness.motion import MotionLiveness
from turnstile.access.liveness.screen import FrameEdges, find_edges, following_sides
from turnstile.config import LivenessConfig
from turnstile.types import Box, Face, LivenessResult, Verdict

FACE_POINTS = ((140.0, 105.0), (180.0, 105.0), (160.0, 125.0), (145.0, 140.0), (175.0, 140.0))
FACE = 100


def _texture(seed: int, shape: tuple[int, int]) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = rng.integers(60, 200, (shape[0] // 8, shape[1] // 8), dtype=np.uint8)
    return np.asarray(cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC),
                      np.uint8)


def _scene(shift: tuple[int, int], face_shift: tuple[int, int],
           body: bool = False) -> tuple[np.ndarray, Box]:
    """A plain room with a dark-framed bright rectangle (a bezel, or a window frame) moved
    by `shift` and a textured face moved by `face_shift` (pixels); with `body`, a person's
    neck and shoulders below the face hide the rectangle there, as a live person's do."""
    frame = np.full((480, 640), 120, np.uint8)
    x0, y0 = 170 + shift[0], 90 + shift[1]
    cv2.rectangle(frame, (x0, y0), (x0 + 300, y0 + 300), 20, 12)
    cv2.rectangle(frame, (x0 + 6, y0 + 6), (x0 + 294, y0 + 294), 200, -1)
    fx, fy = 270 + face_shift[0], 190 + face_shift[1]
    if body:
        cv2.rectangle(frame, (fx + 25, fy + FACE), (fx + FACE - 25, fy + FACE + 40), 90, -1)
        cv2.rectangle(frame, (fx - 90, fy + FACE + 40), (fx + FACE + 90, 480), 90, -1)
    frame[fy:fy + FACE, fx:fx + FACE] = _texture(1, (FACE, FACE))
    return frame, Box(fx, fy, FACE, FACE)


def test_edges_framing_the_face_are_found_on_every_side() -> None:
    frame, box = _scene((0, 0), (0, 0))
    edges = find_edges(frame, box)
    assert edges.count == 4
    assert edges.top is not None and edges.top < box.y
    assert edges.left is not None and edges.left < box.x
    empty = find_edges(np.full((480, 640), 120, np.uint8), box)
    assert empty.count == 0


def test_a_frame_moving_with_the_face_follows_and_a_still_one_does_not() -> None:
    before = find_edges(*_scene((0, 0), (0, 0)))
    held = find_edges(*_scene((6, 5), (6, 5)))  # a phone moved by the hand
    assert following_sides(before, held) == 4
    window = find_edges(*_scene((0, 0), (6, 5)))  # a person moving before a window
    assert following_sides(before, window) == 0
    against = find_edges(*_scene((-6, -5), (6, 5)))  # edges moving the other way
    assert following_sides(before, against) == 0
    jumped = find_edges(*_scene((60, 5), (60, 5)))
    # Too far for left and right (another line, not a move); top and bottom alone, two
    # parallel sides, are no frame.
    assert following_sides(before, jumped) == 1


def test_a_frame_closing_under_the_face_is_framed_and_a_window_behind_a_body_is_not() -> None:
    assert find_edges(*_scene((0, 0), (0, 0))).framed
    behind = find_edges(*_scene((0, 0), (0, 0), body=True))
    assert behind.left is not None and behind.right is not None
    assert not behind.framed


def _lines(*lines: tuple[int, int, int, int]) -> tuple[np.ndarray, Box]:
    """A plain room with dark straight lines (x0, y0, x1, y1) and a textured face."""
    frame = np.full((480, 640), 120, np.uint8)
    for x0, y0, x1, y1 in lines:
        cv2.line(frame, (x0, y0), (x1, y1), 20, 6)
    frame[150:250, 270:370] = _texture(1, (FACE, FACE))
    return frame, Box(270, 150, FACE, FACE)


def test_stripes_under_a_door_frame_do_not_close_it() -> None:
    # A door frame's sides stop at the shoulders; a stripe across the chest below them is
    # an edge under the face that meets neither.
    edges = find_edges(*_lines((170, 0, 170, 270), (470, 0, 470, 270), (200, 380, 440, 380)))
    assert edges.count == 3 and edges.bottom is not None
    assert not edges.framed
    # A door wider than the shoulders: its sides run down beside the body, but the stripe
    # stops at the body's sides, far from the door frame's.
    door = ((120, 0, 120, 480), (520, 0, 520, 480))
    edges = find_edges(*_lines(*door, (230, 380, 410, 380)))
    assert edges.count == 3 and edges.bottom is not None
    assert not edges.framed
    assert find_edges(*_lines(*door, (120, 380, 520, 380))).framed  # a sheet's edge


def test_missing_sides_never_follow() -> None:
    box = Box(270, 190, FACE, FACE)
    assert following_sides(FrameEdges(box), FrameEdges(box, top=80.0, left=150.0)) == 0


def _run(config: LivenessConfig, moving_frame: bool, body: bool = False) -> LivenessResult:
    """The first decisive result (the face is a flat texture: the motion rules may refuse it
    as a flat picture too, so the tests look at which rule refused)."""
    check = MotionLiveness(config)
    result = None
    for step in range(20):
        # The face slides 3 px a frame; the frame goes with it or stays.
        shift = (3 * step, 2 * step)
        frame, box = _scene(shift if moving_frame else (0, 0), shift, body)
        face = Face(box, tuple((x + shift[0], y + shift[1]) for x, y in FACE_POINTS), 0.9)
        colour = np.asarray(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), np.uint8)
        result = check.observe(colour, face, step / 10)
        if result.decided:
            break
    assert result is not None
    return result


OFF = LivenessConfig(screen_pairs=0, framed_pairs=0)


def _screen_refused(result: LivenessResult) -> bool:
    return result.verdict is Verdict.SPOOF and "edges move" in result.detail


def _frame_refused(result: LivenessResult) -> bool:
    return result.verdict is Verdict.SPOOF and "inside a screen" in result.detail


def test_a_held_screen_is_refused_and_a_window_behind_a_person_is_not() -> None:
    on = LivenessConfig(screen_pairs=2, framed_pairs=0)
    assert _screen_refused(_run(on, moving_frame=True))
    assert not _screen_refused(_run(on, moving_frame=False))
    assert not _screen_refused(_run(OFF, moving_frame=True))


def test_a_resting_screen_is_refused_and_a_window_behind_a_person_is_not() -> None:
    on = LivenessConfig(screen_pairs=0, framed_pairs=2)
    assert _frame_refused(_run(on, moving_frame=False))
    assert not _frame_refused(_run(on, moving_frame=False, body=True))
    assert not _frame_refused(_run(OFF, moving_frame=False))


def test_the_shipped_settings_test_for_both() -> None:
    shipped = LivenessConfig()
    assert shipped.screen_pairs > 0 and shipped.framed_pairs > 0
