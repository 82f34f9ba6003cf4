"""Helpers for the kiosk tests: a site database with someone enrolled from a real clip."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.vision.engine import Engine, thumbnail_jpeg

#: The enrolment frame of a clip (seconds in).
ENROL_AT_S = 5.0


def enrol_from_clip(engine: Engine, clip: Path, name: str, db: Path) -> None:
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, round(ENROL_AT_S * capture.get(cv2.CAP_PROP_FPS)))
    ok, image = capture.read()
    capture.release()
    assert ok
    result = engine.embed_largest(np.asarray(image, np.uint8))
    assert result is not None
    store = SQLiteStore.open(db)
    person = store.people.add(name)
    store.templates.add(person.id, engine.embedder.name, engine.embedder.dimension, [NewTemplate(
        result.embedding, clip.name, result.quality.sharpness, thumbnail_jpeg(result.aligned))])
    store.close()


def blank_folder(folder: Path, count: int = 5) -> Path:
    """A folder of plain grey images: a camera looking at an empty corridor."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        cv2.imwrite(str(folder / f"{i:03d}.png"), np.full((240, 320, 3), 90, np.uint8))
    return folder
