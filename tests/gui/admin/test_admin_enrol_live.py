"""Live enrolment with a real video file standing in for the camera."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import dataset
from turnstile.admin.context import AdminContext
from turnstile.admin.enrolment import Guidance
from turnstile.admin.source import CameraFrames
from turnstile.config import CameraConfig
from turnstile.gui.admin.enrol import EnrolPage
from turnstile.types import Image
from turnstile.vision.engine import FaceResult


@pytest.mark.slow
def test_live_enrolment_from_a_video(qtbot: QtBot, context: AdminContext) -> None:
    video = dataset("videos", "evm_mit_face.mp4")
    sources: list[CameraFrames] = []

    def open_source() -> CameraFrames:
        sources.append(CameraFrames.open(str(video), CameraConfig(), pace=False))
        return sources[-1]

    # The video's own timestamps are the clock, so the run does not depend on CPU speed.
    page = EnrolPage(context.enroller, context.people("alice"), open_source,
                     clock=lambda: sources[-1].position_s)
    qtbot.addWidget(page)
    page.show()
    page.name.setText("Face In The Clip")
    page.employee_id.setText("V-1")
    page.consent.setChecked(True)
    page.start_button.click()
    assert page.camera_running
    qtbot.waitUntil(lambda: page.live.can_finish, timeout=60_000)
    assert page.video.pixmap() is not None and not page.video.pixmap().isNull()
    # The person in this clip looks straight ahead: the panel now asks for a turn.
    qtbot.waitUntil(lambda: page.guidance.text() == Guidance.TURN_LEFT.message, timeout=10_000)
    assert page.progress.value() == 3
    person = page.save(confirmed=False)
    assert person is not None and person.templates == 3
    assert not page.camera_running
    sources_used = {t.source for t in context.store.templates.of(person.id)}
    assert sources_used == {"live-straight-1", "live-straight-2", "live-straight-3"}


def test_camera_that_cannot_open_is_reported(qtbot: QtBot, context: AdminContext) -> None:
    page = EnrolPage(context.enroller, context.people("alice"),
                     lambda: CameraFrames.open("no-such-video.mp4", CameraConfig()))
    qtbot.addWidget(page)
    page.start_button.click()
    assert not page.camera_running
    assert "no-such-video.mp4" in page.message.text()


class FirstFrames:
    """The first `count` frames of a real video, then the end: a camera that stops."""

    def __init__(self, source: CameraFrames, count: int) -> None:
        self._source, self._left = source, count

    def read(self) -> Image | None:
        self._left -= 1
        return self._source.read() if self._left >= 0 else None

    def close(self) -> None:
        self._source.close()


def test_video_end_stops_the_camera(qtbot: QtBot, context: AdminContext) -> None:
    video = dataset("videos", "evm_mit_face.mp4")
    page = EnrolPage(context.enroller, context.people("alice"),
                     lambda: FirstFrames(CameraFrames.open(str(video), CameraConfig(),
                                                           pace=False), 3),
                     clock=lambda: 0.0)  # a frozen clock: one shot, the others are too soon
    qtbot.addWidget(page)
    page.start_button.click()
    qtbot.waitUntil(lambda: not page.camera_running, timeout=10_000)
    assert "stopped delivering" in page.guidance.text()
    assert len(page.live.shots) == 1 and not page.live.can_finish


def test_camera_and_detector_run_off_the_ui_thread(qtbot: QtBot, context: AdminContext,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    engine = context.enroller.engine
    analyse = engine.analyze
    threads: set[int] = set()

    def recording(image: Image) -> list[FaceResult]:
        threads.add(threading.get_ident())
        return analyse(image)

    monkeypatch.setattr(engine, "analyze", recording)
    video = dataset("videos", "evm_mit_face.mp4")
    page = EnrolPage(context.enroller, context.people("alice"),
                     lambda: CameraFrames.open(str(video), CameraConfig(), pace=True))
    qtbot.addWidget(page)
    page.show()
    page.start_button.click()
    assert not page.photos_button.isEnabled()  # one detector, one thread at a time
    qtbot.waitUntil(lambda: page.video.pixmap() is not None and not page.video.pixmap().isNull(),
                    timeout=20_000)
    page.stop_camera()
    assert threads and threading.get_ident() not in threads
    # Stopped: no frozen picture of the last person, photos may be added again.
    assert page.video.pixmap().isNull() and page.video.text() == "camera off"
    assert page.photos_button.isEnabled()
