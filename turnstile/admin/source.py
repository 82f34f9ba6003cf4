"""Frame sources for live enrolment: a small protocol and a cv2.VideoCapture implementation."""

from __future__ import annotations

from typing import Protocol

import cv2
import numpy as np

from turnstile.types import Image


class FrameSource(Protocol):
    """Gives BGR frames until it ends (None)."""

    def read(self) -> Image | None: ...

    def close(self) -> None: ...


class CaptureSource:
    """A camera index, URL or video file through cv2.VideoCapture."""

    def __init__(self, source: str) -> None:
        self._capture = cv2.VideoCapture(int(source) if source.isdigit() else source)
        if not self._capture.isOpened():
            raise OSError(f"cannot open video source {source!r}")
        self._position = 0.0

    def read(self) -> Image | None:
        ok, frame = self._capture.read()
        if not ok:
            return None
        self._position = float(self._capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
        return np.asarray(frame, np.uint8)

    @property
    def position_s(self) -> float:
        """Time of the last frame within a file (0 for live cameras)."""
        return self._position

    def close(self) -> None:
        self._capture.release()
