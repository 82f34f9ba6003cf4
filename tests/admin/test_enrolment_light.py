"""The enrolment gate warns about a side-lit template and still enrols it."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from turnstile.admin.enrolment import Enroller
from turnstile.cli import main
from turnstile.evaluate.relight import Family, conditions, relight
from turnstile.vision.imageio import read_image
from turnstile.vision.light import LightHint


def test_a_side_lit_photo_is_enrolled_with_a_warning(enroller: Enroller,
                                                     examples: Path) -> None:
    photo = read_image(examples / "obama.jpg")
    frontal = enroller.assess(photo, "obama.jpg")
    assert frontal.face is not None and frontal.light is LightHint.OK and not frontal.warning
    side = relight(photo, frontal.face.face, conditions((Family.SIDE,))[1])
    verdict = enroller.assess(side, "side.jpg")
    assert verdict.face is not None and verdict.rejection is None
    assert verdict.light is LightHint.SIDE_LIT
    assert verdict.face.quality.evenness < 0.5 < frontal.face.quality.evenness
    assert "lit from one side" in verdict.warning and "side.jpg" in verdict.warning
    assert verdict.template().source == "side.jpg"


def test_enroll_command_names_side_lit_photos(enroller: Enroller, examples: Path,
                                              tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    photo = read_image(examples / "obama.jpg")
    frontal = enroller.assess(photo, "obama.jpg")
    assert frontal.face is not None
    side = tmp_path / "side.png"
    cv2.imwrite(str(side), relight(photo, frontal.face.face, conditions((Family.SIDE,))[1]))
    argv = ["enroll", "Barack", str(examples / "obama.jpg"), str(side),
            "--db", str(tmp_path / "g.db"), "--json"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["side_lit"] == ["side.png"]
    assert "side.png: lit from one side" in captured.err
