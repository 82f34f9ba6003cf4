"""Exposure metered on the face, not the frame: with a bright window behind the person a
camera's own auto-exposure darkens the face; this steers the camera's exposure so the face
itself reaches a mid grey. Cameras without the controls are left on their own auto-exposure."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from turnstile.types import Face, Image
from turnstile.vision.light import face_brightness

log = logging.getLogger(__name__)

#: V4L2 through OpenCV: CAP_PROP_AUTO_EXPOSURE 1 is manual, 3 the camera's own (aperture
#: priority); CAP_PROP_EXPOSURE is then exposure_time_absolute in units of 100 microseconds.
V4L2_MANUAL, V4L2_AUTO = 1.0, 3.0
#: sRGB grey levels follow linear light to about this power.
GAMMA = 2.2


class ExposureControl(Protocol):
    """A camera's exposure in its own units, which must be linear in light."""

    @property
    def limits(self) -> tuple[float, float]: ...

    def take_over(self) -> float | None:
        """Switch to manual exposure; the current value, or None when there is no control."""
        ...

    def set_exposure(self, value: float) -> None: ...

    def release(self) -> None:
        """Hand exposure back to the camera's own automatic mode."""
        ...


class CaptureProperties(Protocol):
    """The part of cv2.VideoCapture exposure control needs."""

    def get(self, prop: int) -> float: ...

    def set(self, prop: int, value: float) -> bool: ...


class OpenCvExposure:
    """Exposure through OpenCV's capture properties (V4L2 controls on Linux)."""

    def __init__(self, capture: CaptureProperties, limits: tuple[float, float] = (1.0, 2000.0)):
        self._capture = capture
        self._limits = limits

    @property
    def limits(self) -> tuple[float, float]:
        return self._limits

    def take_over(self) -> float | None:
        if not self._capture.set(cv2.CAP_PROP_AUTO_EXPOSURE, V4L2_MANUAL):
            return None
        value = float(self._capture.get(cv2.CAP_PROP_EXPOSURE))
        if value <= 0.0:  # the backend accepted the mode but has no exposure value
            self.release()
            return None
        return value

    def set_exposure(self, value: float) -> None:
        self._capture.set(cv2.CAP_PROP_EXPOSURE, float(value))

    def release(self) -> None:
        self._capture.set(cv2.CAP_PROP_AUTO_EXPOSURE, V4L2_AUTO)


@dataclass(frozen=True)
class MeterSettings:
    """How the face meter steers."""

    #: Mean grey (0-255) of the inner face it aims for.
    target: float = 120.0
    #: No change while the face is within this many grey levels of the target.
    tolerance: float = 12.0
    #: Largest change per step, as a factor (the camera needs a frame or two to follow).
    max_step: float = 1.6
    #: Frames without a face after which the camera's own auto-exposure takes over again.
    release_after: int = 30


class FaceExposureMeter:
    """Steps a camera's exposure towards a face-metered target, one frame at a time."""

    def __init__(self, control: ExposureControl, settings: MeterSettings | None = None) -> None:
        self.control = control
        self.settings = settings or MeterSettings()
        self._value: float | None = None
        self._missing = 0

    @property
    def active(self) -> bool:
        """Whether the meter holds the camera's exposure now."""
        return self._value is not None

    def observe(self, image: Image, face: Face | None) -> float | None:
        """Meter one frame and the face acted on; the exposure set, or None when unchanged."""
        if face is None:
            self._missing += 1
            if self._value is not None and self._missing >= self.settings.release_after:
                self.control.release()
                self._value = None
            return None
        self._missing = 0
        brightness = face_brightness(image, face)
        if abs(brightness - self.settings.target) <= self.settings.tolerance:
            return None
        if self._value is None:
            self._value = self.control.take_over()
            if self._value is None:
                return None
        # Grey levels are gamma-encoded: light needed goes with (target / now) ** 2.2.
        wanted = (self.settings.target / max(brightness, 1.0)) ** GAMMA
        step = float(np.clip(wanted, 1.0 / self.settings.max_step, self.settings.max_step))
        low, high = self.control.limits
        value = float(np.clip(self._value * step, low, high))
        if value == self._value:
            return None
        self._value = value
        self.control.set_exposure(value)
        return value


class QueuedExposure:
    """ExposureControl for a capture that another thread reads (the kiosk's camera reader):
    requests wait here and the reading thread applies them between two frames (`apply`), so
    the capture is only ever touched by the thread that reads it."""

    def __init__(self, limits: tuple[float, float] = (1.0, 2000.0)) -> None:
        self._limits = limits
        self._lock = threading.Lock()
        self._pending: list[tuple[int, float]] = []
        #: The camera's exposure when it was opened, None while closed or without control.
        self._reported: float | None = None

    @property
    def limits(self) -> tuple[float, float]:
        return self._limits

    def take_over(self) -> float | None:
        with self._lock:
            if self._reported is None:
                return None
            self._pending.append((cv2.CAP_PROP_AUTO_EXPOSURE, V4L2_MANUAL))
            return self._reported

    def set_exposure(self, value: float) -> None:
        with self._lock:
            self._pending.append((cv2.CAP_PROP_EXPOSURE, float(value)))

    def release(self) -> None:
        with self._lock:
            self._pending.append((cv2.CAP_PROP_AUTO_EXPOSURE, V4L2_AUTO))

    def opened(self, capture: CaptureProperties | None) -> None:
        """The reading thread opened (or, with None, closed) the capture."""
        value = float(capture.get(cv2.CAP_PROP_EXPOSURE)) if capture is not None else 0.0
        with self._lock:
            self._pending.clear()
            self._reported = value if value > 0.0 else None

    def apply(self, capture: CaptureProperties) -> None:
        """Apply the waiting requests (called by the reading thread before a read)."""
        with self._lock:
            pending, self._pending = self._pending, []
        for prop, value in pending:
            if not capture.set(prop, value):
                log.info("the camera refused exposure control; its own auto-exposure stays")
                with self._lock:
                    self._reported = None
                return


def face_meter(source: object) -> FaceExposureMeter | None:
    """A face meter for a source that offers exposure control (a camera device), else None."""
    control = getattr(source, "exposure", None)
    return FaceExposureMeter(control) if isinstance(control, QueuedExposure) else None
