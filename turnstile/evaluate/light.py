"""`turnstile eval light`: detection, genuine acceptance and false accepts under hard light.

Each sampled person has a reference photo (enrolled as the product enrols: flip-summed, good
light) and a probe photo, relit synthetically (`relight`). A probe counts as detected when a
face overlapping its original detection is found, as genuinely accepted when that face's
single-view embedding (the kiosk's search) reaches the shipped threshold against the person's
own reference, and every face found in a probe is compared with every other person's
reference for false accepts. Families can be held out: tune on some, report on the others.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from turnstile.errors import UsageError
from turnstile.evaluate.relight import Condition, relight
from turnstile.types import Embedding, Face, Image
from turnstile.vision.align import align
from turnstile.vision.detect import FaceDetector
from turnstile.vision.embed import Embedder
from turnstile.vision.imageio import read_image
from turnstile.vision.light import luminance, normalise

#: Files taken as images in per-person folders.
SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".pgm", ".bmp"})
#: Overlap with the original detection that makes a found face the person's.
SAME_FACE_IOU = 0.3
#: Crops darker than this mean grey count as dark for CropChange.DENOISE_DARK.
DARK_CROP = 70.0
#: Mean grey CropChange.GAIN_DARK brings a dark crop to.
GAIN_TARGET = 115.0
#: Condition name of the unaltered probes.
ORIGINAL = "none"


class CropChange(enum.Enum):
    """What is done to an aligned crop before it is embedded."""

    NONE = "none"
    CLAHE = "clahe"
    #: Smoothing of dark crops only (mean grey under DARK_CROP), whose noise the embedder
    #: reads as texture.
    DENOISE_DARK = "denoise_dark"
    #: Dark crops brightened to mid grey by one gain (what face-metered exposure would do).
    GAIN_DARK = "gain_dark"

    def apply(self, crop: Image) -> Image:
        if self is CropChange.CLAHE:
            return normalise(crop)
        mean = float(luminance(crop).mean())
        if self is CropChange.DENOISE_DARK and mean < DARK_CROP:
            return np.asarray(cv2.GaussianBlur(crop, (0, 0), 1.0), np.uint8)
        if self is CropChange.GAIN_DARK and mean < DARK_CROP:
            return np.asarray(np.clip(crop * (GAIN_TARGET / max(mean, 1.0)), 0, 255), np.uint8)
        return crop


class Split(enum.Enum):
    """Which half of the sampled people: tune on one, report on the other."""

    TUNE = "tune"
    REPORT = "report"
    ALL = "all"


@dataclass(frozen=True)
class Subject:
    """One person: a reference photo to enrol, a probe photo to relight."""

    name: str
    reference: Path
    probe: Path


def subjects(folder: Path, count: int, seed: int = 0, split: Split = Split.ALL) -> list[Subject]:
    """`count` people with at least two photos, drawn with `seed`; the first photo (by name)
    is the reference, the second the probe. TUNE and REPORT are the even and odd draws."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    people = []
    for person in sorted(p for p in folder.iterdir() if p.is_dir()):
        photos = sorted(p for p in person.iterdir() if p.suffix.lower() in SUFFIXES)
        if len(photos) >= 2:
            people.append(Subject(person.name, photos[0], photos[1]))
    if len(people) < 2:
        raise UsageError(f"{folder} needs at least two people with two photos each")
    order = np.random.default_rng(seed).permutation(len(people))[:count]
    drawn = [people[int(i)] for i in order]
    if split is Split.TUNE:
        return drawn[0::2]
    if split is Split.REPORT:
        return drawn[1::2]
    return drawn


@dataclass(frozen=True)
class Variant:
    """One way of finding and embedding faces, compared against the others."""

    name: str
    detector: FaceDetector
    #: A change to every aligned crop before embedding (references and probes alike).
    crop: CropChange = CropChange.NONE


@dataclass
class Row:
    """One variant under one condition."""

    variant: str
    condition: str
    family: str
    probes: int = 0
    detected: int = 0
    accepted: int = 0
    impostor_pairs: int = 0
    false_accepts: int = 0
    genuine: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"variant": self.variant, "condition": self.condition, "family": self.family,
                "probes": self.probes, "detected": self.detected, "accepted": self.accepted,
                "impostor_pairs": self.impostor_pairs, "false_accepts": self.false_accepts,
                "detection_rate": self.detected / max(self.probes, 1),
                "genuine_acceptance": self.accepted / max(self.probes, 1),
                "genuine_median": float(np.median(self.genuine)) if self.genuine else None}

    def add(self, other: Row) -> None:
        self.probes += other.probes
        self.detected += other.detected
        self.accepted += other.accepted
        self.impostor_pairs += other.impostor_pairs
        self.false_accepts += other.false_accepts
        self.genuine.extend(other.genuine)


@dataclass(frozen=True)
class _Probe:
    subject: int
    image: Image
    face: Face


class LightEvaluation:
    """Runs variants over relit probes; embeddings are kept per crop, so variants that find
    the same landmarks share them."""

    def __init__(self, reference_detector: FaceDetector, embedder: Embedder,
                 threshold: float, progress: bool = True) -> None:
        self._detector = reference_detector
        self._embedder = embedder
        self._threshold = threshold
        self._progress = progress
        self._cache: dict[tuple[object, ...], Embedding] = {}
        #: People left out because their reference or probe photo had no face.
        self.skipped: list[str] = []

    def run(self, people: Sequence[Subject], conditions: Sequence[Condition],
            variants: Sequence[Variant]) -> list[Row]:
        probes, references = self._prepare(people)
        rows: list[Row] = []
        named = [(ORIGINAL, ORIGINAL, None), *((c.name, c.family.value, c) for c in conditions)]
        total = len(named) * len(probes)
        with tqdm(total=total, desc="relighting", unit="img", disable=not self._progress) as bar:
            for name, family, condition in named:
                per_variant = {v.name: Row(v.name, name, family) for v in variants}
                for index, probe in enumerate(probes):
                    image = probe.image if condition is None else relight(
                        probe.image, probe.face, condition, seed=index)
                    for variant in variants:
                        self._score(per_variant[variant.name], variant, probe, image, name,
                                    references[variant.crop])
                    bar.update(1)
                rows.extend(per_variant.values())
        return rows

    def _prepare(self, people: Sequence[Subject]
                 ) -> tuple[list[_Probe], dict[CropChange, Embedding]]:
        probes: list[_Probe] = []
        crops: list[Image] = []
        for subject in people:
            reference = read_image(subject.reference)
            probe = read_image(subject.probe)
            ref_faces, probe_faces = self._detector.detect(reference), self._detector.detect(probe)
            if not ref_faces or not probe_faces:
                self.skipped.append(subject.name)
                continue
            crops.append(align(reference, ref_faces[0], self._embedder.input_size))
            probes.append(_Probe(len(probes), probe, probe_faces[0]))
        references = {change: self._embedder.embed([change.apply(c) for c in crops], flip=True)
                      for change in CropChange}
        return probes, references

    def _score(self, row: Row, variant: Variant, probe: _Probe, image: Image, condition: str,
               references: Embedding) -> None:
        row.probes += 1
        faces = variant.detector.detect(image)
        own = probe.subject
        for face in faces:
            vector = self._embed(image, face, condition, own, variant.crop)
            scores = references @ vector
            others = np.delete(scores, own)
            row.impostor_pairs += len(others)
            row.false_accepts += int((others >= self._threshold).sum())
            if face.box.iou(probe.face.box) >= SAME_FACE_IOU and face is _labelled(faces, probe):
                row.detected += 1
                row.genuine.append(float(scores[own]))
                row.accepted += int(scores[own] >= self._threshold)

    def _embed(self, image: Image, face: Face, condition: str, subject: int,
               change: CropChange) -> Embedding:
        key = (subject, condition, change, *(round(v, 1) for p in face.landmarks for v in p))
        if key not in self._cache:
            crop = change.apply(align(image, face, self._embedder.input_size))
            self._cache[key] = self._embedder.embed([crop], flip=False)[0]
        return self._cache[key]


def _labelled(faces: Sequence[Face], probe: _Probe) -> Face:
    """The found face that overlaps the person's original detection most."""
    return max(faces, key=lambda face: face.box.iou(probe.face.box))


def by_family(rows: Sequence[Row]) -> list[Row]:
    """Rows summed over each family's levels, per variant."""
    totals: dict[tuple[str, str], Row] = {}
    for row in rows:
        key = (row.variant, row.family)
        if key not in totals:
            totals[key] = Row(row.variant, row.family, row.family)
        totals[key].add(row)
    return list(totals.values())


def format_rows(rows: Sequence[Row]) -> list[str]:
    lines = [f"{'variant':<18} {'condition':<10} {'probes':>6} {'detected':>9} "
             f"{'genuine ok':>10} {'median':>7} {'false acc':>16}"]
    for row in rows:
        median = f"{np.median(row.genuine):.3f}" if row.genuine else "-"
        lines.append(
            f"{row.variant:<18} {row.condition:<10} {row.probes:>6} "
            f"{100 * row.detected / max(row.probes, 1):>8.1f}% "
            f"{100 * row.accepted / max(row.probes, 1):>9.1f}% {median:>7} "
            f"{row.false_accepts:>6} / {row.impostor_pairs:<8}")
    return lines
