"""Configuration: one frozen dataclass tree loaded from TOML; unknown keys are an error."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "turnstile"
#: Environment variable that overrides where models are installed and read from.
MODELS_DIR_ENV = "TURNSTILE_MODELS_DIR"
#: Environment variable that overrides where the gallery database lives.
DB_ENV = "TURNSTILE_DB"


class ConfigError(ValueError):
    """The configuration file is unreadable, has an unknown key or a value out of range."""


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


@dataclass(frozen=True)
class ModelsConfig:
    """Where the ONNX models live and which ones are used."""

    #: Folder holding installed models; empty means $TURNSTILE_MODELS_DIR or the user data dir.
    dir: str = ""
    #: Face embedder ONNX file; empty means the installed default (SFace).
    embedder: str = ""
    #: Execution device for the embedder: "auto" (CUDA when present), "cpu" or "cuda".
    device: str = "auto"
    #: onnxruntime intra-op threads; 0 lets onnxruntime decide.
    threads: int = 0
    #: Let onnxruntime's idle pool threads busy-wait for the next run. Off leaves the cores
    #: to OpenCV and the camera between embeddings (measured: benchmarks/README.md).
    spinning: bool = False
    #: What runs the embedder: "onnxruntime"; "opencv" (OpenCV's DNN: CPU, default model
    #: only; a third less CPU per face with OpenCV 5, see benchmarks/README.md); or "auto":
    #: opencv where it applies and OpenCV is 5 or newer, onnxruntime otherwise.
    runtime: str = "auto"
    #: Threads numpy's BLAS may use for 1:N matching (0 keeps the library's default). One
    #: avoids idle BLAS threads spinning after each match on a 2-core kiosk.
    blas_threads: int = 1

    def models_dir(self) -> Path:
        if self.dir:
            return Path(self.dir).expanduser()
        env = os.environ.get(MODELS_DIR_ENV)
        if env:
            return Path(env).expanduser()
        return default_data_dir() / "models"


@dataclass(frozen=True)
class DetectorConfig:
    """YuNet face detector settings."""

    #: Minimum detector confidence (0-1); lower finds more faces and more false ones.
    score_threshold: float = 0.8
    #: Non-maximum-suppression overlap (0-1).
    nms_threshold: float = 0.3
    #: Most faces returned per frame.
    top_k: int = 50
    #: Longest side (pixels) a frame is shrunk to before detection; 0 keeps full size.
    max_side: int = 640
    #: Frames whose longest side is below this (pixels) are enlarged towards it (at most 2x)
    #: before detection: YuNet places the landmarks of small faces more finely on a larger
    #: image (LFW's 250x250 photos at 500x500: TAR at FAR=1e-3 98.57% -> 98.90%, flip off;
    #: benchmarks/README.md). Camera frames are larger and unaffected; 0 never enlarges.
    upscale_to: int = 500
    #: While a face stays in front of the camera, the kiosk detects each next frame shrunk so
    #: that face is about this many pixels (shorter side) in the detector's image, never
    #: below half the usual size; a frame without a face there gets the usual full look.
    #: 112 is the embedder's own crop size, so finer landmarks add nothing the crop keeps
    #: (measured on the clips: benchmarks/README.md). 0 always detects at max_side.
    follow_face_px: int = 112


@dataclass(frozen=True)
class RecognitionConfig:
    """1:N matching thresholds (cosine similarity of L2-normalised embeddings)."""

    #: Similarity at or above which the best match is taken as that person (-1 to 1).
    #: Calibrated for a stranger false-accept rate of 1e-4 per attempt with 100 enrolled
    #: people: `turnstile calibrate --far 1e-4 --gallery-size 100 --images <LFW folder>`
    #: (SFace; mirrored-sum enrolments, single-view searches as the kiosk runs them); see
    #: README "Accuracy and thresholds". Recalibrate for your gallery size.
    threshold: float = 0.57
    #: Minimum lead of the best person's similarity over the runner-up's (0-2); from the same
    #: calibration (the largest margin that refuses at most 1% of otherwise granted people).
    margin: float = 0.2
    #: Also embed the mirrored face and add both embeddings (test-time augmentation) for
    #: enrolment templates, photo identification and evaluation. On by default: on LFW it
    #: raised TAR at FAR=1e-3 from 98.87% to 98.90% and at 1e-4 from 97.77% to 98.03%
    #: (benchmarks/README.md), for one more embedder run per face.
    flip_augment: bool = True
    #: The same for the kiosk's per-frame searches. Off by default: against mirrored-sum
    #: templates a single view scored LFW's strangers no higher (8.9e-7 vs 9.1e-7 of
    #: comparisons over 0.57) and refused 1 point more genuine photos at 0.57, which the
    #: agreement frames absorb, while it halves the embedding time of every frame.
    flip_probe: bool = False


@dataclass(frozen=True)
class CameraConfig:
    """The kiosk's video source."""

    #: Device index ("0"), RTSP/HTTP URL, video file or image folder.
    source: str = "0"
    #: Requested capture size in pixels (0 keeps the camera's default).
    width: int = 640
    height: int = 480
    #: Repeat a file source when it ends.
    loop: bool = False
    #: Seconds between attempts to reopen a lost camera (doubles up to reconnect_max_s).
    reconnect_s: float = 0.5
    reconnect_max_s: float = 10.0
    #: Seconds without a new frame before a camera counts as lost (0.5-60).
    stall_s: float = 3.0
    #: Frames per second at which an image-folder source is played (0.1-120).
    folder_fps: float = 5.0


@dataclass(frozen=True)
class PolicyConfig:
    """When a recognised face opens the door."""

    #: Consecutive agreeing recognitions needed before a decision (1-30). Measured on the four
    #: real clips against 1,004 enrolled people (benchmarks/kiosk_clips.py): 3 agreeing frames
    #: came 0.07-0.08 s after the face appeared; no impostor frame passed threshold and margin,
    #: but the best impostor similarity (0.460, crowd clip) did pass the threshold alone: 3
    #: keeps a single misread frame (blur, a half-turned head) from deciding anything.
    agreement_frames: int = 3
    #: Faces whose shorter side is below this many pixels are ignored (20-1000). Measured by
    #: shrinking the clips' faces: at 40 px YuNet found all of them and 90 % matched their own
    #: enrolment above the threshold (92 % at 64 px); the best impostor was 0.417 (0.407 at
    #: 64 px). Below 40 px detection starts to drop (97.6 % at 32 px).
    min_face_px: int = 40
    #: A second face at least this fraction of the largest one's size means "one at a time".
    crowd_ratio: float = 0.8
    #: Seconds a decided person must be out of sight before they can be decided again (0-600):
    #: one walk-through gives one grant, however long they stand in front of the camera.
    cooldown_s: float = 5.0
    #: While a decided person stays in view, a face overlapping their last box by at least
    #: this intersection-over-union (0-1) in the next frame is taken as them without being
    #: recognised again, so the kiosk does not re-embed a face it has already decided.
    #: 0 recognises every frame. Tracking only ever keeps a decision's cooldown going: it
    #: never grants, and a new person is recognised afresh when the box jumps or at recheck_s.
    track_iou: float = 0.5
    #: A tracked face is recognised again at least this often (seconds, 0.1-60), so a person
    #: who steps into a departing one's place is noticed within this time.
    recheck_s: float = 1.0
    #: Optional region of interest as x, y, w, h in pixels; empty means the whole frame.
    roi: tuple[int, ...] = ()
    #: Access group names this door admits. Empty: this door admits every enrolled, active,
    #: in-schedule person; otherwise only members of at least one of these groups (names
    #: compare case-insensitively).
    allowed_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class DoorConfig:
    """The relay that opens the door."""

    #: "simulated", "serial" or "http".
    kind: str = "simulated"
    #: Seconds the relay stays open per grant.
    pulse_s: float = 1.0
    serial_port: str = ""
    serial_baud: int = 9600
    #: Bytes sent to open / close the relay, written as hex (e.g. "A00101A2").
    serial_open_hex: str = ""
    serial_close_hex: str = ""
    http_url: str = ""
    http_method: str = "POST"
    http_body: str = ""
    http_timeout_s: float = 2.0


@dataclass(frozen=True)
class EventsConfig:
    """The event log."""

    #: Days to keep events; 0 keeps them forever.
    retention_days: int = 90
    #: Store a face thumbnail with each event (off by default for privacy).
    store_thumbnails: bool = False


@dataclass(frozen=True)
class KioskConfig:
    """The full-screen kiosk screen."""

    #: Seconds a result stays on screen before returning to idle.
    result_s: float = 3.0
    fullscreen: bool = True
    #: Play a sound per outcome.
    sounds: bool = False


@dataclass(frozen=True)
class LivenessConfig:
    """Presentation-attack detection: a face that fails it gets the outcome SPOOF."""

    #: Model-free motion check (parallax of the face, surroundings that move with it).
    motion: bool = True
    #: Seconds between the two frames of each compared pair (0.1-2).
    gap_s: float = 0.4
    #: Seconds of frame pairs a verdict rests on (0.3-5).
    window_s: float = 1.0
    #: Frame pairs with enough face motion needed before any verdict (2-60).
    min_pairs: int = 5
    #: Faces smaller than this (pixels, shorter side) are never called live by the motion
    #: check: their tracking noise mimics parallax; the kiosk asks the person to come closer.
    motion_min_face_px: int = 100
    #: Face motion per pair, in face sizes, below which a pair cannot show a picture moving
    #: (the SPOOF rules) and counts as this much in the parallax ratio (0-1).
    min_motion: float = 0.025
    #: Face motion per pair, in face sizes, below which a pair is never evidence of a live
    #: head (0-1; talking and small turns show parallax below `min_motion`).
    evidence_motion: float = 0.02
    #: Frame pairs of the window that must each show a live head's parallax (2-60).
    live_pairs: int = 5
    #: Share of tracks around the face that move with it, at or above which a pair is no
    #: evidence of a live head, and which the window's median must stay below for LIVE (0-1).
    live_ring_follow: float = 0.3
    #: Tracking noise of the planarity residual, in face sizes, subtracted before the ratio.
    noise_floor: float = 0.0015
    #: Planarity residual, in face sizes, a pair must reach to be evidence of a live head,
    #: times the face's enlargement to the working size (0-1).
    live_planarity: float = 0.0025
    #: Parallax per unit of face motion at or above which a pair is evidence of a live
    #: head (0-1).
    live_parallax: float = 0.04
    #: Share of a pair's planarity residual that must form a smooth field over the face, above
    #: chance, for the pair to be evidence of a live head (0-1; 0 switches the test off): a
    #: head's parallax is smooth, a blurred or noisy print's residual is scattered.
    live_structure: float = 0.3
    #: Parallax per unit of motion below which a strongly moving face is a flat picture (0-1).
    planar_parallax: float = 0.012
    #: Median face motion per pair, in face sizes, that makes low parallax a spoof (0-1).
    spoof_motion: float = 0.06
    #: Share of tracks around the face that move with it, at or above which the
    #: surroundings belong to a held picture (0-1).
    ring_follow: float = 0.6
    #: Active challenge: ask the person to turn their head to a random side.
    challenge: bool = False
    #: Yaw change in degrees the challenge needs toward the asked side (5-60).
    challenge_yaw_deg: float = 15.0
    #: Seconds the person has to complete the challenge (1-30).
    challenge_timeout_s: float = 6.0
    #: Embedding similarity to the face at the start below which the identity changed (-1-1).
    challenge_min_similarity: float = 0.5
    #: Passive ONNX model from `turnstile train-liveness`; empty means none.
    passive_model: str = ""
    #: Passive model live score (0-1) below which a face is a spoof.
    passive_threshold: float = 0.5


@dataclass(frozen=True)
class EnrolmentConfig:
    """The quality gate every enrolled template passes (stricter than the kiosk's)."""

    #: Faces whose shorter side is below this many pixels are "too far" / "too small".
    min_face_px: int = 80
    #: Live only: a face whose shorter side exceeds this fraction of the frame's is "too close".
    max_face_fraction: float = 0.75
    #: Variance of the Laplacian on the aligned crop below which the face is "blurred"
    #: (measured: a sharp photo gives 500-5000, Gaussian blur sigma 3 gives about 80).
    min_sharpness: float = 100.0
    #: Mean grey level (0-255) of the aligned crop outside this range is too dark / too bright.
    min_brightness: float = 50.0
    max_brightness: float = 210.0
    #: Largest head yaw / pitch in degrees accepted for any template.
    max_yaw: float = 35.0
    max_pitch: float = 30.0
    #: Live: |yaw| at or below this many degrees counts as looking straight.
    straight_yaw: float = 10.0
    #: Live: yaw of at least this many degrees counts as "turned a little" to one side.
    turn_yaw: float = 15.0
    #: Live: straight shots taken automatically (1-10), then this many per side (0-5).
    straight_shots: int = 3
    turn_shots: int = 1
    #: Live: seconds between two automatic shots, so they are not the same frame twice.
    shot_interval_s: float = 0.4


@dataclass(frozen=True)
class AdminConfig:
    """The admin panel's accounts and sessions."""

    #: Seconds without input after which the panel locks itself (0 never locks).
    lock_after_s: float = 300.0
    #: Failed logins allowed before the account name is locked out.
    max_failed_logins: int = 3
    #: First lockout in seconds; it doubles with every further failure up to lockout_max_s.
    lockout_s: float = 30.0
    lockout_max_s: float = 900.0
    #: Shortest accepted password, in characters.
    min_password_length: int = 8
    #: Failed sign-ins of all names together, within global_window_s, after which every
    #: further attempt waits global_delay_s after the last failure (guessing many names).
    global_failed_logins: int = 10
    global_window_s: float = 600.0
    global_delay_s: float = 10.0
    #: Days the audit log keeps its entries (0 keeps them for ever).
    audit_retention_days: float = 730.0


@dataclass(frozen=True)
class Config:
    """Everything Turnstile can be told; every section has safe defaults."""

    #: Gallery database file; empty means $TURNSTILE_DB or the user data dir.
    database: str = ""
    models: ModelsConfig = field(default_factory=ModelsConfig)
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    recognition: RecognitionConfig = field(default_factory=RecognitionConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    door: DoorConfig = field(default_factory=DoorConfig)
    events: EventsConfig = field(default_factory=EventsConfig)
    kiosk: KioskConfig = field(default_factory=KioskConfig)
    liveness: LivenessConfig = field(default_factory=LivenessConfig)
    enrolment: EnrolmentConfig = field(default_factory=EnrolmentConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)

    def database_path(self) -> Path:
        if self.database:
            return Path(self.database).expanduser()
        env = os.environ.get(DB_ENV)
        if env:
            return Path(env).expanduser()
        return default_data_dir() / "turnstile.db"


def load(path: Path | None) -> Config:
    """Load a config file; None or a missing default file gives the defaults."""
    if path is None:
        default = default_config_path()
        if not default.exists():
            return Config()
        path = default
    try:
        with open(path, "rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    return from_dict(table, source=str(path))


def from_dict(table: dict[str, Any], source: str = "config") -> Config:
    config: Config = _build(Config, table, source)
    validate(config)
    return config


def _build(cls: type[Any], table: dict[str, Any], where: str) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(known)}")
    values: dict[str, Any] = {}
    for name, value in table.items():
        values[name] = _coerce(hints[name], value, f"{where}.{name}")
    return cls(**values)


def _coerce(hint: Any, value: Any, where: str) -> Any:
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a table")
        return _build(hint, value, where)
    origin = typing.get_origin(hint)
    if origin is tuple:
        return _coerce_tuple(hint, value, where)
    if origin in (types.UnionType, typing.Union):
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}")
        return value
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is str and isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    raise ConfigError(f"{where} must be of type {getattr(hint, '__name__', hint)}, not {value!r}")


def _coerce_tuple(hint: Any, value: Any, where: str) -> tuple[Any, ...]:
    """A TOML list into a homogeneous tuple (tuple[int, ...] or tuple[str, ...])."""
    element = typing.get_args(hint)[0]
    # bool is an int subclass: `true` is not a pixel count.
    ok = isinstance(value, list) and all(
        isinstance(v, element) and not isinstance(v, bool) for v in value)
    if not ok:
        kind = {int: "integers", str: "strings"}.get(element, element.__name__)
        raise ConfigError(f"{where} must be a list of {kind}, not {value!r}")
    return tuple(value)


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def _between(section: object, prefix: str, **bounds: tuple[float, float]) -> None:
    """Each named field of `section` must lie in its closed range [low, high]."""
    for name, (low, high) in bounds.items():
        _check(low <= getattr(section, name) <= high,
               f"{prefix}.{name} must be between {low:g} and {high:g}")


def validate(config: Config) -> None:
    """Reject values outside their documented range (a typo must not weaken security)."""
    rec, pol, det = config.recognition, config.policy, config.detector
    _between(rec, "recognition", threshold=(-1.0, 1.0), margin=(0.0, 2.0))
    _check(0.0 < det.score_threshold < 1.0, "detector.score_threshold must be between 0 and 1")
    _check(0.0 < det.nms_threshold < 1.0, "detector.nms_threshold must be between 0 and 1")
    _check(det.top_k >= 1, "detector.top_k must be at least 1")
    _check(det.max_side == 0 or det.max_side >= 160, "detector.max_side must be 0 or >= 160")
    _check(det.follow_face_px == 0 or det.follow_face_px >= 40,
           "detector.follow_face_px must be 0 or at least 40")
    _check(det.upscale_to == 0 or 160 <= det.upscale_to <= (det.max_side or det.upscale_to),
           "detector.upscale_to must be 0 or between 160 and detector.max_side")
    _between(pol, "policy", agreement_frames=(1, 30), track_iou=(0.0, 1.0),
             recheck_s=(0.1, 60.0))
    _check(pol.min_face_px >= 20, "policy.min_face_px must be at least 20")
    _check(0.0 < pol.crowd_ratio <= 1.0, "policy.crowd_ratio must be in (0, 1]")
    _check(pol.cooldown_s >= 0.0, "policy.cooldown_s must not be negative")
    _check(len(pol.roi) in (0, 4), "policy.roi must be empty or [x, y, w, h]")
    _check(all(g.strip() for g in pol.allowed_groups),
           "policy.allowed_groups must not contain an empty name")
    _check(config.models.device in ("auto", "cpu", "cuda"),
           "models.device must be auto, cpu or cuda")
    _check(config.models.threads >= 0, "models.threads must not be negative")
    _check(config.models.blas_threads >= 0, "models.blas_threads must not be negative")
    _check(config.models.runtime in ("auto", "onnxruntime", "opencv"),
           "models.runtime must be auto, onnxruntime or opencv")
    _check(config.door.kind in ("simulated", "serial", "http"),
           "door.kind must be simulated, serial or http")
    _check(0.0 < config.door.pulse_s <= 30.0, "door.pulse_s must be in (0, 30]")
    _check(config.events.retention_days >= 0, "events.retention_days must not be negative")
    _check(config.kiosk.result_s > 0.0, "kiosk.result_s must be positive")
    _validate_kiosk(config)
    _validate_admin(config)
    _validate_liveness(config.liveness)


def _validate_kiosk(config: Config) -> None:
    cam, pol = config.camera, config.policy
    _between(cam, "camera", stall_s=(0.5, 60.0), folder_fps=(0.1, 120.0))
    _check(0.0 < cam.reconnect_s <= cam.reconnect_max_s,
           "camera.reconnect_s must be positive and at most camera.reconnect_max_s")
    _check(pol.cooldown_s <= 600.0, "policy.cooldown_s must be at most 600")
    _check(pol.min_face_px <= 1000, "policy.min_face_px must be at most 1000")


def _validate_admin(config: Config) -> None:
    enr, adm = config.enrolment, config.admin
    _check(enr.min_face_px >= 20, "enrolment.min_face_px must be at least 20")
    _check(0.0 < enr.max_face_fraction <= 1.0, "enrolment.max_face_fraction must be in (0, 1]")
    _check(enr.min_sharpness >= 0.0, "enrolment.min_sharpness must not be negative")
    _check(0.0 <= enr.min_brightness < enr.max_brightness <= 255.0,
           "enrolment brightness range must satisfy 0 <= min < max <= 255")
    _check(0.0 < enr.max_yaw <= 90.0, "enrolment.max_yaw must be in (0, 90]")
    _check(0.0 < enr.max_pitch <= 90.0, "enrolment.max_pitch must be in (0, 90]")
    _check(0.0 <= enr.straight_yaw < enr.turn_yaw <= enr.max_yaw,
           "enrolment yaws must satisfy 0 <= straight_yaw < turn_yaw <= max_yaw")
    _between(enr, "enrolment", straight_shots=(1, 10), turn_shots=(0, 5))
    _check(enr.shot_interval_s >= 0.0, "enrolment.shot_interval_s must not be negative")
    _check(adm.lock_after_s >= 0.0, "admin.lock_after_s must not be negative")
    _check(adm.max_failed_logins >= 1, "admin.max_failed_logins must be at least 1")
    _check(0.0 < adm.lockout_s <= adm.lockout_max_s,
           "admin lockout must satisfy 0 < lockout_s <= lockout_max_s")
    _check(adm.min_password_length >= 8, "admin.min_password_length must be at least 8")
    _check(adm.global_failed_logins >= 1 and adm.global_window_s > 0
           and adm.global_delay_s > 0, "admin global sign-in throttle values must be positive")
    _check(adm.audit_retention_days >= 0, "admin.audit_retention_days must not be negative")


def _validate_liveness(live: LivenessConfig) -> None:
    unit = (0.0, 1.0)
    _between(live, "liveness", gap_s=(0.1, 2.0), window_s=(0.3, 5.0), min_pairs=(2, 60),
             live_pairs=(2, 60), min_motion=unit, evidence_motion=unit, noise_floor=unit,
             live_planarity=unit, live_parallax=unit, live_structure=unit,
             planar_parallax=unit, spoof_motion=unit, challenge_yaw_deg=(5.0, 60.0),
             challenge_timeout_s=(1.0, 30.0), challenge_min_similarity=(-1.0, 1.0),
             passive_threshold=unit)
    _check(live.motion_min_face_px >= 20, "liveness.motion_min_face_px must be at least 20")
    _check(live.planar_parallax <= live.live_parallax,
           "liveness.planar_parallax must not exceed liveness.live_parallax")
    _check(0.0 < live.ring_follow <= 1.0, "liveness.ring_follow must be in (0, 1]")
    _check(0.0 < live.live_ring_follow <= live.ring_follow,
           "liveness.live_ring_follow must be in (0, ring_follow]")
