"""The default SFace model run by OpenCV's DNN module instead of onnxruntime (CPU only).

Same float32 file, same embeddings; with OpenCV 5 it costs about a third less CPU per face
than onnxruntime (benchmarks/README.md), and it shares OpenCV's thread pool with the detector
instead of starting a second one. Chosen with `models.runtime = "opencv"`.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from turnstile.errors import UsageError
from turnstile.vision.embed import SFACE_CONTRACT, ContractEmbedder, InputContract


class OpenCvEmbedder(ContractEmbedder):
    """cv2.dnn over an embedder ONNX file whose input contract is given (SFace's by default).

    It cannot read the file's `turnstile.*` metadata (that needs onnxruntime), so it runs
    only models whose contract the caller knows: the installed default. Like the YuNet
    detector (also OpenCV), one instance serves one thread at a time.
    """

    def __init__(self, model: Path, contract: InputContract = SFACE_CONTRACT,
                 flip_augment: bool = False) -> None:
        if not model.exists():
            raise FileNotFoundError(f"embedder model {model} is missing")
        try:
            self._net = cv2.dnn.readNetFromONNX(str(model))
        except cv2.error as exc:
            raise UsageError(f"OpenCV {cv2.__version__} cannot run {model}: {exc}; "
                             "use models.runtime = \"onnxruntime\"") from exc
        self._contract = contract
        self._flip = flip_augment
        warm = self._run(np.zeros((1, 3, contract.size, contract.size), np.float32))
        self._dimension = int(warm.shape[1])

    def _run(self, batch: np.ndarray) -> np.ndarray:
        self._net.setInput(batch)
        return np.asarray(self._net.forward(), np.float32).reshape(batch.shape[0], -1)

    def _run_views(self, tensor: np.ndarray) -> np.ndarray:
        return self._run(np.ascontiguousarray(tensor))
