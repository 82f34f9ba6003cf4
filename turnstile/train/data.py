"""Identity-per-folder face data: detected and aligned like the kiosk does, cached, split."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from turnstile.errors import TurnstileError
from turnstile.types import Image
from turnstile.vision.align import align, center_crop
from turnstile.vision.detect import FaceDetector
from turnstile.vision.imageio import ImageError, read_image

#: File suffixes read as images (case-insensitive).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".pgm", ".bmp", ".tif", ".tiff", ".webp"})
#: Fallbacks for an image in which the detector finds no face (counted either way).
FALLBACKS = ("resize", "center", "skip")
#: Bumped when the cached crops would differ for the same inputs.
CACHE_VERSION = 1


class DataError(TurnstileError, ValueError):
    """The training folder cannot be used (missing, too few identities or images)."""


@dataclass(frozen=True)
class FaceSet:
    """Aligned crops (N x S x S x 3 BGR uint8), an identity index per crop, and bookkeeping."""

    images: npt.NDArray[np.uint8]
    labels: npt.NDArray[np.int64]
    identities: tuple[str, ...]
    sources: tuple[str, ...]
    fallback: npt.NDArray[np.bool_]
    skipped: int = 0

    @property
    def size(self) -> int:
        return int(self.images.shape[1])

    @property
    def fallback_count(self) -> int:
        return int(self.fallback.sum())

    def subset(self, identities: Sequence[str]) -> FaceSet:
        """Only the given identities, relabelled 0..k-1 in the given order."""
        index = {name: i for i, name in enumerate(self.identities)}
        unknown = [name for name in identities if name not in index]
        if unknown:
            raise DataError(f"unknown identities: {', '.join(unknown)}")
        remap = np.full(len(self.identities), -1, np.int64)
        for new, name in enumerate(identities):
            remap[index[name]] = new
        keep = remap[self.labels] >= 0
        return FaceSet(self.images[keep], remap[self.labels[keep]], tuple(identities),
                       tuple(s for s, k in zip(self.sources, keep, strict=True) if k),
                       self.fallback[keep])


def expand_identities(spec: str) -> list[str]:
    """'s1-s3,bob' -> ['s1', 's2', 's3', 'bob']: numeric ranges with a shared prefix."""
    names: list[str] = []
    for item in (part.strip() for part in spec.split(",")):
        match = re.fullmatch(r"(\D*)(\d+)-(\D*)(\d+)", item)
        if match and match.group(1) == match.group(3):
            first, last = int(match.group(2)), int(match.group(4))
            if first > last:
                raise DataError(f"identity range {item!r} runs backwards")
            names.extend(f"{match.group(1)}{n}" for n in range(first, last + 1))
        elif item:
            names.append(item)
    if not names:
        raise DataError(f"no identities in {spec!r}")
    return names


def scan(root: Path, identities: Sequence[str] | None = None,
         min_images: int = 2) -> dict[str, list[Path]]:
    """Identity name -> sorted image files; identities with fewer than min_images are left out."""
    if not root.is_dir():
        raise DataError(f"{root} is not a folder of identity sub-folders")
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    if identities is not None:
        by_name = {p.name: p for p in folders}
        missing = [name for name in identities if name not in by_name]
        if missing:
            raise DataError(f"{root} has no sub-folder(s) {', '.join(missing[:5])}")
        folders = [by_name[name] for name in identities]
    found: dict[str, list[Path]] = {}
    for folder in folders:
        files = sorted((p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES),
                       key=_natural_key)
        if len(files) >= min_images:
            found[folder.name] = files
    if len(found) < 2:
        raise DataError(f"{root} needs at least two identity folders with {min_images}+ images "
                        f"each; found {len(found)}")
    return found


def _natural_key(path: Path) -> tuple[object, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name))


def fallback_crop(image: Image, size: int, how: str) -> Image | None:
    """The crop used when no face is found: whole image squared and resized, or centre crop."""
    if how == "center":
        return center_crop(image, size)
    if how == "resize":
        height, width = image.shape[:2]
        side = min(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        square = image[top : top + side, left : left + side]
        return np.asarray(cv2.resize(square, (size, size), interpolation=cv2.INTER_AREA),
                          np.uint8)
    return None


def face_crop(detector: FaceDetector, image: Image, size: int,
              fallback: str) -> tuple[Image | None, bool]:
    """Largest face aligned exactly as the engine aligns it; (crop, used_fallback)."""
    faces = detector.detect(image)
    if faces:
        return align(image, faces[0], size), False
    return fallback_crop(image, size, fallback), True


def load_faces(files: dict[str, list[Path]], detector: FaceDetector, size: int,
               fallback: str = "resize",
               progress: Callable[[int], None] | None = None) -> FaceSet:
    """Detect and align every image; unreadable images are an error naming the file."""
    if fallback not in FALLBACKS:
        raise DataError(f"fallback must be one of {', '.join(FALLBACKS)}, not {fallback!r}")
    crops: list[Image] = []
    labels: list[int] = []
    sources: list[str] = []
    used: list[bool] = []
    skipped = 0
    for label, (name, paths) in enumerate(files.items()):
        for path in paths:
            try:
                image = read_image(path)
            except ImageError as exc:
                raise DataError(str(exc)) from exc
            crop, fell_back = face_crop(detector, image, size, fallback)
            if progress is not None:
                progress(1)
            if crop is None:
                skipped += 1
                continue
            crops.append(crop)
            labels.append(label)
            sources.append(f"{name}/{path.name}")
            used.append(fell_back)
    if not crops:
        raise DataError(f"no face found in any of the {skipped} images (fallback 'skip')")
    return FaceSet(np.stack(crops), np.asarray(labels, np.int64), tuple(files),
                   tuple(sources), np.asarray(used, bool), skipped)


def cache_key(files: dict[str, list[Path]], size: int, fallback: str, detector_tag: str) -> str:
    """Digest of everything the crops depend on: file names, sizes, times and settings."""
    digest = hashlib.sha256()
    digest.update(json.dumps([CACHE_VERSION, size, fallback, detector_tag]).encode())
    for name, paths in files.items():
        for path in paths:
            stat = path.stat()
            digest.update(f"{name}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def save_cache(faces: FaceSet, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        np.savez_compressed(handle, images=faces.images, labels=faces.labels,
                            identities=np.asarray(faces.identities),
                            sources=np.asarray(faces.sources), fallback=faces.fallback,
                            skipped=np.asarray(faces.skipped))
    partial.replace(path)  # a crash mid-write never leaves a truncated cache behind


def load_cache(path: Path) -> FaceSet | None:
    """The cached crops, or None when there is no usable cache file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return FaceSet(data["images"], data["labels"],
                           tuple(str(s) for s in data["identities"]),
                           tuple(str(s) for s in data["sources"]), data["fallback"],
                           int(data["skipped"]))
    except (OSError, KeyError, ValueError):
        return None


def split_identities(identities: Sequence[str], val_fraction: float,
                     seed: int) -> tuple[list[str], list[str]]:
    """Disjoint train and validation identity lists (validation people are never trained on)."""
    if not 0.0 <= val_fraction < 1.0:
        raise DataError("validation fraction must be in [0, 1)")
    order = np.random.default_rng(seed).permutation(len(identities))
    count = round(len(identities) * val_fraction)
    if val_fraction > 0:
        count = max(count, 2)  # pair accuracy needs at least two people
    if len(identities) - count < 2:
        raise DataError(f"{len(identities)} identities are too few to hold out {count} "
                        "for validation; use more people or --val 0")
    val = sorted((identities[i] for i in order[:count]), key=_natural_name)
    train = sorted((identities[i] for i in order[count:]), key=_natural_name)
    return train, val


def _natural_name(name: str) -> tuple[object, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))
