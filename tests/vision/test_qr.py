"""QR codes: a drawn code reads back from a real camera frame; no code reads as None."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.types import Image
from turnstile.vision.qr import QrReader, draw

TEXT = "TP1:AEAAAAABNMIYWATLCH5YEWTPYOVSBQ4FNZTXG5DSYO3G2GBMW5ZFO5RM5JVOHJJRG6VZY"


def _background() -> Image:
    capture = cv2.VideoCapture(str(dataset("videos", "1zlab_face.mp4")))
    ok, image = capture.read()
    capture.release()
    assert ok
    return np.asarray(image, np.uint8)


def test_a_code_held_up_in_a_real_frame_is_read() -> None:
    frame = _background()
    code = draw(TEXT, module_px=5)
    height, width = code.shape[:2]
    frame[60:60 + height, 420:420 + width] = code
    assert QrReader().read(frame) == TEXT
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    assert QrReader().read(np.asarray(grey, np.uint8)) == TEXT


def test_a_code_the_plain_detector_misses_is_still_read() -> None:
    # A pass code issued in a test run: cv2.QRCodeDetector finds no code in its clean image.
    missed = "TP1:AEAAAAABNMJDVW3LCKVVWWTPYOVWROISLONFD3BBHLZWESJJSJBHU"
    image = draw(missed)
    assert cv2.QRCodeDetector().detectAndDecode(image)[0] == ""
    assert QrReader().read(image) == missed
    frame = _background()
    small = draw(missed, module_px=5)
    height, width = small.shape[:2]
    frame[60:60 + height, 420:420 + width] = small
    assert QrReader().read(frame) == missed


def test_a_frame_without_a_code_reads_nothing() -> None:
    assert QrReader().read(_background()) is None


def test_the_drawn_code_has_its_quiet_zone() -> None:
    code = draw("TP1:ABC", module_px=4)
    assert code.shape[0] == code.shape[1] and (code[:16] == 255).all()


def test_text_too_long_for_a_code_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        draw("A" * 8000)
