"""The passive liveness model: a small CNN in ONNX scoring aligned face crops, live or not."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from turnstile.types import Face, Image, LivenessResult, PassiveCues, Verdict
from turnstile.vision.align import align
from turnstile.vision.detect import FaceDetector
from turnstile.vision.embed import choose_providers
from turnstile.vision.imageio import ImageError, read_image

#: Side in pixels of the aligned crops the passive model sees.
CROP_SIZE = 64
#: Metadata key that marks an ONNX file as a Turnstile passive liveness model.
META_KIND = "turnstile.kind"
KIND = "liveness"
#: Frames whose scores are pooled (median) before a passive verdict.
POOL_FRAMES = 3
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".pgm")


def to_tensor(crops: Sequence[Image]) -> npt.NDArray[np.float32]:
    """BGR uint8 crops to an N x 3 x H x W float tensor scaled to [-1, 1] (RGB)."""
    batch = np.stack([cv2.cvtColor(crop, cv2.COLOR_BGR2RGB) for crop in crops])
    return np.ascontiguousarray((batch.astype(np.float32) / 127.5 - 1.0).transpose(0, 3, 1, 2))


def face_crop(detector: FaceDetector, image: Image) -> Image | None:
    """The largest face aligned to CROP_SIZE, padding tight crops so the detector finds them."""
    faces = detector.detect(image)
    if not faces:
        pad = image.shape[0] * 2 // 5
        padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT)
        faces = detector.detect(np.asarray(padded, np.uint8))
        if not faces:
            return None
        return align(np.asarray(padded, np.uint8), faces[0], CROP_SIZE)
    return align(image, faces[0], CROP_SIZE)


def image_files(folders: Sequence[Path]) -> list[Path]:
    """Every image under the folders (recursively), sorted; a missing folder is an error."""
    found: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} is not a folder")
        found.extend(p for p in sorted(folder.rglob("*")) if p.suffix.lower() in IMAGE_SUFFIXES)
    return found


def crops_from(detector: FaceDetector, files: Sequence[Path]) -> Iterator[tuple[Path, Image]]:
    """Aligned crops of the files where a face is found (the others are skipped)."""
    for path in files:
        try:
            image = read_image(path)
        except ImageError:
            continue
        crop = face_crop(detector, image)
        if crop is not None:
            yield path, crop


class PassiveModel:
    """An onnxruntime session over a model written by `turnstile train-liveness`."""

    def __init__(self, model: Path, device: str = "cpu") -> None:
        if not model.exists():
            raise FileNotFoundError(f"liveness model {model} is missing")
        try:
            self._session = ort.InferenceSession(str(model), providers=choose_providers(device))
        except Exception as exc:  # onnxruntime raises several unrelated types for bad files
            raise ValueError(f"{model} is not a usable ONNX model: {exc}") from exc
        meta = self._session.get_modelmeta().custom_metadata_map
        if meta.get(META_KIND) != KIND:
            raise ValueError(f"{model} is not a Turnstile liveness model "
                             "(train one with `turnstile train-liveness`)")
        self._input = self._session.get_inputs()[0].name

    def scores(self, crops: Sequence[Image]) -> list[float]:
        """Live probability (0-1) of each aligned CROP_SIZE crop."""
        if not crops:
            return []
        output = self._session.run(None, {self._input: to_tensor(crops)})[0]
        return [float(v) for v in np.asarray(output).reshape(-1)]


class PassiveLiveness:
    """Scores each frame's face crop; the median of the last few frames decides."""

    def __init__(self, model: PassiveModel, threshold: float) -> None:
        self._model = model
        self._threshold = threshold
        self._scores: deque[float] = deque(maxlen=POOL_FRAMES)

    def reset(self) -> None:
        self._scores.clear()

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        self._scores.extend(self._model.scores([align(frame, face, CROP_SIZE)]))
        score = float(np.median(self._scores))
        cues = (PassiveCues(score, len(self._scores)),)
        if len(self._scores) < POOL_FRAMES:
            return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, score, cues=cues)
        if score >= self._threshold:
            return LivenessResult(Verdict.LIVE, score, cues=cues)
        return LivenessResult(Verdict.SPOOF, score, "the passive model scores a spoof", cues)
