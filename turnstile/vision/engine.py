"""The recognition engine: detect, align, embed and match, built from the config."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from turnstile.config import Config
from turnstile.errors import UsageError
from turnstile.store.gallery import Gallery
from turnstile.store.interfaces import Store
from turnstile.types import Embedding, Face, Image, Match, Quality
from turnstile.vision import cvlog, models
from turnstile.vision.align import align
from turnstile.vision.detect import FaceDetector, LightRescueDetector, YuNetDetector
from turnstile.vision.embed import Embedder, OnnxEmbedder, choose_providers
from turnstile.vision.light import as_bgr
from turnstile.vision.quality import measure

#: JPEG quality of stored face thumbnails (small, recognisable on the kiosk screen).
THUMBNAIL_QUALITY = 85


@dataclass(frozen=True)
class FaceResult:
    """One face in an image: where it is, how good it is, its embedding and best match."""

    face: Face
    quality: Quality
    embedding: Embedding
    aligned: Image
    match: Match | None = None


def build_detector(config: Config) -> FaceDetector:
    path = models.model_path(config.models.models_dir(), models.DETECTOR)
    cvlog.errors_only()
    detector = YuNetDetector(path, config.detector)
    if not config.detector.rescue_score:
        return detector
    return LightRescueDetector(detector, detector, config.detector)


def embedder_path(config: Config, model: Path | None = None) -> Path:
    """The embedder file: `model` (the CLI's --model), else the config's, else the default."""
    if model is None and config.models.embedder:
        model = Path(config.models.embedder).expanduser()
    if model is None:
        model = models.model_path(config.models.models_dir(), models.EMBEDDER)
    return model


def build_embedder(config: Config, model: Path | None = None) -> Embedder:
    """The configured embedder; `model` (the CLI's --model) overrides config and default."""
    if model is None and config.models.embedder:
        model = Path(config.models.embedder).expanduser()
    if use_opencv(config, model):
        from turnstile.vision.embed_cv import OpenCvEmbedder

        path = models.model_path(config.models.models_dir(), models.EMBEDDER)
        try:
            return OpenCvEmbedder(path, flip_augment=config.recognition.flip_augment)
        except ValueError:
            if config.models.runtime == "opencv":
                raise
            # "auto": this OpenCV build cannot run the file; onnxruntime can.
    return OnnxEmbedder(embedder_path(config, model), config.models.device,
                        config.models.threads, config.recognition.flip_augment,
                        config.models.spinning)


def use_opencv(config: Config, model: Path | None) -> bool:
    """Whether OpenCV's DNN runs the embedder (models.runtime); explicit requests it cannot
    honour are errors, "auto" falls back to onnxruntime quietly."""
    runtime, device = config.models.runtime, config.models.device
    if runtime == "opencv":
        if model is not None:
            raise UsageError("models.runtime = \"opencv\" runs only the default embedder; "
                             "use onnxruntime for other models")
        if device == "cuda":
            raise UsageError("models.runtime = \"opencv\" runs on the CPU only; "
                             "use onnxruntime for models.device = \"cuda\"")
        return True
    if runtime != "auto" or model is not None or device == "cuda":
        return False
    # OpenCV 4's DNN ran SFace slower than onnxruntime (baseline); 5's runs it faster.
    newer = int(cv2.__version__.split(".")[0]) >= 5
    return newer and (device == "cpu" or "CUDAExecutionProvider" not in choose_providers("auto"))


def limit_blas_threads(threads: int) -> None:
    """Cap numpy's BLAS pool (process-wide); 0 leaves it as the library set it up."""
    if threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(threads, user_api="blas")


@dataclass(frozen=True)
class EngineFactory:
    """Builds the engine for a config, always with the same `--model`.

    The CLI makes one from its --model and hands it to everything that builds an engine later
    (the kiosk's worker, the admin panel opened from the kiosk or the CLI, its import page),
    so no part can fall back to the default model while another uses the chosen one.
    """

    model: Path | None = None

    def __call__(self, config: Config) -> Engine:
        return Engine.from_config(config, self.model)


class Engine:
    """Faces in, embeddings and matches out; the one place the model path is wired."""

    def __init__(self, detector: FaceDetector, embedder: Embedder) -> None:
        self.detector = detector
        self.embedder = embedder

    @classmethod
    def from_config(cls, config: Config, model: Path | None = None) -> Engine:
        limit_blas_threads(config.models.blas_threads)
        return cls(build_detector(config), build_embedder(config, model))

    def gallery(self, store: Store) -> Gallery:
        """A matcher for this engine's embedder over the templates in `store`."""
        return Gallery(store, self.embedder.name, self.embedder.dimension)

    def analyze(self, image: Image, gallery: Gallery | None = None,
                faces: list[Face] | None = None) -> list[FaceResult]:
        """Every face (largest first) with quality, embedding and, given a gallery, a match."""
        image = as_bgr(image)
        found = self.detector.detect(image) if faces is None else faces
        if not found:
            return []
        crops = [align(image, face, self.embedder.input_size) for face in found]
        embeddings = self.embedder.embed(crops)
        results = []
        for face, crop, vector in zip(found, crops, embeddings, strict=True):
            match = gallery.match(vector) if gallery is not None else None
            results.append(FaceResult(face, measure(face, crop), vector, crop, match))
        return results

    def embed_largest(self, image: Image) -> FaceResult | None:
        """The largest face only (what a turnstile acts on), or None when there is no face."""
        image = as_bgr(image)
        found = self.detector.detect(image)
        return self.analyze(image, faces=found[:1])[0] if found else None


def similarity(a: Embedding, b: Embedding) -> float:
    """Cosine similarity of two L2-normalised embeddings."""
    return float(np.dot(a.reshape(-1), b.reshape(-1)))


def thumbnail_jpeg(crop: Image) -> bytes:
    ok, data = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, THUMBNAIL_QUALITY])
    if not ok:
        raise ValueError("could not encode thumbnail")
    return bytes(data.tobytes())
