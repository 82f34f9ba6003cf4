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
        scale = self.scale_for(height, width)
        if scale != 1.0:
            shrink = scale < 1.0
            image = np.asarray(cv2.resize(image, (round(width * scale), round(height * scale)),
                                          interpolation=cv2.INTER_AREA if shrink
                                          else cv2.INTER_CUBIC), np.uint8)
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


def _face_from_row(row: np.ndarray) -> Face:
    values = [float(v) for v in row[:15]]
    landmarks = tuple((values[4 + 2 * i], values[5 + 2 * i]) for i in range(5))
    return Face(Box(values[0], values[1], values[2], values[3]), landmarks, values[14])
