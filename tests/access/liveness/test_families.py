"""The attack families: reproducible, each as specified, and faces the detector still finds."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.access.liveness import render
from turnstile.access.liveness.families import (
    FRAME_SIZE,
    Family,
    Source,
    draw_spec,
    presentation,
    room_from,
)
from turnstile.config import Config
from turnstile.types import Box
from turnstile.vision.engine import build_detector


def _scene(seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return cv2.resize(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8), (320, 240))


SOURCE = Source("noise", tuple(_scene(s) for s in range(6)), Box(120, 70, 80, 100), 30.0)
ROOM = np.full((FRAME_SIZE[1], FRAME_SIZE[0], 3), 90, np.uint8)


@pytest.mark.parametrize("family", list(Family))
def test_each_family_is_reproducible_and_moves(family: Family) -> None:
    spec = draw_spec(family, SOURCE, 11, 0.3)
    first = list(presentation(spec, SOURCE, ROOM))
    again = list(presentation(draw_spec(family, SOURCE, 11, 0.3), SOURCE, ROOM))
    assert len(first) == round(0.3 * spec.fps) and spec.fps in (15.0, 30.0, 60.0)
    assert all(f.shape == (FRAME_SIZE[1], FRAME_SIZE[0], 3) for f in first)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert draw_spec(family, SOURCE, 12, 0.3) != spec


def test_family_ranges() -> None:
    for seed in range(40):
        rolled = draw_spec(Family.ROLLED, SOURCE, seed, 3.0)
        for t in np.linspace(0, 3, 31):
            assert abs(rolled.waves["roll"].at(t)) <= 20.0 + 1e-9
            assert abs(rolled.waves["yaw"].at(t)) <= 30.0 + 1e-9
        bent = draw_spec(Family.BENT, SOURCE, seed, 3.0)
        assert bent.waves["bend"].amplitude >= 5.0  # the bend changes over time
        resting = draw_spec(Family.REPLAY_RESTING, SOURCE, seed, 3.0)
        held = draw_spec(Family.REPLAY_HANDHELD, SOURCE, seed, 3.0)
        assert resting.waves["roll"].amplitude < held.waves["roll"].amplitude


def test_a_bent_sheet_projects_curved_and_a_flat_one_straight() -> None:
    us = np.linspace(-50, 50, 11)
    vs = np.zeros_like(us)
    flat = render.project(render.Pose(320, 240, 1.0), (100, 100), FRAME_SIZE, us, vs)
    bent = render.project(render.Pose(320, 240, 1.0, bend=60), (100, 100), FRAME_SIZE, us,
                          vs)
    assert np.allclose(np.diff(flat[:, 0]), 10.0)
    assert np.ptp(np.diff(bent[:, 0])) > 0.5  # foreshortened toward the edges


def test_glare_clips_to_a_flat_plateau_unless_asked_not_to() -> None:
    # A textured bright sheet: strong glare erases its texture at the centre (clipping).
    ramp = np.tile(np.linspace(190, 230, 41, dtype=np.float32), (41, 1))
    sheet = np.asarray(np.dstack([ramp] * 3), np.uint8)
    clipped = render.glare(sheet, (20.0, 20.0), 15.0, 0.5)
    blended = render.glare(sheet, (20.0, 20.0), 15.0, 0.5, clips=False)
    centre = (slice(15, 26), slice(15, 26))
    assert np.all(clipped[centre] == 255)
    assert blended[centre].max() < 255 and np.all(blended >= sheet)
    assert len(np.unique(blended[centre][..., 0])) > 5  # the texture survives the highlight


@pytest.mark.parametrize("family", [Family.FLAT_FULL, Family.CUTOUT, Family.REPLAY_RESTING])
def test_the_detector_finds_the_presented_face(family: Family) -> None:
    capture = cv2.VideoCapture(str(dataset("videos", "1zlab_face.mp4")))
    frames = [np.asarray(capture.read()[1], np.uint8) for _ in range(20)]
    capture.release()
    detector = build_detector(Config())
    face = detector.detect(frames[0])[0]
    source = Source("1zlab_face", tuple(frames), face.box, 30.0)
    room = room_from(frames[0], [face.box])
    assert not detector.detect(room)  # the room's own face is blurred away
    shown = list(presentation(draw_spec(family, source, 5, 0.2), source, room))
    assert detector.detect(shown[-1])
