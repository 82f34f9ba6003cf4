"""Face-metered exposure: the controller, OpenCV's property path, and a backlit clip."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.access.camera import DeviceSource, PathSource
from turnstile.access.exposure import (
    V4L2_AUTO,
    V4L2_MANUAL,
    FaceExposureMeter,
    MeterSettings,
    OpenCvExposure,
    QueuedExposure,
    face_meter,
)
from turnstile.evaluate.exposure import BacklitCamera, measure
from turnstile.types import Box, Face
from turnstile.vision.engine import Engine

FACE = Face(Box(120, 80, 80, 100), ((140, 120), (180, 120), (160, 140), (145, 160), (175, 160)),
            0.9)


class Capture:
    """cv2.VideoCapture's property calls, as a V4L2 webcam answers them."""

    def __init__(self, exposure: float = 150.0, controls: bool = True) -> None:
        self.values = {cv2.CAP_PROP_AUTO_EXPOSURE: V4L2_AUTO, cv2.CAP_PROP_EXPOSURE: exposure}
        self.controls = controls
        self.calls: list[tuple[int, float]] = []

    def get(self, prop: int) -> float:
        return self.values[prop] if self.controls else 0.0

    def set(self, prop: int, value: float) -> bool:
        self.calls.append((prop, value))
        if self.controls:
            self.values[prop] = value
        return self.controls


class Scene:
    """A fake camera: the face's grey level follows the exposure (linear light, gamma 2.2)."""

    def __init__(self, face_grey_at_100: float) -> None:
        self.value = 100.0
        self.base = face_grey_at_100
        self.taken = False

    limits = (1.0, 2000.0)

    def take_over(self) -> float | None:
        self.taken = True
        return self.value

    def set_exposure(self, value: float) -> None:
        self.value = value

    def release(self) -> None:
        self.taken = False

    def frame(self) -> np.ndarray:
        linear = (self.base / 255.0) ** 2.2 * self.value / 100.0
        grey = 255.0 * min(linear, 1.0) ** (1 / 2.2)
        image = np.full((240, 320, 3), 250, np.uint8)  # the bright window
        image[80:180, 120:200] = round(grey)
        return image


def test_a_dark_face_is_brought_to_the_target_within_a_few_frames() -> None:
    scene = Scene(face_grey_at_100=40.0)
    meter = FaceExposureMeter(scene, MeterSettings(target=120.0, tolerance=10.0))
    for _ in range(8):
        meter.observe(scene.frame(), FACE)
    grey = float(scene.frame()[120:160, 140:180].mean())
    assert abs(grey - 120.0) <= 10.0 and scene.taken and meter.active
    assert meter.observe(scene.frame(), FACE) is None  # settled: no more changes


def test_steps_are_bounded_and_a_bright_face_is_darkened() -> None:
    scene = Scene(face_grey_at_100=230.0)
    meter = FaceExposureMeter(scene, MeterSettings(max_step=1.5))
    value = meter.observe(scene.frame(), FACE)
    assert value == pytest.approx(100.0 / 1.5)


def test_the_camera_gets_its_own_exposure_back_when_nobody_is_there() -> None:
    scene = Scene(face_grey_at_100=40.0)
    meter = FaceExposureMeter(scene, MeterSettings(release_after=3))
    meter.observe(scene.frame(), FACE)
    assert scene.taken
    for _ in range(3):
        meter.observe(scene.frame(), None)
    assert not scene.taken and not meter.active


def test_opencv_property_path_switches_to_manual_and_back() -> None:
    capture = Capture(exposure=150.0)
    control = OpenCvExposure(capture)
    assert control.take_over() == 150.0
    control.set_exposure(300.0)
    control.release()
    assert capture.calls == [(cv2.CAP_PROP_AUTO_EXPOSURE, V4L2_MANUAL),
                             (cv2.CAP_PROP_EXPOSURE, 300.0),
                             (cv2.CAP_PROP_AUTO_EXPOSURE, V4L2_AUTO)]


def test_a_camera_without_exposure_control_is_left_alone() -> None:
    capture = Capture(controls=False)
    meter = FaceExposureMeter(OpenCvExposure(capture))
    dark = np.full((240, 320, 3), 30, np.uint8)
    assert meter.observe(dark, FACE) is None and not meter.active
    assert capture.calls == [(cv2.CAP_PROP_AUTO_EXPOSURE, V4L2_MANUAL)]


def test_face_metering_lifts_a_backlit_face_on_a_real_clip(engine: Engine) -> None:
    clip = dataset("videos", "1zlab_face.mp4")
    reference = np.zeros(engine.embedder.dimension, np.float32)
    runs = []
    for metered in (False, True):
        camera = BacklitCamera(clip, 25.0, engine.detector, scale=0.5)
        meter = FaceExposureMeter(camera) if metered else None
        runs.append(measure(camera, engine.detector, engine.embedder, reference, 0.57, 12,
                            meter))
    auto, face = runs
    assert auto.frames == face.frames == 12
    late_auto, late_face = np.median(auto.brightness[6:]), np.median(face.brightness[6:])
    assert late_auto < 70 and abs(late_face - MeterSettings().target) < 30


def test_queued_requests_reach_the_capture_on_the_reading_thread_only() -> None:
    control = QueuedExposure()
    assert control.take_over() is None  # closed: no control yet
    capture = Capture(exposure=150.0)
    control.opened(capture)
    meter = FaceExposureMeter(control)
    dark = np.full((240, 320, 3), 30, np.uint8)
    value = meter.observe(dark, FACE)
    assert value == pytest.approx(150.0 * MeterSettings().max_step)
    assert capture.calls == []  # nothing touched the capture from this thread
    control.apply(capture)
    assert capture.calls == [(cv2.CAP_PROP_AUTO_EXPOSURE, V4L2_MANUAL),
                             (cv2.CAP_PROP_EXPOSURE, value)]
    control.opened(None)
    assert control.take_over() is None


def test_only_camera_devices_get_a_face_meter(tmp_path: Path) -> None:
    assert face_meter(DeviceSource(0)) is not None
    assert face_meter(PathSource(tmp_path, 5.0)) is None
