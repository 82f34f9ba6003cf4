"""Camera sources: device index or URL, video file, image folder; newest-frame-only wrapper."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from turnstile.access.exposure import QueuedExposure
from turnstile.config import CameraConfig
from turnstile.errors import TurnstileError
from turnstile.redact import camera_label
from turnstile.types import Image
from turnstile.vision import cvlog
from turnstile.vision.imageio import ImageError, read_image

log = logging.getLogger(__name__)

#: File endings an image-folder source plays, in name order.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".pgm", ".ppm", ".webp"})
#: Used when a video file does not state its frame rate.
FALLBACK_FPS = 25.0
#: A live camera that delivers the same picture this long has hung.
FROZEN_S = 5.0


class CameraLostError(TurnstileError, RuntimeError):
    """The source cannot be opened or stopped delivering frames; it may come back."""


@dataclass(frozen=True)
class Frame:
    """One image from a source: running index, seconds since the source started, its time."""

    image: Image
    index: int
    time_s: float
    at: datetime


class CameraSource(Protocol):
    """Something that yields frames; each call to frames() (re)opens it.

    frames() returns when a file source ends and raises CameraLostError when the source cannot be
    opened or breaks mid-way; the caller decides whether to reopen it.
    """

    @property
    def name(self) -> str: ...

    def frames(self) -> Iterator[Frame]: ...


class _Playback:
    """The clock of a file played as a camera: paced frames wait for their moment and carry
    the wall clock; unpaced (replay) frames carry `epoch + position` without waiting."""

    def __init__(self, pace: bool, epoch: datetime) -> None:
        self.pace = pace
        self.epoch = epoch
        self.started = time.monotonic()

    def stamp(self, position: float) -> datetime:
        """The time of the frame `position` seconds into the playback, after waiting for it."""
        if not self.pace:
            return self.epoch + timedelta(seconds=position)
        time.sleep(max(0.0, self.started + position - time.monotonic()))
        return datetime.now()


def _quiet_capture(target: int | str) -> cv2.VideoCapture:
    # OpenCV prints backend errors for a missing device; CameraLostError says it once, clearly.
    with cvlog.silenced():
        return cv2.VideoCapture(target)


class VideoFileSource:
    """A video file played as a camera: every frame in order, optionally looped and paced.

    Unpaced (replay) frames are stamped `epoch + position in the video`, so cooldowns and
    agreement run on video time; paced (kiosk) frames are stamped with the wall clock.
    """

    def __init__(self, path: Path, loop: bool = False, pace: bool = False,
                 epoch: datetime | None = None) -> None:
        self.path = path
        self.loop = loop
        self.pace = pace
        self.epoch = epoch or datetime.now()

    @property
    def name(self) -> str:
        return str(self.path)

    def frames(self) -> Iterator[Frame]:
        index, offset = 0, 0.0
        clock = _Playback(self.pace, self.epoch)
        while True:
            capture = _quiet_capture(str(self.path))
            if not capture.isOpened():
                raise CameraLostError(f"cannot open video {self.path}")
            fps = capture.get(cv2.CAP_PROP_FPS) or FALLBACK_FPS
            count = 0
            try:
                while True:
                    ok, image = capture.read()
                    if not ok:
                        break
                    position = offset + count / fps
                    yield Frame(np.asarray(image, np.uint8), index, position,
                                clock.stamp(position))
                    index, count = index + 1, count + 1
            finally:
                capture.release()
            if count == 0:
                raise CameraLostError(f"video {self.path} has no readable frames")
            if not self.loop:
                return
            offset += count / fps


class ImageFolderSource:
    """The images of a folder in name order at a fixed rate; a vanished file is a lost camera."""

    def __init__(self, path: Path, fps: float, loop: bool = False, pace: bool = False,
                 epoch: datetime | None = None) -> None:
        self.path = path
        self.fps = fps
        self.loop = loop
        self.pace = pace
        self.epoch = epoch or datetime.now()

    @property
    def name(self) -> str:
        return str(self.path)

    def _files(self) -> list[Path]:
        try:
            files = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        except OSError as exc:
            raise CameraLostError(f"cannot read image folder {self.path}: {exc}") from exc
        if not files:
            raise CameraLostError(f"image folder {self.path} holds no images")
        return files

    def frames(self) -> Iterator[Frame]:
        index = 0
        clock = _Playback(self.pace, self.epoch)
        while True:
            for path in self._files():
                position = index / self.fps
                at = clock.stamp(position)
                try:
                    image = read_image(path)
                except ImageError as exc:
                    raise CameraLostError(str(exc)) from exc
                yield Frame(image, index, position, at)
                index += 1
            if not self.loop:
                return


class DeviceSource:
    """A camera by device index or a network stream by URL (RTSP, HTTP) through OpenCV.

    A live camera never delivers the very same picture twice (sensor noise): one that does
    for `frozen_s` seconds has hung (a stuck driver, a stalled stream) and counts as lost.
    """

    def __init__(self, target: int | str, width: int = 0, height: int = 0,
                 frozen_s: float = FROZEN_S) -> None:
        self.target = target
        self.width = width
        self.height = height
        self.frozen_s = frozen_s
        #: Exposure requests from the face meter, applied on the reading thread.
        self.exposure = QueuedExposure()

    @property
    def name(self) -> str:
        # A stream URL may carry a password: messages, logs and events get only its label.
        return camera_label(str(self.target))

    def frames(self) -> Iterator[Frame]:
        capture = _quiet_capture(self.target)
        if not capture.isOpened():
            raise CameraLostError(f"cannot open {self.name}")
        if self.width and self.height:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        started, index = time.monotonic(), 0
        frozen = FrozenCheck(self.frozen_s)
        self.exposure.opened(capture)
        try:
            while True:
                self.exposure.apply(capture)
                ok, image = capture.read()
                if not ok:
                    raise CameraLostError(f"{self.name} stopped delivering frames")
                picture: Image = np.asarray(image, np.uint8)
                if frozen.stuck(picture, time.monotonic()):
                    raise CameraLostError(f"{self.name} delivered the same picture for "
                                          f"{self.frozen_s:g} s")
                yield Frame(picture, index, time.monotonic() - started, datetime.now())
                index += 1
        finally:
            self.exposure.opened(None)
            capture.release()


class FrozenCheck:
    """Whether a live camera has kept delivering the same picture for `frozen_s` seconds."""

    def __init__(self, frozen_s: float) -> None:
        self.frozen_s = frozen_s
        self._digest = b""
        self._since = 0.0

    def stuck(self, image: Image, now: float) -> bool:
        if self.frozen_s <= 0:
            return False
        # A sparse sample is enough: noise changes pixels everywhere in a live picture.
        digest = hashlib.blake2b(np.ascontiguousarray(image[::7, ::7]).tobytes(),
                                 digest_size=16).digest()
        if digest != self._digest:
            self._digest, self._since = digest, now
            return False
        return now - self._since >= self.frozen_s


def open_source(spec: str, config: CameraConfig, *, pace: bool, loop: bool | None = None,
                epoch: datetime | None = None) -> CameraSource:
    """The source `spec` names: digits are a device, "scheme://" a stream, else a path."""
    loop = config.loop if loop is None else loop
    if spec.strip().isdigit():
        return DeviceSource(int(spec), config.width, config.height, config.frozen_s)
    if "://" in spec:
        return DeviceSource(spec, config.width, config.height, config.frozen_s)
    return PathSource(Path(spec).expanduser(), config.folder_fps, loop, pace, epoch)


def probe(spec: str, config: CameraConfig) -> str | None:
    """Open the source `spec` names and read one frame; None when that works, else why not
    (`turnstile check` asks this before the kiosk starts)."""
    source = open_source(spec, config, pace=False, loop=False)
    frames = source.frames()
    try:
        next(frames)
    except CameraLostError as exc:
        return str(exc)
    except StopIteration:
        return f"{source.name} opened but gave no frame"
    finally:
        close = getattr(frames, "close", None)  # a generator releases its capture on close
        if close is not None:
            close()
    return None


class PathSource:
    """A video file or an image folder, told apart each time it is opened: a path that is
    missing when the kiosk starts may appear later as either."""

    def __init__(self, path: Path, folder_fps: float, loop: bool = False, pace: bool = False,
                 epoch: datetime | None = None) -> None:
        self.path = path
        self.folder_fps = folder_fps
        self.loop = loop
        self.pace = pace
        self.epoch = epoch

    @property
    def name(self) -> str:
        return str(self.path)

    def resolve(self) -> CameraSource:
        if self.path.is_dir():
            return ImageFolderSource(self.path, self.folder_fps, self.loop, self.pace, self.epoch)
        return VideoFileSource(self.path, self.loop, self.pace, self.epoch)

    def frames(self) -> Iterator[Frame]:
        return self.resolve().frames()


class LatestFrameSource:
    """Reads another source on its own thread and hands out only the newest frame.

    A slow consumer skips frames instead of falling behind; `on_frame` sees every frame (the
    kiosk's live preview). No frame for `stall_s` seconds raises CameraLostError.
    """

    def __init__(self, inner: CameraSource, stall_s: float,
                 on_frame: Callable[[Frame], None] | None = None) -> None:
        self.inner = inner
        self.stall_s = stall_s
        self.on_frame = on_frame
        self.dropped = 0
        self._reader: threading.Thread | None = None

    @property
    def name(self) -> str:
        return self.inner.name

    def frames(self) -> Iterator[Frame]:
        if self._reader is not None and self._reader.is_alive():
            # The last reader is still stuck inside the backend (a hung read cannot be
            # interrupted): never stack a second reader and capture on top of it.
            raise CameraLostError(f"{self.name} is still hung in its last read")
        slot = _Slot()
        reader = threading.Thread(target=self._read, args=(slot,), daemon=True,
                                  name=f"camera reader {self.name}")
        self._reader = reader
        reader.start()
        try:
            while True:
                frame = slot.take(self.stall_s, self.name)
                if frame is None:
                    return
                yield frame
        finally:
            slot.stop.set()
            # Wait for the reader to release the device: a capture still open in a daemon
            # thread when the interpreter exits aborts the process inside the backend.
            reader.join(timeout=self.stall_s)

    def _read(self, slot: _Slot) -> None:
        frames = self.inner.frames()
        try:
            for frame in frames:
                if slot.stop.is_set():
                    break
                if self.on_frame is not None:
                    self.on_frame(frame)
                self.dropped += slot.put(frame)
        except CameraLostError as exc:
            slot.fail(exc)
        except Exception as exc:  # any backend error is a lost camera to the kiosk
            log.exception("camera reader failed")
            slot.fail(CameraLostError(f"{self.name}: {exc}"))
        else:
            slot.finish()
        finally:
            close = getattr(frames, "close", None)
            if callable(close):
                close()


class _Slot:
    """A one-frame mailbox between the reader thread and the consumer."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._error: CameraLostError | None = None
        self._done = False
        self.stop = threading.Event()

    def put(self, frame: Frame) -> int:
        with self._cond:
            dropped = int(self._frame is not None)
            self._frame = frame
            self._cond.notify()
        return dropped

    def fail(self, error: CameraLostError) -> None:
        with self._cond:
            self._error = error
            self._cond.notify()

    def finish(self) -> None:
        with self._cond:
            self._done = True
            self._cond.notify()

    def take(self, timeout: float, name: str) -> Frame | None:
        """The newest unseen frame; None when the source ended; raises when it was lost."""
        with self._cond:
            ready = self._cond.wait_for(
                lambda: self._frame is not None or self._error is not None or self._done,
                timeout)
            if self._frame is not None:
                frame, self._frame = self._frame, None
                return frame
            if self._error is not None:
                raise self._error
            if self._done:
                return None
            assert not ready
            raise CameraLostError(f"no frame from {name} for {timeout:g} s")
