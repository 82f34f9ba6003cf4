"""Reading images: every bad file gives an ImageError naming the file and the reason."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from turnstile.vision.imageio import MAX_FILE_BYTES, MAX_PIXELS, ImageError, check_image, read_image


def _png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk claiming the given size (no pixel data needed)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def huge_png(width: int, height: int) -> bytes:
    """A PNG claiming the size, with one row of pixels: a few kilobytes that would ask the
    decoder for width x height x 3 bytes."""
    row = zlib.compress(b"\x00" * (1 + width * 3))
    idat = b"IDAT" + row
    return (_png_header(width, height) + struct.pack(">I", len(row)) + idat
            + struct.pack(">I", zlib.crc32(idat)))


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
    path.write_bytes(huge_png(20000, 20000))
    with pytest.raises(ImageError, match="larger than the limit"):
        read_image(path)


def test_grey_and_alpha_images_become_bgr() -> None:
    assert check_image(np.zeros((32, 32), np.uint8)).shape == (32, 32, 3)
    assert check_image(np.zeros((32, 32, 4), np.uint8)).shape == (32, 32, 3)
    with pytest.raises(ImageError, match="8-bit"):
        check_image(np.zeros((32, 32, 3), np.float32))


def _crafted_jpeg(width: int, height: int) -> bytes:
    """A real 16x16 JPEG whose frame header claims another size, with legal 0xFF fill bytes
    before it (a header parser that does not skip them gives up and lets it through)."""
    ok, encoded = cv2.imencode(".jpg", np.zeros((16, 16, 3), np.uint8))
    assert ok
    data = bytearray(encoded.tobytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data[:sof]) + b"\xff" * 7 + bytes(data[sof:])


def _crafted_webp(width: int, height: int) -> bytes:
    """A 16x16 lossy WebP (a few hundred bytes) whose VP8 frame claims another size."""
    ok, encoded = cv2.imencode(".webp", np.zeros((16, 16, 3), np.uint8),
                               [cv2.IMWRITE_WEBP_QUALITY, 50])
    assert ok
    data = bytearray(encoded.tobytes())
    assert data[12:16] == b"VP8 " and data[23:26] == b"\x9d\x01\x2a"
    data[26:30] = struct.pack("<HH", width & 0x3FFF, height & 0x3FFF)
    return bytes(data)


@pytest.mark.parametrize(("suffix", "craft"), [(".jpg", _crafted_jpeg), (".webp", _crafted_webp)])
def test_small_files_claiming_huge_images_are_refused(tmp_path: Path, suffix: str,
                                                      craft: object) -> None:
    assert callable(craft)
    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(craft(16000, 16000))
    assert path.stat().st_size < 4096  # 256 megapixels promised by a few hundred bytes
    with pytest.raises(ImageError, match="larger than the limit"):
        read_image(path)
    path.write_bytes(craft(16, 16))  # the same file with its true size decodes
    assert read_image(path).shape == (16, 16, 3)


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    if Path("/dev/zero").exists():
        with pytest.raises(ImageError, match="not a regular file"):
            read_image("/dev/zero")
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.jpg"
        os.mkfifo(fifo)
        with pytest.raises(ImageError, match="not a regular file"):
            read_image(fifo)  # refused at once, not waiting for a writer


def test_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ImageError, match="larger than the limit"):
        read_image(path)


def test_the_pixel_limit_is_set_before_opencv_loads() -> None:
    code = ("import turnstile, os, cv2; "
            "print(turnstile.IMAGE_LIMIT_ACTIVE, os.environ['OPENCV_IO_MAX_IMAGE_PIXELS'])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stdout.split() == ["True", str(MAX_PIXELS)]
