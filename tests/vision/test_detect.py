"""YuNet detection: frames are resized before detection and faces mapped back to the frame."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.config import Config, ConfigError, DetectorConfig, from_dict
from turnstile.evaluate.relight import Family, conditions, relight
from turnstile.types import Box, Face
from turnstile.vision import models
from turnstile.vision.detect import (
    MAX_UPSCALE,
    MIN_FOLLOW_SCALE,
    FollowingDetector,
    LightRescueDetector,
    YuNetDetector,
    following,
)
from turnstile.vision.imageio import read_image
from turnstile.vision.quality import plausible_landmarks


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

    def detect_scaled(self, image: np.ndarray, scale: float,
                      score_threshold: float | None = None) -> list[Face]:
        self.scales.append(scale)
        return super().detect_scaled(image, scale, score_threshold)


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


def rescue(config: Config, inner: YuNetDetector, **settings: float) -> LightRescueDetector:
    det = DetectorConfig(**settings)  # type: ignore[arg-type]
    return LightRescueDetector(inner, inner, det)


def dim(photo: np.ndarray, face: Face) -> np.ndarray:
    """The photo at 1/300 of its light with sensor noise (the harness's darkest low light)."""
    return relight(photo, face, conditions((Family.LOW,))[2], seed=1)


def test_rescue_finds_the_face_the_first_look_misses_in_dim_light(config: Config) -> None:
    photo = read_image(dataset("lfw", "lfw-deepfunneled", "John_Rigas", "John_Rigas_0002.jpg"))
    inner = spy(config)
    original = largest(inner.detect(photo))
    frame = dim(photo, original)
    inner.scales.clear()
    assert inner.detect(frame) == []
    found = rescue(config, inner).detect(frame)
    assert found and found[0].box.iou(original.box) > 0.5
    assert rescue(config, inner, rescue_score=0.0).detect(frame) == []  # switched off


def test_rescue_adds_no_look_when_the_first_finds_a_face(config: Config,
                                                         examples: Path) -> None:
    photo = read_image(examples / "obama.jpg")
    inner = spy(config)
    detector = rescue(config, inner)
    assert detector.detect(photo) and len(inner.scales) == 1 and not detector.rescued
    assert detector.detect(np.full_like(photo, 127)) == []
    assert len(inner.scales) == 3  # an empty frame gets the second look


def test_grey_camera_frames_are_detected(config: Config, examples: Path) -> None:
    photo = read_image(examples / "obama.jpg")
    grey = np.asarray(cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY), np.uint8)
    for frame in (grey, grey[:, :, None]):
        assert largest(detector(config).detect(frame)).box.iou(
            largest(detector(config).detect(photo)).box) > 0.8


def test_following_keeps_the_rescue_look(config: Config) -> None:
    inner = detector(config)
    wrapped = following(LightRescueDetector(inner, inner, DetectorConfig()), DetectorConfig())
    assert isinstance(wrapped, LightRescueDetector)
    assert isinstance(wrapped.first, FollowingDetector)
    assert following(inner, DetectorConfig(follow_face_px=0)) is inner


def test_implausible_landmarks_are_refused() -> None:
    points = ((40.0, 50.0), (80.0, 50.0), (60.0, 70.0), (45.0, 90.0), (75.0, 90.0))
    face = Face(Box(20, 20, 80, 100), points, 0.65)
    assert plausible_landmarks(face)
    swapped = (points[1], points[0], *points[2:])
    assert not plausible_landmarks(Face(face.box, swapped, 0.65))
    nose_high = (points[0], points[1], (60.0, 30.0), *points[3:])
    assert not plausible_landmarks(Face(face.box, nose_high, 0.65))
    squeezed = ((58.0, 50.0), (62.0, 50.0), *points[2:])
    assert not plausible_landmarks(Face(face.box, squeezed, 0.65))
    outside = (*points[:4], (200.0, 90.0))
    assert not plausible_landmarks(Face(face.box, outside, 0.65))
