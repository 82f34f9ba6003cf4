"""Hard light at the kiosk: a greyscale (IR) camera end to end, and the light hints."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from tests.conftest import dataset
from turnstile.access.camera import Frame, VideoFileSource
from turnstile.access.door import SimulatedDoor
from turnstile.access.liveness import AssumeLive
from turnstile.access.pipeline import FrameResult, Pipeline, run
from turnstile.config import CameraConfig, Config
from turnstile.store import database as storage
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Outcome
from turnstile.vision.engine import Engine
from turnstile.vision.light import LightHint

EPOCH = datetime(2026, 3, 2, 9, 0, 0)


class GreyCamera:
    """An IR camera's stream, as OpenCV delivers a GREY/Y8 device: one channel per frame
    (the real clip's frames, converted)."""

    name = "ir camera"

    def __init__(self, clip: Path, frames: int, keep_axis: bool = False) -> None:
        self.clip, self.count, self.keep_axis = clip, frames, keep_axis

    def frames(self) -> Iterator[Frame]:
        source = VideoFileSource(self.clip, epoch=EPOCH)
        for frame in source.frames():
            if frame.index >= self.count:
                return
            grey = np.asarray(cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY), np.uint8)
            image = grey[:, :, None] if self.keep_axis else grey
            yield Frame(image, frame.index, frame.time_s, frame.at)


def pipeline(engine: Engine, config: Config, tmp_path: Path) -> tuple[Pipeline, sqlite3.Connection]:
    store = SQLiteStore(storage.connect(tmp_path / "gallery.db"), config.events)
    gallery = engine.gallery(store)
    return (Pipeline.build(config, engine, gallery, SimulatedDoor(), AssumeLive(), "test"),
            store.connection)


def enrol_from_clip(engine: Engine, pipeline_: Pipeline, clip: Path, at_s: float) -> None:
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, round(at_s * capture.get(cv2.CAP_PROP_FPS)))
    ok, image = capture.read()
    capture.release()
    assert ok
    result = engine.embed_largest(np.asarray(image, np.uint8))
    assert result is not None
    gallery = pipeline_.gallery
    person = gallery.store.people.add("Clip Person")
    gallery.store.templates.add(person.id, gallery.model, gallery.dimension,
                                [NewTemplate(result.embedding)])


def test_a_greyscale_camera_is_recognised_end_to_end(engine: Engine, config: Config,
                                                     tmp_path: Path) -> None:
    clip = dataset("videos", "1zlab_face.mp4")
    kiosk, conn = pipeline(engine, config, tmp_path)
    enrol_from_clip(engine, kiosk, clip, 5.0)  # enrolled from a colour photo
    for keep_axis in (False, True):
        seen: list[FrameResult] = []
        run(GreyCamera(clip, 90, keep_axis), kiosk, seen.append, camera=CameraConfig(),
            reconnect=False)
        granted = [r for r in seen if r.decision.outcome is Outcome.GRANTED]
        assert granted and granted[0].decision.match is not None
        assert granted[0].decision.match.name == "Clip Person"
        assert all(r.frame.image.shape[2] == 3 for r in seen)
        kiosk.policy = Pipeline.build(config, engine, kiosk.gallery, SimulatedDoor(),
                                      AssumeLive()).policy  # a fresh cooldown
    conn.close()


def test_frames_carry_the_light_hint(engine: Engine, config: Config, tmp_path: Path) -> None:
    clip = dataset("videos", "1zlab_face.mp4")
    kiosk, conn = pipeline(engine, config, tmp_path)
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 100)
    ok, read = capture.read()
    capture.release()
    assert ok
    image: np.ndarray = np.asarray(read, np.uint8)
    at = EPOCH
    good = kiosk.process(Frame(image, 0, 0.0, at))
    assert good.faces and good.light is LightHint.OK
    dark = kiosk.process(Frame(np.asarray(image * 0.15, np.uint8), 1, 0.1,
                               at + timedelta(seconds=0.1)))
    assert dark.light is LightHint.TOO_DARK
    black = kiosk.process(Frame(np.zeros_like(image), 2, 0.2, at + timedelta(seconds=0.2)))
    assert not black.faces and black.light is LightHint.TOO_DARK
    window = image.copy()
    face = good.faces[0].box
    mask = np.ones(image.shape[:2], bool)
    mask[max(int(face.y - 0.3 * face.h), 0):int(face.y + 1.6 * face.h),
         max(int(face.x - 0.4 * face.w), 0):int(face.x + 1.4 * face.w)] = False
    window[mask] = 255
    window[~mask] = np.asarray(window[~mask] * 0.45, np.uint8)
    backlit = kiosk.process(Frame(window, 3, 0.3, at + timedelta(seconds=0.3)))
    assert backlit.faces and backlit.light is LightHint.BACKLIT
    conn.close()
