"""Face detection: the FaceDetector protocol and OpenCV's YuNet implementation."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from turnstile.config import DetectorConfig
from turnstile.types import Box, Face, Image
from turnstile.vision.light import as_bgr, rescue_view
from turnstile.vision.quality import plausible_landmarks

#: The most a small frame is enlarged before detection (detector.upscale_to).
MAX_UPSCALE = 2.0
#: The least a followed face's frame is shrunk to, relative to the usual detection size.
MIN_FOLLOW_SCALE = 0.5
#: YuNet pads its input up to multiples of this many pixels.
YUNET_STRIDE = 32
#: Following shrinks a frame only when it is at most this fraction of the usual size.
MIN_SAVING = 0.9
#: The least a followed frame is shrunk to in pixels of its shorter side: on a 320x180
#: image a face filling the frame got clearly different landmarks (crop cosine 0.90
#: against about 0.97 at 240 px and up).
MIN_FOLLOW_SHORT_SIDE = 240


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
        return self.detect_scaled(image, self.scale_for(height, width))

    def detect_scaled(self, image: Image, scale: float,
                      score_threshold: float | None = None) -> list[Face]:
        """Faces (largest first) found on the frame resized by `scale`, in frame pixels;
        `score_threshold` replaces the configured one for this look only."""
        image = as_bgr(image)
        if scale != 1.0:
            image = _resize(image, scale)
        size = (image.shape[1], image.shape[0])
        if size != self._input_size:
            self._net.setInputSize(size)
            self._input_size = size
        if score_threshold is None:
            _, rows = self._net.detect(image)
        else:
            self._net.setScoreThreshold(score_threshold)
            try:
                _, rows = self._net.detect(image)
            finally:
                self._net.setScoreThreshold(self._config.score_threshold)
        if rows is None:
            return []
        faces = [_face_from_row(row).scaled(1.0 / scale) for row in np.asarray(rows)]
        faces.sort(key=lambda face: face.box.area, reverse=True)
        return faces


class FollowingDetector:
    """The kiosk loop's detector: while a face stays in view, each next frame is detected
    shrunk so that face is about `detector.follow_face_px` in the detector's image.

    One instance per camera loop (it remembers the last frame's face); photos and
    evaluations use YuNetDetector directly, so they never inherit a camera's state.
    """

    def __init__(self, detector: YuNetDetector, config: DetectorConfig) -> None:
        self._detector = detector
        self._target = config.follow_face_px
        self._last_px: float | None = None

    def detect(self, image: Image) -> list[Face]:
        height, width = image.shape[:2]
        base = self._detector.scale_for(height, width)
        scale = base
        if self._target and self._last_px:
            # Never below half the usual size, so a smaller newcomer is still found.
            floor = max(MIN_FOLLOW_SCALE * base, MIN_FOLLOW_SHORT_SIDE / min(height, width))
            scale = _snap(min(base, max(self._target / self._last_px, floor)), floor, height,
                          width)
        # A shrink of a few percent saves little and costs a non-integer area resize.
        faces = self._detector.detect_scaled(image, scale) if scale < MIN_SAVING * base else []
        if not faces:  # nobody followed (or they left): the usual full look
            faces = self._detector.detect_scaled(image, base)
        self._last_px = faces[0].box.size if faces else None
        return faces


class LightRescueDetector:
    """Detection that survives hard light: when the usual look finds no face, a second look
    runs on the smoothed, luminance-normalised frame (`rescue_view`) at
    `detector.rescue_score`; a face it finds below the usual score threshold is kept only
    when its landmarks are plausible.

    In good light the first look finds the face and nothing else runs.
    """

    def __init__(self, first: FaceDetector, detector: YuNetDetector,
                 config: DetectorConfig) -> None:
        self.first = first
        self.detector = detector
        self._config = config
        #: Whether the last call's faces came from the second look.
        self.rescued = False

    def detect(self, image: Image) -> list[Face]:
        faces = self.first.detect(image)
        self.rescued = False
        if faces or not self._config.rescue_score:
            return faces
        height, width = image.shape[:2]
        found = self.detector.detect_scaled(rescue_view(image), self.detector.scale_for(
            height, width), min(self._config.rescue_score, self._config.score_threshold))
        kept = [face for face in found
                if face.score >= self._config.score_threshold or plausible_landmarks(face)]
        self.rescued = bool(kept)
        return kept


def following(detector: FaceDetector, config: DetectorConfig) -> FaceDetector:
    """`detector` as one camera loop's: its YuNet look follows the face in view
    (detector.follow_face_px; 0 leaves it as it is), a rescue look stays the rescue."""
    if not config.follow_face_px:
        return detector
    if isinstance(detector, YuNetDetector):
        return FollowingDetector(detector, config)
    if isinstance(detector, LightRescueDetector) and isinstance(detector.first, YuNetDetector):
        return LightRescueDetector(FollowingDetector(detector.first, config), detector.detector,
                                   config)
    return detector


def _snap(scale: float, floor: float, height: int, width: int) -> float:
    """The scale moved to the nearest lower shorter side that is a multiple of 32 pixels (the
    next higher one if that falls under `floor`): YuNet pads its input to multiples of 32, so
    480x360 costs as much as 480x384 (measured 7.6 ms against 6.6 ms for 480x352)."""
    short = min(height, width)
    side = int(short * scale) // YUNET_STRIDE * YUNET_STRIDE
    if side < short * floor:
        side += YUNET_STRIDE
    return side / short


def _resize(image: Image, scale: float) -> Image:
    """Cubic to enlarge, bilinear for mild shrinking; strong shrinking averages areas by a
    whole factor first (OpenCV's fast path: 0.15 ms for 1280x720 to 640x360, against 4.2 ms
    to 569x320) and finishes bilinear."""
    height, width = image.shape[:2]
    size = (round(width * scale), round(height * scale))
    if scale > 1.0:
        return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_CUBIC), np.uint8)
    if scale <= 0.5:
        factor = int(1.0 / scale)
        image = np.asarray(cv2.resize(image, (width // factor, height // factor),
                                      interpolation=cv2.INTER_AREA), np.uint8)
        if (image.shape[1], image.shape[0]) == size:
            return image
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_LINEAR), np.uint8)


def _face_from_row(row: np.ndarray) -> Face:
    values = [float(v) for v in row[:15]]
    landmarks = tuple((values[4 + 2 * i], values[5 + 2 * i]) for i in range(5))
    return Face(Box(values[0], values[1], values[2], values[3]), landmarks, values[14])
