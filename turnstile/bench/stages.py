"""Per-stage timings on real frames: detection, alignment, embedding, matching, decision."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from turnstile.bench.kiosk import build_pipeline, process
from turnstile.bench.timing import Stat, time_ms
from turnstile.config import Config, replace
from turnstile.store.gallery import Gallery
from turnstile.store.matcher import TemplateMatrix
from turnstile.types import Face, Image
from turnstile.vision.align import align
from turnstile.vision.engine import Engine


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
    """Every stage on the same frames (cycled), milliseconds per call.

    Frame to decision goes through the kiosk's Pipeline (detect, policy, align, embed,
    match, and on final decisions the door and the event log) with the liveness checks off:
    recognition's own cost, the same on every frame. `frame_to_decision_liveness` keeps the
    configured checks: the motion check tracks corners on the frames of a presentation until
    it decides, so its frames cost more for a while and then nothing (mixed in this figure).
    """
    frames, faces = faces_in(engine, frames)
    if not frames:
        raise ValueError("no face was detected in any benchmark frame; pick another --source")
    size = engine.embedder.input_size
    crops = [align(f, face, size) for f, face in zip(frames, faces, strict=True)]
    vectors = engine.embedder.embed(crops)
    n = len(frames)
    # Every timed frame is recognised: with tracking on, frames after the first grant would
    # follow the decided face without embedding it and flatter the figure.
    untracked = replace(config, policy=replace(config.policy, track_iou=0.0))
    checked = build_pipeline(untracked, engine, gallery)
    pipeline = build_pipeline(replace(untracked, liveness=replace(
        untracked.liveness, motion=False, challenge=False, passive_model="")), engine, gallery)
    return {
        "detection": time_ms(lambda i: engine.detector.detect(frames[i % n]), warmup, repeat),
        # What the kiosk loop pays while the person stays in view (detector.follow_face_px).
        "detection_following": time_ms(lambda i: pipeline.detector.detect(frames[i % n]),
                                       warmup, repeat),
        "alignment": time_ms(lambda i: align(frames[i % n], faces[i % n], size), warmup, repeat),
        # As the kiosk embeds each frame's face (recognition.flip_probe).
        "embedding": time_ms(lambda i: engine.embedder.embed(
            [crops[i % n]], flip=config.recognition.flip_probe), warmup, repeat),
        "match": time_ms(lambda i: gallery.match(vectors[i % n]), warmup, repeat),
        "frame_to_decision": time_ms(lambda i: process(pipeline, frames[i % n], i),
                                     warmup, repeat),
        "frame_to_decision_liveness": time_ms(lambda i: process(checked, frames[i % n], i),
                                              warmup, repeat),
    }


def match_times(matrix: TemplateMatrix, queries: np.ndarray, warmup: int,
                repeat: int) -> Stat:
    """One 1:N search per call against everything loaded in `matrix`."""
    n = queries.shape[0]
    return time_ms(lambda i: matrix.search(queries[i % n]), warmup, repeat)
