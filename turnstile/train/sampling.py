"""Pair and identity-balanced batch sampling, plus light augmentation (NumPy, no PyTorch)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from turnstile.errors import UsageError

IntArray = npt.NDArray[np.int64]


def positive_pairs(labels: IntArray) -> IntArray:
    """Every pair (i, j), i < j, of two images of the same identity, in index order."""
    pairs = [(i, j) for i, j in itertools.combinations(range(len(labels)), 2)
             if labels[i] == labels[j]]
    return np.asarray(pairs, np.int64).reshape(-1, 2)


def negative_pairs(labels: IntArray, count: int, rng: np.random.Generator) -> IntArray:
    """`count` distinct pairs (i < j) of images of different identities, drawn uniformly."""
    candidates = np.asarray([(i, j) for i, j in itertools.combinations(range(len(labels)), 2)
                             if labels[i] != labels[j]], np.int64).reshape(-1, 2)
    if count > len(candidates):
        raise UsageError(f"only {len(candidates)} different-identity pairs exist, "
                         f"{count} were asked for")
    chosen = np.sort(rng.choice(len(candidates), size=count, replace=False))
    return candidates[chosen]


def balanced_pairs(labels: IntArray, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """The classic verification set: all same-identity pairs and as many different ones.

    Returns (pairs N x 2, same N) with the positives first.
    """
    positives = positive_pairs(labels)
    negatives = negative_pairs(labels, min(len(positives), _cross_count(labels)), rng)
    pairs = np.concatenate([positives, negatives])
    same = np.concatenate([np.ones(len(positives), np.int64), np.zeros(len(negatives), np.int64)])
    return pairs, same


def _cross_count(labels: IntArray) -> int:
    _, counts = np.unique(labels, return_counts=True)
    total = len(labels) * (len(labels) - 1) // 2
    return int(total - (counts * (counts - 1) // 2).sum())


def identity_batches(labels: IntArray, batch: int, per_identity: int,
                     rng: np.random.Generator) -> Iterator[IntArray]:
    """One epoch of P x K batches: P different identities, K images each.

    Each identity's shuffled images are cut into groups of K (the last group topped up with
    other images of the same identity), so every image is used once per epoch; groups are
    shuffled and dealt into batches without repeating an identity within a batch.
    """
    if per_identity < 2:
        raise UsageError("per_identity must be at least 2 so every batch has positive pairs")
    groups: list[tuple[int, list[int]]] = []
    for k in np.unique(labels):
        images = [int(i) for i in rng.permutation(np.flatnonzero(labels == k))]
        for start in range(0, len(images), per_identity):
            group = images[start : start + per_identity]
            others = [i for i in images if i not in group]
            while len(group) < per_identity:
                take = min(per_identity - len(group), len(others)) or per_identity - len(group)
                group += [int(i) for i in rng.choice(others or group, take, replace=not others)]
            groups.append((int(k), group))
    pending = [groups[i] for i in rng.permutation(len(groups))]
    per_batch = max(2, batch // per_identity)
    while pending:
        chosen: list[tuple[int, list[int]]] = []
        for item in pending:
            if len(chosen) < per_batch and all(item[0] != c[0] for c in chosen):
                chosen.append(item)
        pending = [item for item in pending if all(item is not c for c in chosen)]
        yield np.asarray([i for _, group in chosen for i in group], np.int64)


def in_batch_pairs(labels: IntArray, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """Pair losses within a batch: all positive pairs and an equal random set of negatives."""
    return balanced_pairs(labels, rng)


@dataclass(frozen=True)
class Augmentation:
    """Random changes applied to each training crop.

    The geometric jitter (shift as a fraction of the side, turn in degrees, zoom as a
    fraction) stands in for the landmark noise of the detector at the door; brightness scales
    the gain and offset jitter; blur is the largest Gaussian sigma in pixels (applied to half
    of the crops); erase is the chance of blanking a random rectangle of 5-20% of the crop,
    as glasses, a hand or a scarf would.
    """

    flip: bool = True
    max_shift: float = 0.06
    brightness: float = 0.2
    max_angle: float = 8.0
    max_zoom: float = 0.08
    blur: float = 0.0
    erase: float = 0.0


#: The presets behind --augment.
AUGMENTATIONS = {
    "none": Augmentation(flip=False, max_shift=0.0, brightness=0.0, max_angle=0.0,
                         max_zoom=0.0),
    "light": Augmentation(),
    "strong": Augmentation(max_shift=0.08, brightness=0.3, max_angle=12.0, max_zoom=0.12,
                           blur=1.2, erase=0.3),
}


def augment(images: npt.NDArray[np.uint8], rng: np.random.Generator,
            params: Augmentation = AUGMENTATIONS["light"]) -> npt.NDArray[np.uint8]:
    """One random draw of `params` per image; the output has the input's shape and type."""
    out = np.empty_like(images)
    for index, image in enumerate(images):
        out[index] = _augment_one(image, rng, params)
    return out


def _augment_one(image: npt.NDArray[np.uint8], rng: np.random.Generator,
                 p: Augmentation) -> npt.NDArray[np.uint8]:
    size = image.shape[0]
    if p.flip and rng.random() < 0.5:
        image = image[:, ::-1]
    if p.max_angle or p.max_zoom or p.max_shift:
        angle = rng.uniform(-p.max_angle, p.max_angle)
        zoom = 1.0 + rng.uniform(-p.max_zoom, p.max_zoom)
        matrix = cv2.getRotationMatrix2D((size / 2, size / 2), angle, zoom)
        matrix[:, 2] += rng.uniform(-p.max_shift, p.max_shift, 2) * size
        image = np.asarray(cv2.warpAffine(np.ascontiguousarray(image), matrix, (size, size),
                                          borderMode=cv2.BORDER_REPLICATE), np.uint8)
    if p.blur and rng.random() < 0.5:
        image = np.asarray(cv2.GaussianBlur(np.ascontiguousarray(image), (0, 0),
                                            rng.uniform(0.3, p.blur)), np.uint8)
    pixels = image.astype(np.float32)
    if p.brightness:
        gain = rng.uniform(1 - p.brightness, 1 + p.brightness)
        pixels = pixels * gain + rng.uniform(-p.brightness, p.brightness) * 64
    if p.erase and rng.random() < p.erase:
        area = rng.uniform(0.05, 0.2) * size * size
        aspect = np.exp(rng.uniform(np.log(0.5), np.log(2.0)))
        height = min(size, max(1, round(np.sqrt(area * aspect))))
        width = min(size, max(1, round(np.sqrt(area / aspect))))
        top, left = rng.integers(0, size - height + 1), rng.integers(0, size - width + 1)
        pixels[top : top + height, left : left + width] = pixels.mean()
    return np.clip(pixels, 0, 255).astype(np.uint8)
