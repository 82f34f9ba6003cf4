"""Frames for live enrolment, pulled one at a time from the kiosk's camera sources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from turnstile.access.camera import CameraLostError, CameraSource, Frame, open_source
from turnstile.config import CameraConfig
from turnstile.types import Image


class FrameSource(Protocol):
    """Gives BGR frames until it ends (None); CameraLostError when the camera fails."""

    def read(self) -> Image | None: ...

    def close(self) -> None: ...


class CameraFrames:
    """Pull-style reading of a CameraSource (device, stream, video file or image folder).

    The source is opened here, so a camera that cannot be opened fails at once, not on the
    first frame the panel asks for.
    """

    def __init__(self, source: CameraSource) -> None:
        self.name = source.name
        self._frames: Iterator[Frame] | None = source.frames()
        self._next: Frame | None = next(self._frames, None)
        self._position = 0.0

    @classmethod
    def open(cls, spec: str, config: CameraConfig, pace: bool = True) -> CameraFrames:
        """The camera the config (or `spec`) names; files are paced like a live camera."""
        return cls(open_source(spec, config, pace=pace, loop=False))

    def read(self) -> Image | None:
        frame, self._next = self._next, None
        if frame is None and self._frames is not None:
            frame = next(self._frames, None)
        if frame is None:
            self.close()
            return None
        self._position = frame.time_s
        return frame.image

    @property
    def position_s(self) -> float:
        """Seconds into the source of the last frame read (video time for files)."""
        return self._position

    def close(self) -> None:
        if self._frames is not None:
            close = getattr(self._frames, "close", None)
            if close is not None:
                close()
            self._frames = None


__all__ = ["CameraFrames", "CameraLostError", "FrameSource"]
