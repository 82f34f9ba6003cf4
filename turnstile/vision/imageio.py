"""Reading images from disk with clear errors for missing, corrupt, tiny or huge files."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import cv2
import numpy as np

import turnstile
from turnstile.errors import TurnstileError
from turnstile.types import Image

#: Larger images are refused rather than decoded into gigabytes of memory. OpenCV enforces
#: it for every format from the header, before decoding (see turnstile/__init__.py).
MAX_PIXELS = turnstile.MAX_IMAGE_PIXELS
#: Larger files are refused unread (a 50-megapixel photo is far smaller).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Smaller images cannot hold a face the detector can find.
MIN_SIDE = 16

log = logging.getLogger(__name__)
_warned = False


class ImageError(TurnstileError, ValueError):
    """An image file cannot be used; the message names the file and the reason."""


def check_image(image: Image, name: str = "image") -> Image:
    """Validate an in-memory image and return it as 3-channel BGR uint8."""
    if not isinstance(image, np.ndarray) or image.size == 0:
        raise ImageError(f"{name}: empty image")
    if image.ndim == 2:
        image = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2BGR), np.uint8)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ImageError(f"{name}: unsupported image shape {image.shape}")
    if image.dtype != np.uint8:
        raise ImageError(f"{name}: unsupported pixel type {image.dtype} (need 8-bit)")
    height, width = image.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise ImageError(f"{name}: image is {width}x{height} pixels, too small to hold a face")
    if height * width > MAX_PIXELS:
        raise ImageError(f"{name}: image is {width}x{height} pixels, larger than the limit")
    return image


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, at most MAX_FILE_BYTES: never a device, pipe or socket (a CSV
    import naming /dev/zero must not fill the memory, a FIFO must not hang the import)."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except FileNotFoundError as exc:
        raise ImageError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise ImageError(f"{path}: is a folder, not an image") from exc
    except OSError as exc:
        raise ImageError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        info = os.fstat(fd)  # of what was opened: no swap between a check and the read
        if stat.S_ISDIR(info.st_mode):
            raise ImageError(f"{path}: is a folder, not an image")
        if not stat.S_ISREG(info.st_mode):
            raise ImageError(f"{path}: not a regular file (a device, pipe or socket)")
        if info.st_size > MAX_FILE_BYTES:
            raise ImageError(f"{path}: file is {info.st_size} bytes, larger than the limit "
                             f"of {MAX_FILE_BYTES}")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # grew while being read
        raise ImageError(f"{path}: file is larger than the limit of {MAX_FILE_BYTES} bytes")
    return data


def _warn_once() -> None:
    global _warned
    if not turnstile.IMAGE_LIMIT_ACTIVE and not _warned:
        _warned = True
        log.warning("cv2 was loaded before turnstile: OpenCV's image size limit may be the "
                    "default one (import turnstile first)")


def read_image(path: Path | str) -> Image:
    """Load an image file as BGR uint8, raising ImageError with the reason when it can't."""
    path = Path(path)
    data = read_bytes(path)
    _warn_once()
    try:
        decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as exc:
        if "CV_IO_MAX_IMAGE" in str(exc):
            raise ImageError(f"{path}: image is larger than the limit of {MAX_PIXELS} pixels "
                             "(or 65536 per side)") from exc
        raise ImageError(f"{path}: not a readable image ({exc.err})") from exc
    if decoded is None:
        raise ImageError(f"{path}: not a readable image (corrupt or unsupported format)")
    return check_image(np.asarray(decoded), str(path))
