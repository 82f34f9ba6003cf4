"""Face embedding: the Embedder protocol and an onnxruntime implementation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import onnxruntime as ort

from turnstile.errors import TurnstileError, UsageError
from turnstile.types import Embedding, Image

#: Metadata keys an embedder ONNX file may carry to describe its input contract.
META_PREFIX = "turnstile."


class DeviceError(TurnstileError, RuntimeError):
    """The asked-for execution device cannot run here."""


class Embedder(Protocol):
    """Turns aligned face crops into L2-normalised float32 embeddings (one row each)."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    @property
    def input_size(self) -> int: ...

    def embed(self, crops: Sequence[Image], flip: bool | None = None) -> Embedding:
        """One row per crop; `flip` adds the mirrored face's embedding (None: the embedder's
        own setting, recognition.flip_augment)."""
        ...


@dataclass(frozen=True)
class InputContract:
    """How to turn a BGR uint8 crop into the network's input tensor."""

    name: str
    size: int
    rgb: bool
    mean: float
    std: float


#: SFace: RGB, raw 0-255 (the graph itself subtracts 127.5 and scales by 1/128).
SFACE_CONTRACT = InputContract("sface_2021dec", 112, rgb=True, mean=0.0, std=1.0)


def read_contract(session: ort.InferenceSession, path: Path) -> InputContract:
    """Read the input contract from the model's metadata; files without it are SFace-like."""
    meta: dict[str, str] = dict(session.get_modelmeta().custom_metadata_map)

    def get(key: str, default: object) -> str:
        return meta.get(META_PREFIX + key, str(default))

    default_name = SFACE_CONTRACT.name if "sface" in path.name.lower() else path.stem
    try:
        return InputContract(
            name=get("name", default_name),
            size=int(get("input_size", SFACE_CONTRACT.size)),
            rgb=get("color", "RGB").upper() == "RGB",
            mean=float(get("mean", SFACE_CONTRACT.mean)),
            std=float(get("std", SFACE_CONTRACT.std)),
        )
    except ValueError as exc:
        raise UsageError(f"{path}: malformed turnstile metadata: {exc}") from exc


def choose_providers(device: str) -> list[str]:
    """CUDA when asked for or (with "auto") when onnxruntime offers it; CPU always last."""
    available = ort.get_available_providers()
    if device == "cuda":
        if "CUDAExecutionProvider" not in available:
            raise DeviceError("CUDA was requested but onnxruntime has no CUDA provider here "
                          "(install the gpu extra: pip install 'turnstile[gpu]')")
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    if device == "auto" and "CUDAExecutionProvider" in available:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


class ContractEmbedder:
    """What every runtime shares: the input contract's properties and the mirrored-face
    sum. A runtime sets `_contract`, `_flip` and `_dimension` and runs one NCHW batch in
    `_run_views`."""

    _contract: InputContract
    _flip: bool
    _dimension: int

    @property
    def name(self) -> str:
        return self._contract.name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def input_size(self) -> int:
        return self._contract.size

    def embed(self, crops: Sequence[Image], flip: bool | None = None) -> Embedding:
        if not crops:
            return np.zeros((0, self._dimension), np.float32)
        tensor = to_tensor(crops, self._contract)
        if not (self._flip if flip is None else flip):
            return normalize(self._run_views(tensor))
        # Summing the mirrored face's embedding smooths out pose asymmetry; each view is
        # normalised first so both count equally (the evaluation cache relies on this).
        both = normalize(self._run_views(np.concatenate([tensor, tensor[..., ::-1]])))
        return normalize(both[: len(crops)] + both[len(crops) :])

    def _run_views(self, tensor: np.ndarray) -> np.ndarray:
        """Raw embeddings of a contiguous float32 NCHW batch."""
        raise NotImplementedError


class OnnxEmbedder(ContractEmbedder):
    """One onnxruntime session over an embedder ONNX file, warmed up at construction."""

    def __init__(self, model: Path, device: str = "auto", threads: int = 0,
                 flip_augment: bool = False, spinning: bool = True) -> None:
        if not model.exists():
            raise FileNotFoundError(f"embedder model {model} is missing")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        if not spinning:
            # Idle pool threads otherwise busy-wait after each run, taking the core that
            # OpenCV's detector needs next.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = choose_providers(device)
        try:
            self._session = ort.InferenceSession(str(model), options, providers=providers)
        except Exception as exc:  # onnxruntime raises several unrelated types for bad files
            raise UsageError(f"{model} is not a usable ONNX embedder: {exc}") from exc
        inputs = self._session.get_inputs()
        if len(inputs) != 1:
            raise UsageError(f"{model}: an embedder must have exactly one input, has {len(inputs)}")
        self._input_name = inputs[0].name
        self._contract = read_contract(self._session, model)
        self._flip = flip_augment
        warm = self._run(np.zeros((1, 3, self._contract.size, self._contract.size), np.float32))
        if warm.ndim != 2:
            raise UsageError(f"{model}: output must be (batch, dimension), got {warm.shape}")
        self._dimension = int(warm.shape[1])

    @property
    def providers(self) -> list[str]:
        return list(self._session.get_providers())

    def _run(self, batch: np.ndarray) -> np.ndarray:
        return np.asarray(self._session.run(None, {self._input_name: batch})[0], np.float32)

    def _run_views(self, tensor: np.ndarray) -> np.ndarray:
        """The whole batch at once, or row by row for a model with a fixed batch of one."""
        if tensor.shape[0] == 1 or self._batchable():
            return self._run(tensor)
        return np.concatenate([self._run(tensor[i : i + 1]) for i in range(tensor.shape[0])])

    def _batchable(self) -> bool:
        dim = self._session.get_inputs()[0].shape[0]
        return not isinstance(dim, int)


def to_tensor(crops: Sequence[Image], contract: InputContract) -> np.ndarray:
    """BGR uint8 crops as the network's NCHW float32 batch."""
    stack = np.stack([cv2.resize(c, (contract.size, contract.size))
                      if c.shape[0] != contract.size else c for c in crops])
    if contract.rgb:
        stack = stack[..., ::-1]
    tensor = (stack.astype(np.float32) - contract.mean) / contract.std
    return np.ascontiguousarray(tensor.transpose(0, 3, 1, 2))


def normalize(vectors: np.ndarray) -> Embedding:
    """Scale each row to unit length (a zero row stays zero rather than becoming NaN)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
