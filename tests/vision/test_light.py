"""Light: single-channel frames, the rescue look's view, light hints and side-light measure."""

from __future__ import annotations

import numpy as np
import pytest

from turnstile.types import Box, Face
from turnstile.vision.light import (
    LightHint,
    LightLimits,
    as_bgr,
    assess,
    face_brightness,
    rescue_view,
    side_ratio,
)

FACE = Face(Box(120, 80, 80, 100), ((140, 120), (180, 120), (160, 140), (145, 160), (175, 160)),
            0.9)


def frame(background: int, face: int) -> np.ndarray:
    image = np.full((240, 320, 3), background, np.uint8)
    image[80:180, 120:200] = face
    return image


@pytest.mark.parametrize("shape", [(48, 64), (48, 64, 1)])
def test_single_channel_frames_become_bgr(shape: tuple[int, ...]) -> None:
    grey = np.arange(np.prod(shape), dtype=np.uint64).astype(np.uint8).reshape(shape)
    bgr = as_bgr(grey)
    assert bgr.shape == (48, 64, 3) and bgr.dtype == np.uint8
    assert (bgr[:, :, 0] == grey.reshape(48, 64)).all() and (bgr[:, :, 2] == bgr[:, :, 1]).all()


def test_colour_frames_pass_unchanged() -> None:
    image = frame(100, 100)
    assert as_bgr(image) is image


def test_rescue_view_lifts_a_dark_frame_and_keeps_its_shape() -> None:
    rng = np.random.default_rng(0)
    dark = np.clip(frame(10, 25) + rng.normal(0, 4, (240, 320, 3)), 0, 255).astype(np.uint8)
    view = rescue_view(dark)
    assert view.shape == dark.shape and view.dtype == np.uint8
    assert view[80:180, 120:200].mean() > dark[80:180, 120:200].mean() + 10
    # Smoothed first: the noise does not come back amplified.
    assert view[100:160, 140:180].std() < 3 * dark[100:160, 140:180].std()
    assert rescue_view(dark[:, :, 0]).shape == dark.shape


@pytest.mark.parametrize(("background", "face", "hint"), [
    (120, 130, LightHint.OK),
    (40, 35, LightHint.TOO_DARK),
    (240, 60, LightHint.BACKLIT),
    (250, 140, LightHint.OK),  # a bright wall behind a well-lit face needs nothing
])
def test_light_hint_for_a_found_face(background: int, face: int, hint: LightHint) -> None:
    assert assess(frame(background, face), FACE, LightLimits()) is hint


@pytest.mark.parametrize(("background", "hint"), [
    (20, LightHint.TOO_DARK), (128, LightHint.OK), (255, LightHint.BACKLIT)])
def test_light_hint_without_a_face(background: int, hint: LightHint) -> None:
    image = frame(background, 30)
    assert assess(image, None, LightLimits()) is hint


def test_face_brightness_reads_the_inner_face() -> None:
    assert face_brightness(frame(250, 70), FACE) == pytest.approx(70)


def test_side_ratio_falls_when_one_cheek_is_in_shadow() -> None:
    even = np.full((112, 112, 3), 150, np.uint8)
    assert side_ratio(even) == pytest.approx(1.0)
    shaded = even.copy()
    shaded[:, 56:] = 40
    assert side_ratio(shaded) == pytest.approx(40 / 150, abs=0.01)
