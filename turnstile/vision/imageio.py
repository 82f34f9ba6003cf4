"""Reading images from disk with clear errors for missing, corrupt, tiny or huge files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from turnstile.types import Image

#: Larger images are refused rather than decoded into gigabytes of memory.
MAX_PIXELS = 50_000_000
#: Smaller images cannot hold a face the detector can find.
MIN_SIDE = 16


class ImageError(ValueError):
    """An image file cannot be used; the message names the file and the reason."""


def _header_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG or JPEG header, without decoding the pixels."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker = data[index + 1]
            length = int.from_bytes(data[index + 2 : index + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD):
                height = int.from_bytes(data[index + 5 : index + 7], "big")
                return int.from_bytes(data[index + 7 : index + 9], "big"), height
            index += 2 + length
    return None


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


def read_image(path: Path | str) -> Image:
    """Load an image file as BGR uint8, raising ImageError with the reason when it can't."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ImageError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise ImageError(f"{path}: is a folder, not an image") from exc
    except OSError as exc:
        raise ImageError(f"{path}: cannot read ({exc.strerror})") from exc
    size = _header_size(data)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise ImageError(f"{path}: image is {size[0]}x{size[1]} pixels, larger than the limit")
    decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise ImageError(f"{path}: not a readable image (corrupt or unsupported format)")
    return check_image(np.asarray(decoded), str(path))
