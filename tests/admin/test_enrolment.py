"""Enrolment: the quality gate on real photos, guidance, live shots and duplicates."""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np
import pytest

from turnstile.admin.enrolment import (
    Enroller,
    Guidance,
    LiveEnrolment,
    Pose,
    Rejection,
    gate,
)
from turnstile.admin.people import PeopleAdmin
from turnstile.config import EnrolmentConfig
from turnstile.types import Box, Face, Quality
from turnstile.vision.engine import FaceResult
from turnstile.vision.imageio import read_image


def test_good_photo_is_accepted(enroller: Enroller, examples: Path) -> None:
    verdict = enroller.assess_file(examples / "obama.jpg")
    assert verdict.face is not None and verdict.rejection is None
    assert verdict.template().thumbnail


def test_rejections_have_reasons(enroller: Enroller, examples: Path, tmp_path: Path) -> None:
    several = enroller.assess_file(examples / "two_people.jpg")
    assert several.rejection is Rejection.SEVERAL_FACES and "(2)" in several.detail
    # The lower half of a real portrait: clothes, no face.
    no_face = enroller.assess(read_image(examples / "biden.jpg")[1200:], "crop")
    assert no_face.rejection is Rejection.NO_FACE
    small = enroller.assess_file(examples / "obama-240p.jpg")
    assert small.rejection is Rejection.TOO_SMALL and "px" in small.detail
    blurred = np.asarray(cv2.GaussianBlur(read_image(examples / "obama.jpg"), (0, 0), 4),
                         dtype=np.uint8)
    assert enroller.assess(blurred).rejection is Rejection.BLURRED
    dark = np.asarray(read_image(examples / "obama.jpg") * 0.2, dtype=np.uint8)
    assert enroller.assess(dark).rejection is Rejection.TOO_DARK
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    assert enroller.assess_file(broken).rejection is Rejection.UNREADABLE


def test_duplicate_names_the_person_and_similarity(enroller: Enroller, people: PeopleAdmin,
                                                   examples: Path) -> None:
    first = enroller.assess_file(examples / "obama.jpg")
    people.enrol("Barack Obama", "E1", [first.template()], consent=True)
    again = enroller.assess_file(examples / "obama2.jpg")
    assert again.face is not None
    duplicate = enroller.duplicate([again.face.embedding])
    assert duplicate is not None and duplicate.name == "Barack Obama"
    assert duplicate.similarity >= enroller.config.recognition.threshold
    other = enroller.assess_file(examples / "biden.jpg")
    assert other.face is not None and enroller.duplicate([other.face.embedding]) is None
    # Adding to the same person is not a duplicate of someone else.
    assert enroller.duplicate([again.face.embedding], exclude=duplicate.person_id) is None


def _face(yaw: float, size: float = 150.0, sharp: float = 500.0,
          bright: float = 120.0) -> FaceResult:
    face = Face(Box(100, 100, size, size), ((0, 0),) * 5, 0.9)
    crop = np.zeros((112, 112, 3), np.uint8)
    return FaceResult(face, Quality(size, sharp, bright, yaw, 10.0),
                      np.ones(128, np.float32), crop)


def test_gate_guidance_order() -> None:
    config = EnrolmentConfig()
    frame = (640, 480)
    assert gate([], config, frame) is Guidance.NO_FACE
    assert gate([_face(0), _face(0)], config, frame) is Guidance.SEVERAL_FACES
    assert gate([_face(0, size=50)], config, frame) is Guidance.TOO_FAR
    assert gate([_face(0, size=400)], config, frame) is Guidance.TOO_CLOSE
    assert gate([_face(0, size=400)], config) is Guidance.OK  # photos may be tight crops
    assert gate([_face(0, bright=20)], config, frame) is Guidance.TOO_DARK
    assert gate([_face(0, bright=240)], config, frame) is Guidance.TOO_BRIGHT
    assert gate([_face(0, sharp=20)], config, frame) is Guidance.BLURRED
    assert gate([_face(60)], config, frame) is Guidance.LOOK_STRAIGHT
    assert gate([_face(0)], config, frame) is Guidance.OK
    assert Guidance.TOO_FAR.message == "Come a little closer"


def test_live_plan_straight_then_left_then_right() -> None:
    live = LiveEnrolment(EnrolmentConfig(straight_shots=2, turn_shots=1, shot_interval_s=0.5))
    frame = (640, 480)
    assert live.feed([_face(0, size=40)], frame, 0.0).guidance is Guidance.TOO_FAR
    assert live.feed([_face(0)], frame, 0.1).took_shot
    assert not live.feed([_face(0)], frame, 0.2).took_shot  # too soon after the last shot
    step = live.feed([_face(1)], frame, 0.7)
    assert step.took_shot and step.guidance is Guidance.TURN_LEFT and live.can_finish
    assert live.feed([_face(0)], frame, 1.5).guidance is Guidance.TURN_LEFT
    assert live.feed([_face(-20)], frame, 2.0).guidance is Guidance.TURN_LEFT
    step = live.feed([_face(20)], frame, 2.5)
    assert step.took_shot and step.guidance is Guidance.TURN_RIGHT
    step = live.feed([_face(-20)], frame, 3.0)
    assert step.took_shot and step.done and step.captured == step.planned == 4
    assert [s.pose for s in live.shots] == [Pose.STRAIGHT, Pose.STRAIGHT, Pose.LEFT, Pose.RIGHT]
    assert live.feed([_face(0)], frame, 4.0).done
    assert [t.source for t in live.templates()][-1] == "live-right-4"


@pytest.mark.slow
def test_live_enrolment_from_a_video_file(engine: object, enroller: Enroller) -> None:
    from tests.conftest import dataset
    from turnstile.admin.source import CameraFrames
    from turnstile.config import CameraConfig

    source = CameraFrames.open(str(dataset("videos", "evm_mit_face.mp4")), CameraConfig(),
                               pace=False)
    live = LiveEnrolment(EnrolmentConfig(turn_shots=0))
    steps = []
    while (frame := source.read()) is not None and not live.can_finish:
        results = enroller.engine.analyze(frame)
        steps.append(live.feed(results, (frame.shape[1], frame.shape[0]), source.position_s))
    source.close()
    assert live.can_finish and steps[-1].done
    times = [s.at for s in live.shots]
    assert all(b - a >= 0.4 for a, b in itertools.pairwise(times))


def test_duplicate_behind_the_excluded_person_is_found(enroller: Enroller, people: PeopleAdmin,
                                                       examples: Path) -> None:
    """Adding photos to A that look like B: B must be named even though A matches best."""
    obama = enroller.assess_file(examples / "obama.jpg").template()
    first = people.enrol("Obama", None, [obama], consent=True)
    second = people.enrol("Obama twin", None, [obama], consent=True)
    probe = enroller.assess_file(examples / "obama2.jpg").face
    assert probe is not None
    found = enroller.duplicate([probe.embedding], exclude=first.id)
    assert found is not None and found.person_id == second.id
    found = enroller.duplicate([probe.embedding], exclude=second.id)
    assert found is not None and found.person_id == first.id
