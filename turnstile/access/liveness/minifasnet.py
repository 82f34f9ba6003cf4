"""The vendored MiniFASNet passive models (Apache-2.0, see assets/models/minifasnet/NOTICE).

Two small CNNs score a face as real or fake from one frame. Preprocessing follows upstream:
a crop 2.7x (V2) and 4.0x (V1SE) the detector's box about its centre, its scale reduced until
it fits the frame and shifted to stay inside it, resized to 80x80, BGR, float 0-255; the
output logits go through a softmax, class 1 is a real face and classes 0 and 2 are attacks.
The live probability is the mean of the two models' class-1 probabilities (upstream averages
their softmax outputs). Each file's SHA-256 is checked when it is loaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from turnstile.resources import assets_dir
from turnstile.types import Box, Face, Image
from turnstile.vision.embed import choose_providers

INPUT_PX = 80


@dataclass(frozen=True)
class Member:
    """One vendored model: its file, the crop's size in detector boxes, its SHA-256."""

    file: str
    scale: float
    sha256: str


MEMBERS = (
    Member("MiniFASNetV2.onnx", 2.7,
           "4eed38f0bde33c9b805942a5f25e42ce1161e2bda545254be622be957727794e"),
    Member("MiniFASNetV1SE.onnx", 4.0,
           "d819a69bac6b9ade2a0f4d9b60b618e1260f7bf3ba1fddff6c5d82131cb1083f"),
)


def models_dir() -> Path:
    return assets_dir() / "models" / "minifasnet"


def crop_box(width: int, height: int, box: Box, scale: float) -> tuple[int, int, int, int]:
    """Upstream's crop: the box scaled about its centre (less when it would not fit), shifted
    inside the frame; (x0, y0, x1, y1) inclusive, as upstream slices [y0:y1+1, x0:x1+1]."""
    scale = min((height - 1) / max(box.h, 1e-6), (width - 1) / max(box.w, 1e-6), scale)
    new_w, new_h = box.w * scale, box.h * scale
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    x0, y0, x1, y1 = cx - new_w / 2, cy - new_h / 2, cx + new_w / 2, cy + new_h / 2
    if x0 < 0:
        x1, x0 = x1 - x0, 0.0
    if y0 < 0:
        y1, y0 = y1 - y0, 0.0
    if x1 > width - 1:
        x0, x1 = x0 - (x1 - width + 1), float(width - 1)
    if y1 > height - 1:
        y0, y1 = y0 - (y1 - height + 1), float(height - 1)
    return int(x0), int(y0), int(x1), int(y1)


def model_input(image: Image, box: Box, scale: float) -> npt.NDArray[np.float32]:
    """The 1x3x80x80 BGR float tensor (0-255) one model sees."""
    height, width = image.shape[:2]
    x0, y0, x1, y1 = crop_box(width, height, box, scale)
    crop = cv2.resize(image[y0:y1 + 1, x0:x1 + 1], (INPUT_PX, INPUT_PX))
    return np.ascontiguousarray(crop.astype(np.float32).transpose(2, 0, 1)[None])


def check_digest(path: Path, expected: str) -> None:
    """A missing or altered model file is an error, never a silently different model."""
    if not path.is_file():
        raise FileNotFoundError(f"passive liveness model {path} is missing; reinstall Turnstile")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        raise ValueError(f"{path} has SHA-256 {digest}, expected {expected}: the file is "
                         "damaged or not the vendored model")


class MiniFasNet:
    """Both vendored models, loaded once (digests checked); scores faces in full frames."""

    def __init__(self, folder: Path | None = None, device: str = "cpu") -> None:
        folder = folder or models_dir()
        self._sessions: list[tuple[ort.InferenceSession, float]] = []
        for member in MEMBERS:
            path = folder / member.file
            check_digest(path, member.sha256)
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1  # 80x80 inputs: threads cost more than they save
            session = ort.InferenceSession(str(path), options,
                                           providers=choose_providers(device))
            self._sessions.append((session, member.scale))

    def probabilities(self, image: Image, face: Face) -> npt.NDArray[np.float64]:
        """Mean softmax over the two models: [p_attack0, p_real, p_attack2]."""
        total = np.zeros(3, np.float64)
        for session, scale in self._sessions:
            logits = np.asarray(session.run(None, {"input": model_input(image, face.box,
                                                                       scale)})[0],
                                np.float64).reshape(-1)
            exp = np.exp(logits - logits.max())
            total += exp / exp.sum()
        return total / len(self._sessions)

    def live(self, image: Image, face: Face) -> float:
        """Probability that the face is real (1 - p0 - p2)."""
        return float(self.probabilities(image, face)[1])
