"""Embedding image sets for evaluation: detect, pick a face, align or fall back, cache on disk."""

from __future__ import annotations

import enum
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import platformdirs
from tqdm import tqdm

from turnstile.config import APP_NAME, Config, replace
from turnstile.types import Box, Embedding, Face, Image
from turnstile.vision import cvlog, models
from turnstile.vision.align import align, center_crop
from turnstile.vision.detect import FaceDetector, YuNetDetector
from turnstile.vision.embed import Embedder, OnnxEmbedder, normalize
from turnstile.vision.engine import embedder_path
from turnstile.vision.imageio import read_image
from turnstile.vision.models import sha256_of

#: Bump when detection or alignment changes so that stale cache entries are not reused.
CACHE_VERSION = 1
#: Detections are stored down to this confidence so any higher cut-off reuses them.
DETECT_FLOOR = 0.3
#: Crops per embedder call (each also embedded mirrored).
BATCH = 32
#: Save the cache at least this often (seconds) so an interrupted run keeps its work.
SAVE_EVERY_S = 60.0


class Pick(enum.Enum):
    """Which face of a several-face image is the labelled person."""

    LARGEST = "largest"  # what the kiosk acts on
    CENTER = "center"  # LFW's convention: the labelled person is centred


@dataclass(frozen=True)
class Settings:
    """How faces are chosen and embedded; every variant a benchmark compares is one of these."""

    pick: Pick = Pick.LARGEST
    #: Lowest detector confidence accepted as a face (DETECT_FLOOR to 1).
    min_score: float = 0.8
    #: Add the mirrored face's embedding (the product's recognition.flip_augment).
    flip: bool = False
    #: The same for the searches of a 1:N evaluation (recognition.flip_probe); None: as
    #: `flip`. Pair protocols have no searches and ignore it.
    probe_flip: bool | None = None

    @property
    def searches_flip(self) -> bool:
        return self.flip if self.probe_flip is None else self.probe_flip


@dataclass(frozen=True)
class EmbeddedSet:
    """Embeddings of a list of images, one row each, with the images that had no face."""

    paths: tuple[Path, ...]
    embeddings: Embedding
    no_face: npt.NDArray[np.bool_]
    model: str
    seconds: float
    #: Embeddings of the same images as searched at the kiosk, where they differ from
    #: `embeddings` (recognition.flip_probe unlike flip_augment); None: the same.
    probes: Embedding | None = None

    @property
    def searches(self) -> Embedding:
        """The rows to search with (the enrolled side uses `embeddings`)."""
        return self.embeddings if self.probes is None else self.probes

    def index(self) -> dict[Path, int]:
        return {path: i for i, path in enumerate(self.paths)}


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "eval"


def _file_key(path: Path) -> str:
    stat = path.stat()
    return f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def _recipe(face: Face | None) -> str:
    if face is None:
        return "center_crop"
    return ",".join(f"{v:.2f}" for point in face.landmarks for v in point)


class _Store:
    """A dict of string key -> float32 rows, kept in one .npz file (written atomically)."""

    def __init__(self, path: Path | None, width: int) -> None:
        self.path, self.width = path, width
        self.rows: dict[str, npt.NDArray[np.float32]] = {}
        self.dirty = False
        self._saved = time.monotonic()
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys, values = data["keys"], data["values"]
                self.rows = {str(k): values[i] for i, k in enumerate(keys)}
            except (OSError, ValueError, KeyError):
                self.rows = {}  # a damaged cache is rebuilt, never trusted

    def put(self, key: str, row: npt.NDArray[np.float32]) -> None:
        self.rows[key] = row
        self.dirty = True
        if time.monotonic() - self._saved > SAVE_EVERY_S:
            self.save()

    def save(self) -> None:
        self._saved = time.monotonic()
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.rows), dtype=str)
        values = (np.stack(list(self.rows.values())) if self.rows
                  else np.zeros((0, self.width), np.float32))
        handle, temp = tempfile.mkstemp(suffix=".npz", dir=self.path.parent)
        os.close(handle)
        np.savez(temp, keys=keys, values=values)
        os.replace(temp, self.path)
        self.dirty = False


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _faces_to_row(faces: list[Face]) -> npt.NDArray[np.float32]:
    """Up to 8 faces as a fixed-width row: count, then 15 numbers per face."""
    row = np.zeros(1 + 8 * 15, np.float32)
    row[0] = min(len(faces), 8)
    for i, face in enumerate(faces[:8]):
        box = face.box
        values = [box.x, box.y, box.w, box.h, *[v for p in face.landmarks for v in p], face.score]
        row[1 + 15 * i : 16 + 15 * i] = values
    return row


def _row_to_faces(row: npt.NDArray[np.float32]) -> list[Face]:
    faces = []
    for i in range(int(row[0])):
        v = [float(x) for x in row[1 + 15 * i : 16 + 15 * i]]
        points = tuple((v[4 + 2 * j], v[5 + 2 * j]) for j in range(5))
        faces.append(Face(Box(v[0], v[1], v[2], v[3]), points, v[14]))
    return faces


def choose_face(faces: Sequence[Face], image_shape: tuple[int, ...],
                settings: Settings) -> Face | None:
    """The labelled person's face among the detections, or None (then the centre crop is used)."""
    usable = [face for face in faces if face.score >= settings.min_score]
    if not usable:
        return None
    if settings.pick is Pick.LARGEST:
        return max(usable, key=lambda face: face.box.area)
    cy, cx = image_shape[0] / 2.0, image_shape[1] / 2.0
    return min(usable, key=lambda f: (f.box.center[0] - cx) ** 2 + (f.box.center[1] - cy) ** 2)


class SetEmbedder:
    """Embeds many images through the product's detector, alignment and embedder, with caches."""

    def __init__(self, config: Config, model: Path | None = None,
                 cache_dir: Path | None = None, progress: bool = True) -> None:
        self._config = config
        self._model_path = embedder_path(config, model)
        self._detector_path = models.model_path(config.models.models_dir(), models.DETECTOR)
        self._progress = progress
        self._detector: FaceDetector | None = None
        self._embedder: Embedder | None = None
        det = config.detector
        det_key = _digest(CACHE_VERSION, sha256_of(self._detector_path), DETECT_FLOOR,
                          det.nms_threshold, det.max_side, det.upscale_to)
        emb_key = _digest(CACHE_VERSION, sha256_of(self._model_path))
        self._detections = _Store(cache_dir / f"detections-{det_key}.npz" if cache_dir else None,
                                  1 + 8 * 15)
        self._emb_path = cache_dir / f"embeddings-{emb_key}.npz" if cache_dir else None
        self._embeddings: _Store | None = None
        #: Crops embedded by this object (not found in the cache).
        self.computed = 0

    def embedder(self) -> Embedder:
        if self._embedder is None:
            # Views are stored separately; flip is applied when a set is assembled. Always
            # onnxruntime, whatever models.runtime says, so cached figures stay comparable.
            config = self._config.models
            self._embedder = OnnxEmbedder(self._model_path, config.device, config.threads, False,
                                          config.spinning)
        return self._embedder

    def detections(self, paths: Sequence[Path]) -> list[list[Face]]:
        """Every face found in each image (down to DETECT_FLOOR), cached by file."""
        keys = [_file_key(path) for path in paths]
        missing = [i for i, key in enumerate(keys) if key not in self._detections.rows]
        if missing:
            if self._detector is None:
                config = replace(self._config.detector, score_threshold=DETECT_FLOOR)
                cvlog.errors_only()
                self._detector = YuNetDetector(self._detector_path, config)
            for i in tqdm(missing, desc="detecting", unit="img", disable=not self._progress):
                image = read_image(paths[i])
                faces = self._detector.detect(image)
                self._detections.put(keys[i], _faces_to_row(faces))
            self._detections.save()
        return [_row_to_faces(self._detections.rows[key]) for key in keys]

    def embed(self, paths: Sequence[Path], settings: Settings) -> EmbeddedSet:
        """Embed each image's chosen face (or its centre crop when none passes the cut-off)."""
        started = time.perf_counter()
        paths = tuple(paths)
        detections = self.detections(paths)
        shapes = _ShapeCache()
        chosen = [choose_face(faces, shapes(path, faces), settings)
                  for path, faces in zip(paths, detections, strict=True)]
        keys = [f"{_file_key(p)}|{_recipe(f)}" for p, f in zip(paths, chosen, strict=True)]
        store = self._embedding_store()
        missing = [i for i, key in enumerate(keys) if key not in store.rows]
        if missing:
            self._embed_missing(paths, chosen, keys, missing, store)
        views = np.stack([store.rows[key] for key in keys])
        half = views.shape[1] // 2
        plain, mirrored = views[:, :half], views[:, half:]
        vectors = normalize(plain + mirrored) if settings.flip else plain
        probes = None
        if settings.searches_flip != settings.flip:
            probes = normalize(plain + mirrored) if settings.searches_flip else plain
        no_face = np.array([face is None for face in chosen], dtype=bool)
        return EmbeddedSet(paths, vectors, no_face, self.embedder().name,
                           time.perf_counter() - started, probes)

    def _embedding_store(self) -> _Store:
        if self._embeddings is None:
            self._embeddings = _Store(self._emb_path, 2 * self.embedder().dimension)
        return self._embeddings

    def _embed_missing(self, paths: Sequence[Path], chosen: Sequence[Face | None],
                       keys: Sequence[str], missing: Sequence[int], store: _Store) -> None:
        embedder = self.embedder()
        size = embedder.input_size
        with tqdm(total=len(missing), desc="embedding", unit="img",
                  disable=not self._progress) as bar:
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                crops = [_crop(read_image(paths[i]), chosen[i], size) for i in batch]
                mirrored = [np.ascontiguousarray(crop[:, ::-1]) for crop in crops]
                vectors = embedder.embed(crops + mirrored)
                for j, i in enumerate(batch):
                    store.put(keys[i], np.concatenate([vectors[j], vectors[j + len(batch)]]))
                bar.update(len(batch))
                self.computed += len(batch)
        store.save()


def _crop(image: Image, face: Face | None, size: int) -> Image:
    return center_crop(image, size) if face is None else align(image, face, size)


class _ShapeCache:
    """Image shapes for face picking; LFW images are all 250x250, so read one only if needed."""

    def __init__(self) -> None:
        self._reader: Callable[[Path], tuple[int, ...]] = lambda p: read_image(p).shape

    def __call__(self, path: Path, faces: Sequence[Face]) -> tuple[int, ...]:
        if len(faces) <= 1:
            return (0, 0)  # the shape only matters when there is a choice to make
        return self._reader(path)
