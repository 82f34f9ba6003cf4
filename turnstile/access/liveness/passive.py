"""The passive liveness model: a small CNN in ONNX scoring aligned face crops, live or not."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from turnstile.errors import UsageError
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


def find_face(detector: FaceDetector, image: Image) -> tuple[Image, Face] | None:
    """The image and its first face, padding tight crops (NUAA) so the detector finds them."""
    faces = detector.detect(image)
    if not faces:
        pad = image.shape[0] * 2 // 5
        image = np.asarray(cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT),
                           np.uint8)
        faces = detector.detect(image)
        if not faces:
            return None
    return image, faces[0]


def face_crop(detector: FaceDetector, image: Image) -> Image | None:
    """The first face aligned to CROP_SIZE (tight crops padded, see find_face)."""
    found = find_face(detector, image)
    return None if found is None else align(found[0], found[1], CROP_SIZE)


def faces_from(detector: FaceDetector,
               files: Sequence[Path]) -> Iterator[tuple[Path, Image, Face]]:
    """Each readable file with a face found, and that face (the others are skipped)."""
    for path in files:
        try:
            found = find_face(detector, read_image(path))
        except ImageError:
            continue
        if found is not None:
            yield path, found[0], found[1]


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


class FaceScorer(Protocol):
    """Scores one face in one frame: the probability (0-1) that it is a live face."""

    def live(self, image: Image, face: Face) -> float: ...


class PassiveModel:
    """An onnxruntime session over a model written by `turnstile train-liveness`."""

    def __init__(self, model: Path, device: str = "cpu") -> None:
        if not model.exists():
            raise FileNotFoundError(f"liveness model {model} is missing")
        try:
            self._session = ort.InferenceSession(str(model), providers=choose_providers(device))
        except Exception as exc:  # onnxruntime raises several unrelated types for bad files
            raise UsageError(f"{model} is not a usable ONNX model: {exc}") from exc
        meta = self._session.get_modelmeta().custom_metadata_map
        if meta.get(META_KIND) != KIND:
            raise UsageError(f"{model} is not a Turnstile liveness model "
                             "(train one with `turnstile train-liveness`)")
        self._input = self._session.get_inputs()[0].name

    def scores(self, crops: Sequence[Image]) -> list[float]:
        """Live probability (0-1) of each aligned CROP_SIZE crop."""
        if not crops:
            return []
        output = self._session.run(None, {self._input: to_tensor(crops)})[0]
        return [float(v) for v in np.asarray(output).reshape(-1)]

    def live(self, image: Image, face: Face) -> float:
        return self.scores([align(image, face, CROP_SIZE)])[0]


class PassiveLiveness:
    """Scores each frame's face crop; the median of the last few frames decides."""

    def __init__(self, model: FaceScorer, threshold: float) -> None:
        self._model = model
        self._threshold = threshold
        self._scores: deque[float] = deque(maxlen=POOL_FRAMES)

    def reset(self) -> None:
        self._scores.clear()

    def observe(self, frame: Image, face: Face, at: float) -> LivenessResult:
        self._scores.append(self._model.live(frame, face))
        score = float(np.median(self._scores))
        cues = (PassiveCues(score, len(self._scores)),)
        if len(self._scores) < POOL_FRAMES:
            return LivenessResult(Verdict.INSUFFICIENT_EVIDENCE, score, cues=cues)
        if score >= self._threshold:
            return LivenessResult(Verdict.LIVE, score, cues=cues)
        return LivenessResult(Verdict.SPOOF, score, "the passive model scores a spoof", cues)
