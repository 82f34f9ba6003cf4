"""Enrolment quality gate, live guidance with automatic shots, and the 1:N duplicate check."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from turnstile.config import Config, EnrolmentConfig
from turnstile.store.gallery import Gallery
from turnstile.store.records import NewTemplate, StoreError
from turnstile.types import Embedding, Image
from turnstile.vision.engine import Engine, FaceResult, thumbnail_jpeg
from turnstile.vision.imageio import ImageError, read_image
from turnstile.vision.light import LightHint


class Guidance(enum.Enum):
    """What the person in front of the camera should do next (or why a photo fails)."""

    OK = "ok"
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    TOO_FAR = "too_far"
    TOO_CLOSE = "too_close"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    BLURRED = "blurred"
    LOOK_STRAIGHT = "look_straight"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    DONE = "done"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    Guidance.OK: "Hold still",
    Guidance.NO_FACE: "Please look at the camera",
    Guidance.SEVERAL_FACES: "One person at a time, please",
    Guidance.TOO_FAR: "Come a little closer",
    Guidance.TOO_CLOSE: "Step back a little",
    Guidance.TOO_DARK: "Too dark: more light on the face, please",
    Guidance.TOO_BRIGHT: "Too bright: avoid direct light on the face",
    Guidance.BLURRED: "Blurred: hold still",
    Guidance.LOOK_STRAIGHT: "Look straight at the camera",
    Guidance.TURN_LEFT: "Now turn your head a little to your left",
    Guidance.TURN_RIGHT: "Now turn your head a little to your right",
    Guidance.DONE: "Done, thank you",
}


class Rejection(enum.Enum):
    """Why a photo was not enrolled (the reasons listed after an import)."""

    UNREADABLE = "unreadable image"
    NO_FACE = "no face"
    SEVERAL_FACES = "several faces"
    TOO_SMALL = "too small"
    BLURRED = "blurred"
    TOO_DARK = "too dark"
    TOO_BRIGHT = "too bright"
    POSE = "not facing the camera"
    DUPLICATE = "duplicate"
    NOT_SAVED = "not saved"


_REJECTIONS = {
    Guidance.NO_FACE: Rejection.NO_FACE, Guidance.SEVERAL_FACES: Rejection.SEVERAL_FACES,
    Guidance.TOO_FAR: Rejection.TOO_SMALL, Guidance.BLURRED: Rejection.BLURRED,
    Guidance.TOO_DARK: Rejection.TOO_DARK, Guidance.TOO_BRIGHT: Rejection.TOO_BRIGHT,
    Guidance.LOOK_STRAIGHT: Rejection.POSE,
}


def gate(results: Sequence[FaceResult], config: EnrolmentConfig,
         frame_size: tuple[int, int] | None = None) -> Guidance:
    """OK when exactly one face passes every measure; otherwise the first thing to fix.

    `frame_size` (width, height) is given for live frames only: a photo's face may fill it.
    """
    if not results:
        return Guidance.NO_FACE
    if len(results) > 1:
        return Guidance.SEVERAL_FACES
    quality = results[0].quality
    if quality.face_size < config.min_face_px:
        return Guidance.TOO_FAR
    if frame_size and quality.face_size > config.max_face_fraction * min(frame_size):
        return Guidance.TOO_CLOSE
    if quality.brightness < config.min_brightness:
        return Guidance.TOO_DARK
    if quality.brightness > config.max_brightness:
        return Guidance.TOO_BRIGHT
    if quality.sharpness < config.min_sharpness:
        return Guidance.BLURRED
    if abs(quality.yaw) > config.max_yaw or abs(quality.pitch) > config.max_pitch:
        return Guidance.LOOK_STRAIGHT
    return Guidance.OK


def light_warning(face: FaceResult, config: EnrolmentConfig) -> LightHint:
    """SIDE_LIT when an accepted face is lit from one side: it is enrolled, but a template lit
    from the front matches every light best (a side-lit one matches the other side badly)."""
    if face.quality.evenness < config.side_lit_ratio:
        return LightHint.SIDE_LIT
    return LightHint.OK


@dataclass(frozen=True)
class Assessment:
    """A photo's verdict: the accepted face, or the rejection with a readable detail."""

    source: str
    face: FaceResult | None
    rejection: Rejection | None = None
    detail: str = ""
    #: A warning about an accepted face's light (SIDE_LIT), OK otherwise.
    light: LightHint = LightHint.OK

    @property
    def warning(self) -> str:
        """The light warning in words, empty when there is none."""
        if self.light is LightHint.SIDE_LIT:
            return (f"{self.source}: lit from one side; a photo lit from the front "
                    "matches better")
        return ""

    def template(self) -> NewTemplate:
        if self.face is None:
            raise ValueError(f"{self.source} was rejected: {self.detail}")
        return to_template(self.face, self.source)


def to_template(face: FaceResult, source: str) -> NewTemplate:
    return NewTemplate(face.embedding, source, face.quality.sharpness,
                       thumbnail_jpeg(face.aligned))


class DuplicateFaceError(StoreError):
    """The face matches someone already enrolled under another name (nothing was saved)."""


@dataclass(frozen=True)
class Duplicate:
    """An enrolled person the new face already matches, and how closely."""

    person_id: int
    name: str
    similarity: float


class Enroller:
    """Applies the quality gate to photos and checks new faces against the gallery."""

    def __init__(self, engine: Engine, gallery: Gallery, config: Config) -> None:
        self.engine = engine
        self.gallery = gallery
        self.config = config

    def assess(self, image: Image, source: str = "image") -> Assessment:
        results = self.engine.analyze(image)
        verdict = gate(results, self.config.enrolment)
        if verdict is Guidance.OK:
            face = results[0]
            return Assessment(source, face, light=light_warning(face, self.config.enrolment))
        rejection = _REJECTIONS[verdict]
        detail = rejection.value
        if verdict is Guidance.SEVERAL_FACES:
            detail = f"several faces ({len(results)})"
        elif results:
            detail = f"{rejection.value} ({_describe(results[0], verdict)})"
        return Assessment(source, None, rejection, detail)

    def assess_file(self, path: Path) -> Assessment:
        try:
            image = read_image(path)
        except ImageError as exc:
            return Assessment(path.name, None, Rejection.UNREADABLE, str(exc))
        return self.assess(image, path.name)

    def duplicate(self, embeddings: Sequence[Embedding],
                  exclude: int | None = None) -> Duplicate | None:
        """The enrolled person (other than `exclude`) most similar to any of the faces,
        when at or above the recognition threshold: the kiosk would take them for that one."""
        return best_person(self.gallery, embeddings, exclude,
                           floor=self.config.recognition.threshold)


def _describe(face: FaceResult, verdict: Guidance) -> str:
    q = face.quality
    if verdict is Guidance.TOO_FAR:
        return f"face {q.face_size:.0f} px"
    if verdict is Guidance.BLURRED:
        return f"sharpness {q.sharpness:.0f}"
    if verdict in (Guidance.TOO_DARK, Guidance.TOO_BRIGHT):
        return f"brightness {q.brightness:.0f}"
    return f"yaw {q.yaw:.0f}, pitch {q.pitch:.0f} degrees"


def best_person(gallery: Gallery, embeddings: Sequence[Embedding], exclude: int | None = None,
                floor: float = -1.0) -> Duplicate | None:
    """Most similar enrolled person other than `exclude`, when at least `floor` similar
    (the gallery's matcher answers; the database is not searched a second way)."""
    best: Duplicate | None = None
    for embedding in embeddings:
        found = gallery.nearest(embedding, exclude)
        if found is not None and found.person_id is not None and found.similarity >= floor \
                and (best is None or found.similarity > best.similarity):
            best = Duplicate(found.person_id, found.name or "", found.similarity)
    return best


class Pose(enum.Enum):
    STRAIGHT = "straight"
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True)
class Shot:
    """One automatically taken enrolment shot."""

    face: FaceResult
    pose: Pose
    at: float


@dataclass(frozen=True)
class LiveStep:
    """The feedback for one live frame."""

    guidance: Guidance
    face: FaceResult | None
    captured: int
    planned: int
    took_shot: bool

    @property
    def done(self) -> bool:
        return self.guidance is Guidance.DONE


class LiveEnrolment:
    """Turns live frames into guidance and takes a shot whenever a frame passes the gate.

    The plan is `straight_shots` looking straight, then `turn_shots` with the head turned a
    little to the person's left and as many to the right. Yaw is positive when the nose
    points to the image's right, which is the person's own left (the camera faces them).
    """

    def __init__(self, config: EnrolmentConfig) -> None:
        self._config = config
        self._plan = ([Pose.STRAIGHT] * config.straight_shots + [Pose.LEFT] * config.turn_shots
                      + [Pose.RIGHT] * config.turn_shots)
        self.shots: list[Shot] = []

    @property
    def planned(self) -> int:
        return len(self._plan)

    @property
    def can_finish(self) -> bool:
        """Enough straight shots to enrol even if the person cannot turn."""
        return sum(s.pose is Pose.STRAIGHT for s in self.shots) >= self._config.straight_shots

    def feed(self, results: Sequence[FaceResult], frame_size: tuple[int, int],
             at: float) -> LiveStep:
        """Guidance for the frame seen at `at` seconds; takes a shot when it is right."""
        face = results[0] if len(results) == 1 else None
        if len(self.shots) >= len(self._plan):
            return self._step(Guidance.DONE, face, False)
        verdict = gate(results, self._config, frame_size)
        if verdict is not Guidance.OK or face is None:
            return self._step(verdict, face, False)
        wanted = self._plan[len(self.shots)]
        pose = self._pose(face.quality.yaw)
        if pose is not wanted:
            return self._step(_ASK[wanted], face, False)
        if self.shots and at - self.shots[-1].at < self._config.shot_interval_s:
            return self._step(Guidance.OK, face, False)
        self.shots.append(Shot(face, pose, at))
        done = len(self.shots) >= len(self._plan)
        return self._step(Guidance.DONE if done else self._next_guidance(), face, True)

    def _pose(self, yaw: float) -> Pose | None:
        if abs(yaw) <= self._config.straight_yaw:
            return Pose.STRAIGHT
        if yaw >= self._config.turn_yaw:
            return Pose.LEFT
        if yaw <= -self._config.turn_yaw:
            return Pose.RIGHT
        return None

    def _next_guidance(self) -> Guidance:
        return _ASK[self._plan[len(self.shots)]] if self._plan[len(self.shots)] is not \
            Pose.STRAIGHT else Guidance.OK

    def _step(self, guidance: Guidance, face: FaceResult | None, took: bool) -> LiveStep:
        return LiveStep(guidance, face, len(self.shots), len(self._plan), took)

    def templates(self) -> list[NewTemplate]:
        return [to_template(s.face, f"live-{s.pose.value}-{i + 1}")
                for i, s in enumerate(self.shots)]


_ASK = {Pose.STRAIGHT: Guidance.LOOK_STRAIGHT, Pose.LEFT: Guidance.TURN_LEFT,
        Pose.RIGHT: Guidance.TURN_RIGHT}
