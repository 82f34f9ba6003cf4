"""The enrolment gate warns about a side-lit template and still enrols it."""

from __future__ import annotations

from pathlib import Path

from turnstile.admin.enrolment import Enroller
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
