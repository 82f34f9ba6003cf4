"""Per-stage timings on real frames: detection, alignment, embedding, matching, decision."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from turnstile.align import align
from turnstile.bench.frames import fit
from turnstile.bench.timing import Stat, time_ms
from turnstile.cli.core import accepted_name
from turnstile.config import Config
from turnstile.engine import Engine
from turnstile.gallery import Gallery
from turnstile.matcher import TemplateMatrix
from turnstile.types import Face, Image, Outcome


def decide(engine: Engine, gallery: Gallery, frame: Image, config: Config) -> Outcome:
    """Frame to decision for the largest face: detect, align, embed, match, threshold."""
    found = engine.detector.detect(frame)
    if not found:
        return Outcome.NO_FACE
    result = engine.analyze(frame, gallery, faces=found[:1])[0]
    return Outcome.GRANTED if accepted_name(result.match, config) else Outcome.UNKNOWN


def faces_in(engine: Engine, frames: Sequence[Image]) -> tuple[list[Image], list[Face]]:
    """The frames that have a face, with their largest face."""
    kept: list[Image] = []
    faces: list[Face] = []
    for frame in frames:
        found = engine.detector.detect(frame)
        if found:
            kept.append(frame)
            faces.append(found[0])
    return kept, faces


def stage_times(engine: Engine, gallery: Gallery, frames: Sequence[Image], config: Config,
                warmup: int, repeat: int) -> dict[str, Stat]:
    """Every stage on the same frames (cycled), milliseconds per call."""
    frames, faces = faces_in(engine, frames)
    if not frames:
        raise ValueError("no face was detected in any benchmark frame; pick another --source")
    size = engine.embedder.input_size
    crops = [align(f, face, size) for f, face in zip(frames, faces, strict=True)]
    vectors = engine.embedder.embed(crops)
    n = len(frames)
    return {
        "detection": time_ms(lambda i: engine.detector.detect(frames[i % n]), warmup, repeat),
        "alignment": time_ms(lambda i: align(frames[i % n], faces[i % n], size), warmup, repeat),
        "embedding": time_ms(lambda i: engine.embedder.embed([crops[i % n]]), warmup, repeat),
        "match": time_ms(lambda i: gallery.match(vectors[i % n]), warmup, repeat),
        "frame_to_decision": time_ms(lambda i: decide(engine, gallery, frames[i % n], config),
                                     warmup, repeat),
    }


def match_times(matrix: TemplateMatrix, queries: np.ndarray, warmup: int,
                repeat: int) -> Stat:
    """One 1:N search per call against everything loaded in `matrix`."""
    n = queries.shape[0]
    return time_ms(lambda i: matrix.search(queries[i % n]), warmup, repeat)


def loop_fps(engine: Engine, gallery: Gallery, source: Path, config: Config,
             size: tuple[int, int], frames: int, warmup: int) -> tuple[float, dict[str, int]]:
    """Frames per second of a camera loop: decode, fit to `size`, decide, repeat.

    Returns the rate and how many frames ended in each outcome.
    """
    capture = cv2.VideoCapture(str(source))
    if not capture.isOpened():
        raise ValueError(f"cannot open video {source}")
    outcomes: dict[str, int] = {}
    try:
        start = time.perf_counter()
        for i in range(warmup + frames):
            if i == warmup:
                start = time.perf_counter()
            ok, frame = capture.read()
            if not ok:  # a file ends; a camera would not: start the clip again
                capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, frame = capture.read()
                if not ok:
                    raise ValueError(f"{source} gave no frame")
            outcome = decide(engine, gallery, fit(np.asarray(frame, np.uint8), size), config)
            if i >= warmup:
                outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
        elapsed = time.perf_counter() - start
    finally:
        capture.release()
    return frames / elapsed, outcomes
