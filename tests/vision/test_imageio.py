"""Reading images: every bad file gives an ImageError naming the file and the reason."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from turnstile.vision.imageio import ImageError, check_image, read_image


def _png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk claiming the given size (no pixel data needed)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def test_reads_real_photo(examples: Path) -> None:
    image = read_image(examples / "obama.jpg")
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such file"):
        read_image(tmp_path / "nope.jpg")


def test_folder_is_not_an_image(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="is a folder"):
        read_image(tmp_path)


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    with pytest.raises(ImageError, match="not a readable image"):
        read_image(path)


def test_one_pixel_image(tmp_path: Path) -> None:
    path = tmp_path / "dot.png"
    cv2.imwrite(str(path), np.zeros((1, 1, 3), np.uint8))
    with pytest.raises(ImageError, match="1x1 pixels, too small"):
        read_image(path)


def test_huge_image_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header(20000, 20000))
    with pytest.raises(ImageError, match="20000x20000 pixels, larger than the limit"):
        read_image(path)


def test_grey_and_alpha_images_become_bgr() -> None:
    assert check_image(np.zeros((32, 32), np.uint8)).shape == (32, 32, 3)
    assert check_image(np.zeros((32, 32, 4), np.uint8)).shape == (32, 32, 3)
    with pytest.raises(ImageError, match="8-bit"):
        check_image(np.zeros((32, 32, 3), np.float32))
