"""Synthetic relighting: each family does what it says to a face, deterministically."""

from __future__ import annotations

import numpy as np
import pytest

from turnstile.evaluate.relight import Family, conditions, relight, to_linear, to_srgb
from turnstile.types import Box, Face

FACE = Face(Box(100, 60, 120, 150), ((135, 115), (185, 115), (160, 145), (140, 180),
                                     (180, 180)), 0.9)


def photo() -> np.ndarray:
    """A mid-grey face on a mid-grey wall, with some texture so noise and shading show."""
    rng = np.random.default_rng(3)
    image = np.full((300, 320, 3), 120, np.uint8)
    image[60:210, 100:220] = (110, 140, 180)
    return np.clip(image + rng.normal(0, 3, image.shape), 0, 255).astype(np.uint8)


def grey(image: np.ndarray) -> np.ndarray:
    return np.asarray(image.mean(axis=2))


def test_srgb_round_trip() -> None:
    values = np.arange(256, dtype=np.uint8).reshape(16, 16)
    assert (to_srgb(to_linear(values)) == values).all()


def test_every_condition_gives_a_same_size_photo_and_is_repeatable() -> None:
    image = photo()
    assert len(conditions()) == 12
    for condition in conditions():
        relit = relight(image, FACE, condition, seed=5)
        assert relit.shape == image.shape and relit.dtype == np.uint8
        assert (relit == relight(image, FACE, condition, seed=5)).all()
        assert not (relit == image).all()


def test_side_light_shades_the_far_cheek() -> None:
    for condition in conditions((Family.SIDE,)):
        relit = grey(relight(photo(), FACE, condition))
        lit, shaded = relit[150:190, 185:215].mean(), relit[150:190, 105:135].mean()
        assert shaded < 0.6 * lit, condition


def test_backlight_darkens_the_face_more_as_the_window_brightens() -> None:
    faces = [grey(relight(photo(), FACE, c))[110:190, 120:200].mean()
             for c in conditions((Family.BACK,))]
    walls = [grey(relight(photo(), FACE, c))[:40, :60].mean()
             for c in conditions((Family.BACK,))]
    assert faces[0] > faces[1] > faces[2] and faces[2] < 60
    assert min(walls) > 150 and walls[2] > 2.5 * faces[2]


def test_low_light_is_noisy() -> None:
    flat = np.full((200, 200, 3), 120, np.uint8)
    noise = [relight(flat, FACE, c, seed=1)[20:60, 20:60].std() for c in
             conditions((Family.LOW,))]
    assert noise[0] < noise[1] < noise[2] and noise[0] > 1


def test_colour_cast_shifts_the_channels() -> None:
    tungsten = relight(photo(), FACE, conditions((Family.CAST,))[0]).reshape(-1, 3).mean(axis=0)
    assert tungsten[2] > 1.3 * tungsten[0]  # red over blue (BGR)


def test_relight_refuses_single_channel_input() -> None:
    with pytest.raises(ValueError, match="BGR"):
        relight(photo()[:, :, 0], FACE, conditions()[0])
