"""Face-metered exposure measured on a clip: a simulated camera puts a bright window behind
the clip's person and exposes each frame as it is told (frame-metered auto-exposure, or the
value a FaceExposureMeter sets), so the face's brightness can be compared either way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from turnstile.access.camera import VideoFileSource
from turnstile.access.exposure import FaceExposureMeter
from turnstile.evaluate.relight import auto_expose, backlit_scene, to_srgb
from turnstile.types import Embedding, Face, Image
from turnstile.vision.align import align
from turnstile.vision.detect import FaceDetector
from turnstile.vision.embed import Embedder
from turnstile.vision.light import face_brightness

#: Exposure value (camera units) that applies a gain of 1 to the linear scene.
UNIT = 100.0


class BacklitCamera:
    """A clip played as a camera in front of a window, with an exposure control: in auto mode
    it meters the whole frame (as webcams do), in manual mode it applies the value set."""

    def __init__(self, clip: Path, window: float, placer: FaceDetector,
                 limits: tuple[float, float] = (1.0, 2000.0), scale: float = 1.0) -> None:
        self.clip, self.window, self._placer = clip, window, placer
        #: Frames are resized by this factor first (tests play a smaller camera).
        self.scale = scale
        self._limits = limits
        self.manual: float | None = None
        self._last_face: Face | None = None
        #: The value the camera's own auto-exposure would be at now (taken over from it).
        self._auto_value = UNIT

    # ExposureControl
    @property
    def limits(self) -> tuple[float, float]:
        return self._limits

    def take_over(self) -> float | None:
        self.manual = self._auto_value
        return self.manual

    def set_exposure(self, value: float) -> None:
        self.manual = value

    def release(self) -> None:
        self.manual = None

    def frames(self, count: int) -> Iterator[tuple[Image, Face | None]]:
        """Exposed frames, each with the person's face as placed on the original frame."""
        source = VideoFileSource(self.clip, loop=True)
        for frame in source.frames():
            if frame.index >= count:
                return
            image = frame.image if self.scale == 1.0 else np.asarray(cv2.resize(
                frame.image, None, fx=self.scale, fy=self.scale,
                interpolation=cv2.INTER_AREA), np.uint8)
            found = self._placer.detect(image)
            face = found[0] if found else self._last_face
            self._last_face = face
            if face is None:
                yield image, None
                continue
            scene = backlit_scene(image, face, self.window)
            auto = auto_expose(scene)
            self._auto_value = UNIT * float(auto.mean() / max(scene.mean(), 1e-6))
            exposed = auto if self.manual is None else scene * (self.manual / UNIT)
            yield to_srgb(np.asarray(exposed, np.float32)), face


@dataclass
class ExposureRun:
    """One clip under one way of metering."""

    mode: str
    frames: int = 0
    detected: int = 0
    accepted: int = 0
    brightness: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"mode": self.mode, "frames": self.frames, "detected": self.detected,
                "accepted": self.accepted,
                "face_brightness_median": float(np.median(self.brightness))
                if self.brightness else None}


def measure(camera: BacklitCamera, detector: FaceDetector, embedder: Embedder,
            reference: Embedding, threshold: float, frames: int,
            meter: FaceExposureMeter | None) -> ExposureRun:
    """Play `frames` frames; the face's brightness is read where the person really is."""
    run = ExposureRun("face-metered" if meter is not None else "camera auto-exposure")
    for image, truth in camera.frames(frames):
        if truth is None:
            continue
        run.frames += 1
        run.brightness.append(face_brightness(image, truth))
        found = [f for f in detector.detect(image) if f.box.iou(truth.box) >= 0.3]
        face = found[0] if found else None
        if meter is not None:
            meter.observe(image, face)
        if face is None:
            continue
        run.detected += 1
        vector = embedder.embed([align(image, face, embedder.input_size)], flip=False)[0]
        run.accepted += int(float(reference @ vector) >= threshold)
    return run
