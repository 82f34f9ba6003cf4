"""Face detection: the FaceDetector protocol and OpenCV's YuNet implementation."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from turnstile.config import DetectorConfig
from turnstile.types import Box, Face, Image

#: The most a small frame is enlarged before detection (detector.upscale_to).
MAX_UPSCALE = 2.0
#: The least a followed face's frame is shrunk to, relative to the usual detection size.
MIN_FOLLOW_SCALE = 0.5
#: ... and in pixels of its shorter side: on a 320x180 image a face filling the frame got
#: clearly different landmarks (crop cosine 0.90 against about 0.97 at 240 px and up).
MIN_FOLLOW_SHORT_SIDE = 240


class FaceDetector(Protocol):
    """Finds faces with five landmarks in a BGR image."""

    def detect(self, image: Image) -> list[Face]: ...


class YuNetDetector:
    """YuNet through cv2.FaceDetectorYN; large frames are shrunk first, small ones enlarged,
    and boxes and landmarks mapped back to the frame."""

    def __init__(self, model: Path, config: DetectorConfig) -> None:
        if not model.exists():
            raise FileNotFoundError(f"detector model {model} is missing")
        self._config = config
        self._input_size = (320, 320)
        try:
            self._net = cv2.FaceDetectorYN.create(
                str(model), "", self._input_size,
                config.score_threshold, config.nms_threshold, config.top_k,
            )
        except cv2.error as exc:
            raise ValueError(f"{model} is not a usable YuNet detector model: {exc}") from exc

    def scale_for(self, height: int, width: int) -> float:
        """The factor a frame of this size is resized by before detection."""
        longest = max(height, width)
        limit, floor = self._config.max_side, self._config.upscale_to
        if limit and longest > limit:
            # Faces at a turnstile are large; detecting on a smaller frame costs little recall.
            return limit / longest
        if floor and longest < floor:
            # Finer landmarks on small photos; beyond twice the size there is nothing to gain.
            return min(floor / longest, MAX_UPSCALE)
        return 1.0

    def detect(self, image: Image) -> list[Face]:
        height, width = image.shape[:2]
        return self.detect_scaled(image, self.scale_for(height, width))

    def detect_scaled(self, image: Image, scale: float) -> list[Face]:
        """Faces (largest first) found on the frame resized by `scale`, in frame pixels."""
        height, width = image.shape[:2]
        if scale != 1.0:
            image = np.asarray(cv2.resize(image, (round(width * scale), round(height * scale)),
                                          interpolation=_interpolation(scale)), np.uint8)
        size = (image.shape[1], image.shape[0])
        if size != self._input_size:
            self._net.setInputSize(size)
            self._input_size = size
        _, rows = self._net.detect(image)
        if rows is None:
            return []
        faces = [_face_from_row(row).scaled(1.0 / scale) for row in np.asarray(rows)]
        faces.sort(key=lambda face: face.box.area, reverse=True)
        return faces


class FollowingDetector:
    """The kiosk loop's detector: while a face stays in view, each next frame is detected
    shrunk so that face is about `detector.follow_face_px` in the detector's image.

    One instance per camera loop (it remembers the last frame's face); photos and
    evaluations use YuNetDetector directly, so they never inherit a camera's state.
    """

    def __init__(self, detector: YuNetDetector, config: DetectorConfig) -> None:
        self._detector = detector
        self._target = config.follow_face_px
        self._last_px: float | None = None

    def detect(self, image: Image) -> list[Face]:
        height, width = image.shape[:2]
        base = self._detector.scale_for(height, width)
        scale = base
        if self._target and self._last_px:
            # Never below half the usual size, so a smaller newcomer is still found.
            floor = max(MIN_FOLLOW_SCALE * base, MIN_FOLLOW_SHORT_SIDE / min(height, width))
            scale = min(base, max(self._target / self._last_px, floor))
        faces = self._detector.detect_scaled(image, scale) if scale < base else []
        if not faces:  # nobody followed (or they left): the usual full look
            faces = self._detector.detect_scaled(image, base)
        self._last_px = faces[0].box.size if faces else None
        return faces


def _interpolation(scale: float) -> int:
    """Area averaging for strong shrinking (no aliasing), bilinear for mild shrinking (a
    sixth of the cost at 0.75, which the kiosk pays every followed frame), cubic to enlarge."""
    if scale > 1.0:
        return cv2.INTER_CUBIC
    return cv2.INTER_AREA if scale <= 0.5 else cv2.INTER_LINEAR


def _face_from_row(row: np.ndarray) -> Face:
    values = [float(v) for v in row[:15]]
    landmarks = tuple((values[4 + 2 * i], values[5 + 2 * i]) for i in range(5))
    return Face(Box(values[0], values[1], values[2], values[3]), landmarks, values[14])
