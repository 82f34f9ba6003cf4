"""YuNet detection: frames are resized before detection and faces mapped back to the frame."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from turnstile.config import Config, ConfigError, DetectorConfig, from_dict
from turnstile.types import Face
from turnstile.vision import models
from turnstile.vision.detect import MAX_UPSCALE, MIN_FOLLOW_SCALE, FollowingDetector, YuNetDetector
from turnstile.vision.imageio import read_image


def detector(config: Config, **settings: int) -> YuNetDetector:
    path = models.model_path(config.models.models_dir(), models.DETECTOR)
    if 0 < settings.get("max_side", 0) < DetectorConfig().upscale_to:
        settings.setdefault("upscale_to", 0)  # may not exceed max_side; the photo is larger
    return YuNetDetector(path, DetectorConfig(**settings))


@pytest.mark.parametrize(("size", "settings", "expected"), [
    ((480, 640), {}, 1.0),
    ((720, 1280), {}, 0.5),
    ((720, 1280), {"max_side": 0}, 1.0),
    ((250, 250), {}, 2.0),
    ((250, 250), {"upscale_to": 0}, 1.0),
    ((300, 400), {}, 1.25),
    ((112, 92), {}, MAX_UPSCALE),
])
def test_scale_for_frame_size(config: Config, size: tuple[int, int],
                              settings: dict[str, int], expected: float) -> None:
    assert detector(config, **settings).scale_for(*size) == pytest.approx(expected)


def largest(faces: list[Face]) -> Face:
    assert faces, "no face found"
    return faces[0]


def test_small_photo_is_detected_enlarged_and_mapped_back(config: Config, examples: Path) -> None:
    photo = read_image(examples / "obama.jpg")
    height, width = photo.shape[:2]
    side = 250 / max(height, width)
    small = np.asarray(cv2.resize(photo, (round(width * side), round(height * side)),
                                  interpolation=cv2.INTER_AREA), np.uint8)
    plain = largest(detector(config, upscale_to=0).detect(small))
    enlarged = largest(detector(config).detect(small))
    # The same face, in the small photo's own coordinates (not the enlarged image's).
    assert abs(enlarged.box.x - plain.box.x) < 0.1 * plain.box.w
    assert abs(enlarged.box.w - plain.box.w) < 0.15 * plain.box.w
    for (ax, ay), (bx, by) in zip(enlarged.landmarks, plain.landmarks, strict=True):
        assert abs(ax - bx) < 4 and abs(ay - by) < 4
    assert enlarged.box.x + enlarged.box.w <= small.shape[1] + 2


def test_large_frame_is_detected_shrunk_and_mapped_back(config: Config, examples: Path) -> None:
    photo = read_image(examples / "obama.jpg")
    full = largest(detector(config, max_side=0).detect(photo))
    shrunk = largest(detector(config, max_side=320).detect(photo))
    assert abs(shrunk.box.center[0] - full.box.center[0]) < 0.1 * full.box.w
    assert abs(shrunk.box.w - full.box.w) < 0.2 * full.box.w


@pytest.mark.parametrize("value", [100, 700])
def test_upscale_to_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(ConfigError, match="upscale_to"):
        from_dict({"detector": {"upscale_to": value}})


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="missing"):
        YuNetDetector(tmp_path / "absent.onnx", DetectorConfig())


class ScaleSpy(YuNetDetector):
    """The real detector, recording the scale of every detection it runs."""

    scales: list[float]

    def detect_scaled(self, image: np.ndarray, scale: float) -> list[Face]:
        self.scales.append(scale)
        return super().detect_scaled(image, scale)


def spy(config: Config, **settings: int) -> ScaleSpy:
    path = models.model_path(config.models.models_dir(), models.DETECTOR)
    found = ScaleSpy(path, DetectorConfig(**settings))
    found.scales = []
    return found


def test_following_detector_shrinks_frames_while_a_face_stays(config: Config,
                                                              examples: Path) -> None:
    photo = read_image(examples / "obama.jpg")
    inner = spy(config)
    following = FollowingDetector(inner, DetectorConfig())
    base = inner.scale_for(*photo.shape[:2])
    first = largest(following.detect(photo))  # nothing followed yet: the usual look
    assert inner.scales == [base]
    second = largest(following.detect(photo))
    shrunk = inner.scales[-1]
    assert len(inner.scales) == 2 and base * MIN_FOLLOW_SCALE <= shrunk < base
    # The followed face is about follow_face_px in the detector's image, whose shorter side
    # is a multiple of YuNet's 32-pixel stride.
    assert second.box.size * shrunk == pytest.approx(112, rel=0.2)
    assert round(min(photo.shape[:2]) * shrunk) % 32 == 0
    assert abs(second.box.center[0] - first.box.center[0]) < 0.05 * first.box.w
    assert abs(second.box.size - first.box.size) < 0.1 * first.box.size


def test_following_detector_looks_again_in_full_when_the_face_is_gone(
        config: Config, examples: Path) -> None:
    photo = read_image(examples / "obama.jpg")
    empty = np.full_like(photo, 127)
    inner = spy(config)
    following = FollowingDetector(inner, DetectorConfig())
    base = inner.scale_for(*photo.shape[:2])
    following.detect(photo)
    assert following.detect(empty) == []
    assert inner.scales[-1] == base  # the shrunk look found nothing: the full look follows
    inner.scales.clear()
    following.detect(empty)
    assert inner.scales == [base]  # nobody to follow: one look per frame


def test_following_off_always_detects_at_the_usual_size(config: Config,
                                                        examples: Path) -> None:
    photo = read_image(examples / "obama.jpg")
    inner = spy(config)
    following = FollowingDetector(inner, DetectorConfig(follow_face_px=0))
    for _ in range(3):
        following.detect(photo)
    assert inner.scales == [inner.scale_for(*photo.shape[:2])] * 3
