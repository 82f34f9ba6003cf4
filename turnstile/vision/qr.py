"""QR codes through OpenCV: reading the first code in a camera frame, drawing one as an image."""

from __future__ import annotations

import cv2
import numpy as np

from turnstile.types import Image

#: Quiet zone around a drawn code, in modules (the QR standard asks for four).
QUIET_MODULES = 4


class QrReader:
    """Reads one QR code from a frame with cv2.QRCodeDetector, then, where that finds none,
    with cv2.QRCodeDetectorAruco (both made on first use).

    The plain detector misses about 1 code in 70 that OpenCV's own encoder draws (finder
    patterns it does not find, even on a clean image); the ArUco-based one reads those, and a
    frame without a code costs it a few milliseconds more, every `passes.scan_every` frames.
    """

    def __init__(self) -> None:
        self._detectors: tuple[cv2.QRCodeDetector, cv2.QRCodeDetectorAruco] | None = None

    def read(self, image: Image) -> str | None:
        """The text of a code in view; None when there is none or it cannot be decoded."""
        if self._detectors is None:
            self._detectors = (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco())
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        for detector in self._detectors:
            try:
                text, points, _ = detector.detectAndDecode(grey)
            except cv2.error:
                continue  # a degenerate candidate: nothing readable this way
            if text and points is not None:
                return str(text)
        return None


def draw(text: str, module_px: int = 10) -> Image:
    """A black-on-white code for `text`, `module_px` pixels per module, with its quiet zone."""
    encoder = cv2.QRCodeEncoder.create()
    try:
        modules = np.asarray(encoder.encode(text), np.uint8)
    except cv2.error:
        modules = np.zeros((0, 0), np.uint8)
    if modules.size == 0:
        raise ValueError(f"text of {len(text)} characters does not fit a QR code")
    big = cv2.resize(modules, (modules.shape[1] * module_px, modules.shape[0] * module_px),
                     interpolation=cv2.INTER_NEAREST)
    margin = QUIET_MODULES * module_px
    framed = cv2.copyMakeBorder(big, margin, margin, margin, margin, cv2.BORDER_CONSTANT,
                                value=255)
    return np.asarray(cv2.cvtColor(framed, cv2.COLOR_GRAY2BGR), np.uint8)
