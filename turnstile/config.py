"""Configuration: one validated, frozen schema (pydantic) loaded from TOML.

Every range, choice and cross-field rule lives here; the settings page, `turnstile config`,
the generated reference (docs/config.md) and every error message derive from it. Unknown keys,
wrong types, inf/NaN and out-of-range values are errors that name the key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from turnstile.configlinks import MqttConfig, OsdpConfig, PassesConfig, PinConfig, WebhookConfig
from turnstile.configmeta import ConfigError, Section, describe, num, replace, text

__all__ = ["APP_NAME", "DB_ENV", "MODELS_DIR_ENV", "AdminConfig", "CameraConfig", "CentralConfig",
           "Config",
           "ConfigError", "DetectorConfig", "DoorConfig", "EnrolmentConfig", "EventsConfig",
           "KioskConfig", "LivenessConfig", "ModelsConfig", "PolicyConfig", "RecognitionConfig",
           "default_config_path", "default_data_dir", "from_dict", "load", "replace"]

APP_NAME = "turnstile"
#: Environment variable that overrides where models are installed and read from.
MODELS_DIR_ENV = "TURNSTILE_MODELS_DIR"
#: Environment variable that overrides where the gallery database lives.
DB_ENV = "TURNSTILE_DB"

Device = Literal["auto", "cpu", "cuda"]
Runtime = Literal["auto", "onnxruntime", "opencv"]
DoorKind = Literal["simulated", "serial", "http", "osdp"]
HttpMethod = Literal["POST", "PUT", "GET"]
#: Languages the screens ship translations for (turnstile/assets/i18n); "" is the system's.
Language = Literal["", "en", "de"]
SslMode = Literal["", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"]


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def _zero_or_at_least(value: int, low: int, key: str) -> int:
    if value != 0 and value < low:
        raise ValueError(f"{key} must be 0 or at least {low}, not {value}")
    return value


class ModelsConfig(Section):
    """Where the ONNX models live and which ones are used."""

    dir: str = text("", "Folder holding installed models; empty means $TURNSTILE_MODELS_DIR "
                        "or the user data folder.")
    embedder: str = text("", "Face embedder ONNX file; empty means the installed default "
                             "(SFace).")
    device: Device = Field("auto", description="Execution device for the embedder: auto "
                           "(CUDA when present), cpu or cuda.")
    threads: int = num(0, 0, 256, "threads", "onnxruntime intra-op threads; 0 lets "
                       "onnxruntime decide.")
    spinning: bool = Field(False, description="Let onnxruntime's idle pool threads busy-wait "
                           "for the next run. Off leaves the cores to OpenCV and the camera "
                           "between embeddings (measured: benchmarks/README.md).")
    runtime: Runtime = Field("auto", description="What runs the embedder: onnxruntime; opencv "
                             "(OpenCV's DNN: CPU, default model only; a third less CPU per "
                             "face with OpenCV 5); or auto: opencv where it applies and OpenCV "
                             "is 5 or newer, onnxruntime otherwise.")
    blas_threads: int = num(1, 0, 256, "threads", "Threads numpy's BLAS may use for 1:N "
                            "matching (0 keeps the library's default). One avoids idle BLAS "
                            "threads spinning after each match on a 2-core kiosk.")

    def models_dir(self) -> Path:
        if self.dir:
            return Path(self.dir).expanduser()
        env = os.environ.get(MODELS_DIR_ENV)
        if env:
            return Path(env).expanduser()
        return default_data_dir() / "models"


class DetectorConfig(Section):
    """YuNet face detector settings."""

    score_threshold: float = num(0.8, 0.0, 1.0, "", "Minimum detector confidence; lower finds "
                                 "more faces and more false ones.", low_open=True,
                                 high_open=True)
    nms_threshold: float = num(0.3, 0.0, 1.0, "", "Non-maximum-suppression overlap.",
                               low_open=True, high_open=True)
    top_k: int = num(50, 1, 5000, "faces", "Most faces returned per frame.")
    max_side: int = num(640, 0, 8192, "px", "Longest side a frame is shrunk to before "
                        "detection; 0 keeps full size, otherwise at least 160.")
    upscale_to: int = num(500, 0, 8192, "px", "Frames whose longest side is below this are "
                          "enlarged towards it (at most 2x) before detection: YuNet places the "
                          "landmarks of small faces more finely on a larger image (LFW: TAR at "
                          "FAR=1e-3 98.57% -> 98.90%). Camera frames are larger and unaffected; "
                          "0 never enlarges, otherwise between 160 and max_side.")
    follow_face_px: int = num(112, 0, 1000, "px", "While a face stays in front of the camera, "
                              "the kiosk detects each next frame shrunk so that face is about "
                              "this size (shorter side), never below half the usual size; 112 "
                              "is the embedder's own crop. 0 always detects at max_side, "
                              "otherwise at least 40.")
    rescue_score: float = num(0.6, 0.0, 1.0, "", "When the usual look finds no face, a second "
                              "look on the smoothed, luminance-normalised frame accepts faces "
                              "down to this confidence, those under score_threshold only with "
                              "plausible landmarks: dim entrances defeat the first look "
                              "(benchmarks/README.md, \"Hard light\"). 0 switches it off.",
                              high_open=True)

    @model_validator(mode="after")
    def _sizes(self) -> DetectorConfig:
        _zero_or_at_least(self.max_side, 160, "detector.max_side")
        _zero_or_at_least(self.follow_face_px, 40, "detector.follow_face_px")
        _zero_or_at_least(self.upscale_to, 160, "detector.upscale_to")
        if self.max_side and self.upscale_to > self.max_side:
            raise ValueError("detector.upscale_to must be 0 or between 160 and "
                             "detector.max_side")
        return self


class RecognitionConfig(Section):
    """1:N matching thresholds (cosine similarity of L2-normalised embeddings)."""

    threshold: float = num(0.57, -1.0, 1.0, "cosine", "Similarity at or above which the best "
                           "match is taken as that person. Calibrated for a stranger false-"
                           "accept rate of 1e-4 per attempt with 100 enrolled people (`turnstile "
                           "calibrate --far 1e-4 --gallery-size 100`, SFace); recalibrate for "
                           "your gallery size. Below the security floor only with "
                           "allow_insecure.")
    margin: float = num(0.2, 0.0, 2.0, "cosine", "Minimum lead of the best person's similarity "
                        "over the runner-up's; from the same calibration (the largest margin "
                        "that refuses at most 1% of otherwise granted people).")
    flip_augment: bool = Field(True, description="Also embed the mirrored face and add both "
                               "embeddings for enrolment templates, photo identification and "
                               "evaluation (LFW TAR at FAR=1e-4 97.77% -> 98.03%).")
    flip_probe: bool = Field(False, description="The same for the kiosk's per-frame searches. "
                             "Off: against mirrored-sum templates a single view scored "
                             "strangers no higher, and it halves the embedding time per frame.")


class CameraConfig(Section):
    """The kiosk's video source."""

    source: str = text("0", "Device index (\"0\"), RTSP/HTTP URL, video file or image folder.",
                       min_length=1)
    width: int = num(640, 0, 8192, "px", "Requested capture width (0 keeps the camera's "
                     "default).")
    height: int = num(480, 0, 8192, "px", "Requested capture height (0 keeps the camera's "
                      "default).")
    loop: bool = Field(False, description="Repeat a file source when it ends.")
    reconnect_s: float = num(0.5, 0.0, 3600.0, "s", "Seconds between attempts to reopen a lost "
                             "camera (doubles up to reconnect_max_s).", low_open=True)
    reconnect_max_s: float = num(10.0, 0.0, 3600.0, "s", "Longest wait between reconnection "
                                 "attempts.", low_open=True)
    stall_s: float = num(3.0, 0.5, 60.0, "s", "Seconds without a new frame before a camera "
                         "counts as lost.")
    folder_fps: float = num(5.0, 0.1, 120.0, "fps", "Frames per second at which an image-folder "
                            "source is played.")
    frozen_s: float = num(5.0, 0.0, 600.0, "s", "Seconds a live camera may deliver the very same "
                          "picture before it counts as lost (0: never).")
    face_exposure: bool = Field(True, description="Meter a camera device's exposure on the "
                                "face in view instead of the whole frame, where OpenCV exposes "
                                "the controls (V4L2): a bright window behind the person "
                                "otherwise darkens the face. The camera's own auto-exposure "
                                "returns when nobody is in view.")

    @field_validator("source", mode="before")
    @classmethod
    def _index_as_text(cls, value: Any) -> Any:
        # `source = 0` in TOML is the device index, as "0" is.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _reconnect(self) -> CameraConfig:
        if self.reconnect_s > self.reconnect_max_s:
            raise ValueError("camera.reconnect_s must be at most camera.reconnect_max_s")
        return self


class PolicyConfig(Section):
    """When a recognised face opens the door."""

    agreement_frames: int = num(3, 1, 30, "frames", "Consecutive agreeing recognitions needed "
                                "before a decision. Measured on four real clips against 1,004 "
                                "enrolled people: 3 agreeing frames came 0.07-0.08 s after the "
                                "face appeared, and 3 keeps a single misread frame from "
                                "deciding anything. Below the security floor only with "
                                "allow_insecure.")
    min_face_px: int = num(40, 20, 1000, "px", "Faces whose shorter side is below this are "
                           "ignored (at 40 px YuNet found all faces of the clips and 90% matched "
                           "their own enrolment).")
    crowd_ratio: float = num(0.8, 0.0, 1.0, "", "A second face at least this fraction of the "
                             "largest one's size means \"one at a time\".", low_open=True)
    cooldown_s: float = num(5.0, 0.0, 600.0, "s", "Seconds a decided person must be out of sight "
                            "before they can be decided again: one walk-through, one grant.")
    track_iou: float = num(0.5, 0.0, 1.0, "", "While a decided person stays in view, or the "
                           "liveness check watches a face, a face overlapping the last box by "
                           "at least this intersection-over-union is taken as the same person "
                           "without being recognised again (a followed face never grants "
                           "unless recognised on that frame). 0 recognises every frame.")
    recheck_s: float = num(1.0, 0.1, 60.0, "s", "A tracked face is recognised again at least "
                           "this often, so a person stepping into a departing one's place is "
                           "noticed.")
    liveness_recheck_s: float = num(0.25, 0.0, 5.0, "s", "While the liveness check gathers "
                                    "evidence, the face it watches is recognised again at least "
                                    "this often and always on the frame that would grant; the "
                                    "frames between are followed by track_iou, so a busy kiosk "
                                    "shows the check more frames (two CPU hogs on two cores: 50-53 "
                                    "-> 65-67 % of frames). 0 recognises every frame.")
    roi: tuple[int, ...] = Field((), strict=False, description="Optional region of interest as "
                                 "[x, y, w, h] in pixels; empty means the whole frame.")
    allowed_groups: tuple[str, ...] = Field((), strict=False, description="Access group names "
                                            "this door admits (case-insensitive). Empty: every "
                                            "enrolled, active, in-schedule person.")
    spoof_alarm_count: int = num(3, 0, 100, "spoofs", "This many SPOOF verdicts for one person "
                                 "within spoof_alarm_window_s raise an alarm (logged, shown in "
                                 "the events page) and suspend that person's face access for "
                                 "spoof_suspend_s. 0 switches it off.")
    spoof_alarm_window_s: float = num(300.0, 10.0, 86400.0, "s", "Seconds within which repeated "
                                      "spoof verdicts count toward the alarm.")
    spoof_suspend_s: float = num(900.0, 0.0, 604800.0, "s", "Seconds a person's face access "
                                 "stays suspended after a spoof alarm.")

    @field_validator("roi", "allowed_groups", mode="before")
    @classmethod
    def _list_only(cls, value: Any, info: ValidationInfo) -> Any:
        # bool is an int subclass: `true` is not a pixel count; "1" is not one either.
        element, word = (int, "integers") if info.field_name == "roi" else (str, "strings")
        if not isinstance(value, list | tuple) or any(
                isinstance(v, bool) or not isinstance(v, element) for v in value):
            raise ValueError(f"policy.{info.field_name} must be a list of {word}, "
                             f"not {value!r}")
        return tuple(value)

    @field_validator("roi")
    @classmethod
    def _roi(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(value) not in (0, 4):
            raise ValueError("policy.roi must be empty or [x, y, w, h]")
        if value and (min(value[:2]) < 0 or min(value[2:]) <= 0):
            raise ValueError("policy.roi needs x, y >= 0 and w, h > 0")
        return value

    @field_validator("allowed_groups")
    @classmethod
    def _groups(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not all(g.strip() for g in value):
            raise ValueError("policy.allowed_groups must not contain an empty name")
        return value


class DoorConfig(Section):
    """The relay that opens the door; door.kind decides which other keys it needs."""

    kind: DoorKind = Field("simulated", description="simulated, serial (needs serial_port and "
                           "serial_open_hex), http (needs http_url) or osdp (a reader of an "
                           "access panel that drives the lock; needs osdp.port).")
    pulse_s: float = num(1.0, 0.0, 30.0, "s", "Seconds the relay stays open per grant.",
                         low_open=True)
    serial_port: str = text("", "Serial port of a relay board (e.g. /dev/ttyUSB0 or COM3).")
    serial_baud: int = num(9600, 300, 4_000_000, "baud", "Serial speed of the relay board.")
    serial_open_hex: str = text("", "Bytes sent to open the relay, as hex (e.g. \"A00101A2\").")
    serial_close_hex: str = text("", "Bytes sent to close the relay after pulse_s, as hex; "
                                 "empty when the board times the pulse itself.")
    http_url: str = text("", "URL of a network relay, starting with http:// or https://.")
    http_method: HttpMethod = Field("POST", description="HTTP method of the relay request.")
    http_body: str = text("", "Request body; {pulse_ms} and {pulse_s} are replaced by the pulse "
                          "length.")
    http_timeout_s: float = num(2.0, 0.0, 30.0, "s", "Seconds to wait for the relay's answer.",
                                low_open=True)
    http_token_file: str = text("", "File holding the HTTP relay's token (mode 0600, readable by "
                                "the kiosk account only); sent as Authorization: Bearer.")
    http_token_env: str = text("", "Environment variable holding the HTTP relay's token "
                               "(instead of http_token_file).")
    serial_open_ack_hex: str = text("", "Bytes a board that answers sends back for the open "
                                    "command, as hex; empty for a silent board.")
    serial_close_ack_hex: str = text("", "Bytes a board that answers sends back for the close "
                                     "command, as hex; the close is retried until they come.")
    max_open_s: float = num(10.0, 0.1, 120.0, "s", "Longest a serial relay stays open in one go, "
                            "however often it is re-triggered.")
    input_query_hex: str = text("", "Bytes that ask a serial board for its inputs, as hex; the "
                                "board answers with input_answer_bytes bytes read as one "
                                "big-endian bitmask (bit 0: lowest bit of the last byte).")
    input_answer_bytes: int = num(1, 1, 8, "bytes", "Length of the board's answer to "
                                  "input_query_hex.")
    contact_input: int = num(-1, -1, 63, "", "Bit of the input answer that is 1 while the door "
                             "is open (door contact); -1: no contact wired.")
    contact_inverted: bool = Field(False, description="The contact's bit is 0 while the door "
                                   "is open (a contact closed at rest).")
    exit_input: int = num(-1, -1, 63, "", "Bit of the input answer that is 1 while the exit "
                          "button (request to exit) is pressed; -1: none wired.")
    held_open_s: float = num(30.0, 1.0, 3600.0, "s", "Seconds the door may stay open after a "
                             "grant or an exit before the held-open alarm.")
    input_poll_s: float = num(0.2, 0.1, 5.0, "s", "Seconds between two reads of the inputs.")

    @field_validator("http_method", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _complete(self) -> DoorConfig:
        """A half-configured relay is refused when the config is read, not at kiosk start."""
        if self.kind == "serial":
            if not self.serial_port or not self.serial_open_hex:
                raise ValueError("door.kind = \"serial\" needs door.serial_port and "
                                 "door.serial_open_hex")
            for key in ("serial_open_hex", "serial_close_hex", "serial_open_ack_hex",
                        "serial_close_ack_hex"):
                try:
                    bytes.fromhex(getattr(self, key))
                except ValueError:
                    raise ValueError(f"door.{key} must be hex bytes like \"A00101A2\", not "
                                     f"{getattr(self, key)!r}") from None
        if self.kind == "http" and not self.http_url.startswith(("http://", "https://")):
            raise ValueError("door.kind = \"http\" needs door.http_url starting with "
                             "http(s)://")
        self._inputs()
        return self

    def _inputs(self) -> None:
        """Door contact and exit button: only a serial board that answers a query reads them."""
        if self.contact_input < 0 and self.exit_input < 0:
            return
        if self.kind != "serial" or not self.input_query_hex:
            raise ValueError("door.contact_input and door.exit_input need door.kind = "
                             "\"serial\" and door.input_query_hex (an HTTP relay or a plain "
                             "USB relay cannot report its inputs)")
        try:
            bytes.fromhex(self.input_query_hex)
        except ValueError:
            raise ValueError(f"door.input_query_hex must be hex bytes like \"A0FF\", not "
                             f"{self.input_query_hex!r}") from None
        for key in ("contact_input", "exit_input"):
            if getattr(self, key) >= 8 * self.input_answer_bytes:
                raise ValueError(f"door.{key} = {getattr(self, key)} is beyond the "
                                 f"{self.input_answer_bytes}-byte answer")
        if self.contact_input >= 0 and self.contact_input == self.exit_input:
            raise ValueError("door.contact_input and door.exit_input must be different bits")


class EventsConfig(Section):
    """The event log."""

    retention_days: int = num(90, 0, 36500, "days", "Days to keep events; 0 keeps them "
                              "forever.")
    store_thumbnails: bool = Field(True, description="Store the face picture with each event: "
                                   "the Events page shows it and can add a missed face to its "
                                   "person. It is deleted with the event (retention_days).")
    max_db_mb: int = num(2048, 0, 1_000_000, "MiB", "Oldest events are pruned while the database "
                         "uses more than this; 0: no size limit.")
    send_thumbnails: bool = Field(False, description="Include the face picture in events sent "
                                  "to other systems (MQTT, webhook); off, they carry none.")
    mqtt: MqttConfig = Field(default_factory=MqttConfig)
    webhook: WebhookConfig = Field(default_factory=WebhookConfig)


class KioskConfig(Section):
    """The full-screen kiosk screen."""

    result_s: float = num(3.0, 0.0, 60.0, "s", "Seconds a result stays on screen before "
                          "returning to idle.", low_open=True)
    fullscreen: bool = Field(True, description="Cover the whole screen.")
    sounds: bool = Field(False, description="Play a sound per outcome (needs Qt Multimedia's "
                         "system audio libraries; without them the kiosk logs a warning and "
                         "stays silent).")
    speak: bool = Field(False, description="Speak the greeting (\"Welcome, NAME\") on a grant "
                        "(needs a text-to-speech engine; without one, a warning).")
    mirror: bool = Field(True, description="Show the camera picture mirrored, as people expect "
                         "of a screen that shows them.")
    clock: bool = Field(True, description="Show a clock on the banner.")
    language: Language = Field("", description="Language of the kiosk and the admin panel; "
                               "empty follows the system's (English when it is not shipped).")
    fault_exit_s: float = num(60.0, 1.0, 3600.0, "s", "A fault lasting this long (database, "
                              "camera, processing) shows Out of service and ends the kiosk "
                              "with status 3 for the service manager to restart it.")


class LivenessConfig(Section):
    """Presentation-attack detection: a face that fails it gets the outcome SPOOF."""

    motion: bool = Field(True, description="Model-free motion check (parallax of the face, "
                         "surroundings that move with it).")
    smooth_light: float = num(0.06, 0.0, 1.0, "face sizes", "Track images less their blur of "
                              "this many face sizes, so a highlight or shadow moving over a "
                              "glossy print does not bend its tracks into a head-like parallax "
                              "(0 tracks the plain images).")
    align_tracks: bool = Field(True, description="Undo the face's rotation, scale and shift "
                               "between the two frames of a pair (from its landmarks) before "
                               "tracking, so a rolled or approaching picture is tracked "
                               "correctly.")
    gap_s: float = num(0.4, 0.1, 2.0, "s", "Seconds between the two frames of each compared "
                       "pair.")
    window_s: float = num(1.0, 0.3, 5.0, "s", "Seconds of frame pairs a verdict rests on.")
    min_pairs: int = num(5, 2, 60, "pairs", "Frame pairs with enough face motion needed before "
                         "any verdict.")
    motion_min_face_px: int = num(100, 20, 1000, "px", "Faces smaller than this (shorter side) "
                                  "are never called live by the motion check: their tracking "
                                  "noise mimics parallax; the kiosk asks the person to come "
                                  "closer.")
    min_motion: float = num(0.025, 0.0, 1.0, "face sizes", "Face motion per pair below which a "
                            "pair cannot show a picture moving (the SPOOF rules) and counts as "
                            "this much in the parallax ratio.")
    evidence_motion: float = num(0.02, 0.0, 1.0, "face sizes", "Face motion per pair below "
                                 "which a pair is never evidence of a live head.")
    live_pairs: int = num(5, 2, 60, "pairs", "Frame pairs of the window that must each show a "
                          "live head's parallax.")
    spaced_pairs: int = num(3, 0, 60, "pairs", "Or this many such pairs, each at least "
                            "evidence_spacing_s after the one before: at 30 frames a second "
                            "neighbouring pairs are nearly one observation, at 6 a second each "
                            "is a new one (0 switches this off).")
    evidence_spacing_s: float = num(0.1, 0.0, 1.0, "s", "Seconds between the pairs counted "
                                    "toward spaced_pairs.")
    sparse_pairs: int = num(10, 2, 60, "pairs", "Frame pairs the window keeps, reaching up to "
                            "three times window_s back, when frames come too slowly for "
                            "window_s to hold them (at least min_pairs are always kept).")
    live_ring_follow: float = num(0.3, 0.0, 1.0, "", "Share of tracks around the face that move "
                                  "with it at or above which a pair is no evidence of a live "
                                  "head; the window's median must stay below it for LIVE (at "
                                  "most ring_follow).", low_open=True)
    noise_floor: float = num(0.0015, 0.0, 1.0, "face sizes", "Tracking noise of the planarity "
                             "residual, subtracted before the ratio.")
    live_planarity: float = num(0.0025, 0.0, 1.0, "face sizes", "Planarity residual a pair must "
                                "reach to be evidence of a live head, times the face's "
                                "enlargement to the working size.")
    live_parallax: float = num(0.04, 0.0, 1.0, "", "Parallax per unit of face motion at or "
                               "above which a pair is evidence of a live head.")
    slide_structure: float = num(0.55, 0.0, 1.0, "", "A pair whose face slides by at least "
                                 "spoof_motion is live evidence below live_parallax (down to "
                                 "slide_parallax) when its residual forms a field at least this "
                                 "smooth: a person walking in slides before turning, and a flat "
                                 "picture's residual is rarely that smooth (0 switches it off).")
    slide_parallax: float = num(0.01, 0.0, 1.0, "", "Parallax per unit of face motion a sliding "
                                "pair needs for slide_structure (at most live_parallax).")
    live_structure: float = num(0.3, 0.0, 1.0, "", "Share of a pair's planarity residual that "
                                "must form a smooth field over the face, above chance, for live "
                                "evidence (0 switches the test off).")
    nose_pairs: int = num(1, 0, 60, "pairs", "Evidence pairs of the window that must also "
                          "show the nose standing out of the face (live_nose) for LIVE: a "
                          "head's nose stands out, a flat, cut-out or bent picture's does not "
                          "(0 switches the test off; 2 took the slowest moving-clip start through "
                          "the pipeline from 1.27 to 1.63 s).")
    live_nose: float = num(0.15, 0.0, 1.0, "", "Share of a pair's residual, beyond a smooth "
                           "quadratic field, that a bump of parallax at the nose explains "
                           "above chance, at or above which the pair shows the nose standing "
                           "out.")
    nose_lead: float = num(0.05, -1.0, 1.0, "", "Share of the face's own motion by which a "
                           "pair's nose bump must be pushed the same way for the pair to show "
                           "the nose (live_nose): a turning or sliding head's nose moves further "
                           "than its cheeks, the same way, while a highlight sliding over a "
                           "glossy print bends its tracks into a bump pushed any way (-1 "
                           "switches the test off).")
    nose_lead_motion: float = num(0.04, 0.0, 1.0, "face sizes", "Face motion per pair from "
                                  "which nose_lead is asked: a smaller shift's direction does "
                                  "not say which way the nose should lead (a head turning while "
                                  "the body sways the other way; asking it of every pair took "
                                  "the slowest moving-clip start through the pipeline from 1.43 "
                                  "to 1.68 s).")
    nose_structure: float = num(0.4, 0.0, 1.0, "", "Share of a pair's residual that must form "
                                "a smooth field (as live_structure) for the pair to show the "
                                "nose: a head's nose stands out of a face whose cheeks and "
                                "outline move as a smooth field too, while a highlight on a "
                                "glossy cut-out bends a patch of tracks in a field of noise (0 "
                                "switches it off; 0.45 took the slowest moving-clip start "
                                "through the pipeline from 1.27 to 1.63 s).")
    turn_nose: float = num(0.3, 0.0, 1.0, "", "A pair whose face shifts less than "
                           "evidence_motion is still live evidence (if it passes the other "
                           "tests) when its nose bump reaches this: a head turning nearly in "
                           "place (0 switches it off; at least live_nose).")
    planar_parallax: float = num(0.006, 0.0, 1.0, "", "Parallax per unit of motion below which "
                                 "a strongly moving face is a flat picture (at most "
                                 "live_parallax).")
    spoof_motion: float = num(0.06, 0.0, 1.0, "face sizes", "Median face motion per pair that "
                              "makes low parallax a spoof.")
    ring_follow: float = num(0.6, 0.0, 1.0, "", "Share of tracks around the face that move with "
                             "it at or above which the surroundings belong to a held picture.",
                             low_open=True)
    screen_pairs: int = num(3, 0, 60, "pairs", "Frame pairs of the window in which long "
                            "straight edges beside the face move with it (a held phone's, "
                            "tablet's or sheet's frame) that make a spoof; 0 switches the test "
                            "off. A room's edges stay put when the person moves.")
    screen_sides: int = num(1, 1, 4, "sides", "Sides of the face whose edge must move with it "
                            "for a pair to count toward screen_pairs; more than one counts only "
                            "when they include a horizontal and a vertical side (a corner).")
    framed_pairs: int = num(3, 0, 60, "pairs", "Frame pairs of the window in which a frame "
                            "shows the face inside a frame that closes under it (straight edges "
                            "left and right of the face meeting one below it at corners: a "
                            "screen's bezel or a sheet's edge, moving or resting) that make a "
                            "spoof; one such pair already withholds LIVE; 0 switches the test "
                            "off. A live person's neck and body hide a room's window or door "
                            "frame below the face.")
    challenge: bool = Field(False, description="Active challenge: ask the person to turn their "
                            "head to a random side.")
    challenge_yaw_deg: float = num(15.0, 5.0, 60.0, "degrees", "Yaw change the challenge needs "
                                   "toward the asked side.")
    challenge_timeout_s: float = num(6.0, 1.0, 30.0, "s", "Seconds the person has to complete "
                                     "the challenge.")
    challenge_min_similarity: float = num(0.5, -1.0, 1.0, "cosine", "Embedding similarity to "
                                          "the face at the start below which the identity "
                                          "changed.")
    passive_model: str = text("", "Passive model: an ONNX file from `turnstile "
                              "train-liveness`, \"minifasnet\" for the vendored MiniFASNet "
                              "models, or empty for none.")
    passive_threshold: float = num(0.5, 0.0, 1.0, "", "Passive model live score below which a "
                                   "face is a spoof.")

    @model_validator(mode="after")
    def _orders(self) -> LivenessConfig:
        if self.planar_parallax > self.live_parallax:
            raise ValueError("liveness.planar_parallax must not exceed liveness.live_parallax")
        if 0.0 < self.turn_nose < self.live_nose:
            raise ValueError("liveness.turn_nose must be 0 or at least liveness.live_nose")
        if self.slide_parallax > self.live_parallax:
            raise ValueError("liveness.slide_parallax must not exceed liveness.live_parallax")
        if self.live_ring_follow > self.ring_follow:
            raise ValueError("liveness.live_ring_follow must be in (0, ring_follow]")
        return self


class EnrolmentConfig(Section):
    """The quality gate every enrolled template passes (stricter than the kiosk's)."""

    min_face_px: int = num(80, 20, 2000, "px", "Faces whose shorter side is below this are "
                           "\"too far\" / \"too small\".")
    max_face_fraction: float = num(0.75, 0.0, 1.0, "", "Live only: a face whose shorter side "
                                   "exceeds this fraction of the frame's is \"too close\".",
                                   low_open=True)
    min_sharpness: float = num(100.0, 0.0, 100_000.0, "", "Variance of the Laplacian on the "
                               "aligned crop below which the face is \"blurred\" (a sharp photo "
                               "gives 500-5000, Gaussian blur sigma 3 about 80).")
    min_brightness: float = num(50.0, 0.0, 255.0, "grey level", "Mean grey level of the aligned "
                                "crop below which it is too dark.")
    max_brightness: float = num(210.0, 0.0, 255.0, "grey level", "Mean grey level above which "
                                "it is too bright.")
    side_lit_ratio: float = num(0.5, 0.0, 1.0, "", "A template whose darker cheek is under this "
                                "fraction of the brighter one's mean grey is enrolled with a "
                                "warning that it is lit from one side (0 never warns; at 0.5: 4 %"
                                " of LFW photos, 94-99 % of faces lit 65-85 degrees from the "
                                "side).")
    max_yaw: float = num(35.0, 0.0, 90.0, "degrees", "Largest head yaw accepted for any "
                         "template.", low_open=True)
    max_pitch: float = num(30.0, 0.0, 90.0, "degrees", "Largest head pitch accepted for any "
                           "template.", low_open=True)
    straight_yaw: float = num(10.0, 0.0, 90.0, "degrees", "Live: |yaw| at or below this counts "
                              "as looking straight.")
    turn_yaw: float = num(15.0, 0.0, 90.0, "degrees", "Live: yaw of at least this counts as "
                          "\"turned a little\" to one side.")
    straight_shots: int = num(3, 1, 10, "shots", "Live: straight shots taken automatically.")
    turn_shots: int = num(1, 0, 5, "shots", "Live: shots per side after the straight ones.")
    shot_interval_s: float = num(0.4, 0.0, 10.0, "s", "Live: seconds between two automatic "
                                 "shots, so they are not the same frame twice.")

    @model_validator(mode="after")
    def _orders(self) -> EnrolmentConfig:
        if self.min_brightness >= self.max_brightness:
            raise ValueError("enrolment brightness range must satisfy 0 <= min < max <= 255")
        if not self.straight_yaw < self.turn_yaw <= self.max_yaw:
            raise ValueError("enrolment yaws must satisfy 0 <= straight_yaw < turn_yaw <= "
                             "max_yaw")
        return self


class AdminConfig(Section):
    """The admin panel's accounts and sessions."""

    lock_after_s: float = num(300.0, 0.0, 86_400.0, "s", "Seconds without input after which "
                              "the panel locks itself (0 never locks).")
    max_failed_logins: int = num(3, 1, 100, "attempts", "Failed logins allowed before the "
                                 "account name is locked out.")
    lockout_s: float = num(30.0, 0.0, 86_400.0, "s", "First lockout; it doubles with every "
                           "further failure up to lockout_max_s.", low_open=True)
    lockout_max_s: float = num(900.0, 0.0, 604_800.0, "s", "Longest lockout.", low_open=True)
    min_password_length: int = num(8, 8, 128, "characters", "Shortest accepted password.")
    global_failed_logins: int = num(10, 1, 10_000, "attempts", "Failed sign-ins of all names "
                                    "together, within global_window_s, after which every "
                                    "further attempt waits global_delay_s after the last failure "
                                    "(guessing many names).")
    global_window_s: float = num(600.0, 0.0, 86_400.0, "s", "Window of the global sign-in "
                                 "throttle.", low_open=True)
    global_delay_s: float = num(10.0, 0.0, 3600.0, "s", "Wait after the last failure once the "
                                "global throttle is reached.", low_open=True)
    audit_retention_days: float = num(730.0, 0.0, 36_500.0, "days", "Days the audit log keeps "
                                      "its entries (0 keeps them for ever).")

    @model_validator(mode="after")
    def _lockout(self) -> AdminConfig:
        if self.lockout_s > self.lockout_max_s:
            raise ValueError("admin lockout must satisfy 0 < lockout_s <= lockout_max_s")
        return self


class CentralConfig(Section):
    """Several kiosks sharing one roster in a central PostgreSQL database (README "Several
    doors"); empty: this kiosk stands alone."""

    dsn: str = text("", "libpq connection string without a password, e.g. "
                    "\"postgresql://turnstile_kiosk@db.example/turnstile\".")
    dsn_file: str = text("", "File readable only by its owner (mode 0600) holding the "
                         "connection string with its password; $TURNSTILE_CENTRAL_DSN serves "
                         "the same purpose.")
    kiosk_id: str = text("", "This kiosk's name in the central event log and in `turnstile "
                         "central status` (e.g. \"door-1\").")
    sslmode: SslMode = Field("", description="libpq sslmode; empty means verify-full when "
                             "sslrootcert is given, libpq's default otherwise.")
    sslrootcert: str = text("", "CA certificate that signed the server's certificate.")
    sslcert: str = text("", "Client certificate, where the server asks for one.")
    sslkey: str = text("", "Key of the client certificate.")
    offline_signin_hours: float = num(24.0, 0.0, 8760.0, "h", "While the central database "
                                      "cannot be reached, admin sign-in uses this kiosk's copy "
                                      "of the accounts only if it was confirmed current within "
                                      "this many hours; 0 refuses sign-in during an outage.")

    @property
    def configured(self) -> bool:
        return bool(self.dsn or self.dsn_file or self.kiosk_id)


#: Security floors for the default embedder (SFace), from its calibration on LFW
#: (benchmarks/README.md, `turnstile calibrate --far 1e-4`): the threshold that keeps a
#: stranger's rate at 1e-4 is 0.40 with one enrolled person, 0.475 with 10 and 0.57 with 100,
#: so no gallery's operating point lies below 0.40; the calibrated margins with a runner-up
#: are 0.20-0.225 (half of that is the floor; 0 switches the runner-up check off); one
#: agreeing frame lets a single misread frame open the door. Values below a floor weaken
#: security below any calibrated operating point: they load only with allow_insecure = true.
FLOORS: dict[str, float] = {"recognition.threshold": 0.4, "recognition.margin": 0.1,
                            "policy.agreement_frames": 2}
#: A custom embedder has its own score scale (calibrate it with `turnstile calibrate
#: --model`), so only the scale-free floors apply: a positive threshold and margin.
CUSTOM_MODEL_FLOORS: dict[str, float] = {"recognition.threshold": 0.0,
                                         "recognition.margin": 0.0,
                                         "policy.agreement_frames": 2}


class Config(Section):
    """Everything Turnstile can be told; every section has safe defaults."""

    database: str = text("", "Gallery database file; empty means $TURNSTILE_DB or the user "
                         "data folder.")
    allow_insecure: bool = Field(False, description="Accept recognition.threshold, "
                                 "recognition.margin and policy.agreement_frames below their "
                                 "security floors (tests and demos only; the admin panel shows "
                                 "a warning while it is on).")
    models: ModelsConfig = Field(default_factory=ModelsConfig)
    detector: DetectorConfig = Field(default_factory=DetectorConfig)
    recognition: RecognitionConfig = Field(default_factory=RecognitionConfig)
    camera: CameraConfig = Field(default_factory=CameraConfig)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    door: DoorConfig = Field(default_factory=DoorConfig)
    events: EventsConfig = Field(default_factory=EventsConfig)
    kiosk: KioskConfig = Field(default_factory=KioskConfig)
    liveness: LivenessConfig = Field(default_factory=LivenessConfig)
    enrolment: EnrolmentConfig = Field(default_factory=EnrolmentConfig)
    admin: AdminConfig = Field(default_factory=AdminConfig)
    central: CentralConfig = Field(default_factory=CentralConfig)
    osdp: OsdpConfig = Field(default_factory=OsdpConfig)
    pin: PinConfig = Field(default_factory=PinConfig)
    passes: PassesConfig = Field(default_factory=PassesConfig)

    @model_validator(mode="after")
    def _osdp_port(self) -> Config:
        if self.door.kind == "osdp" and not self.osdp.port:
            raise ValueError("door.kind = \"osdp\" needs osdp.port (the RS-485 adapter's "
                             "serial port, e.g. /dev/ttyUSB0)")
        return self

    @model_validator(mode="after")
    def _floors(self) -> Config:
        if not self.allow_insecure and (weak := self.below_floors()):
            raise ValueError("; ".join(weak) + " (refused: it lets strangers in more often; "
                             "allow_insecure = true accepts it)")
        return self

    def below_floors(self) -> list[str]:
        """Each security-relevant value below its floor, in words ([] when none is)."""
        floors = CUSTOM_MODEL_FLOORS if self.models.embedder else FLOORS
        values = {"recognition.threshold": self.recognition.threshold,
                  "recognition.margin": self.recognition.margin,
                  "policy.agreement_frames": self.policy.agreement_frames}
        weak = []
        for key, value in values.items():
            floor = floors[key]
            # A threshold or margin of exactly 0 means "no check" for a custom model too.
            below = value < floor or (floor == 0.0 and value <= 0.0)
            if below:
                weak.append(f"{key} = {value:g} is below its security floor {floor:g}")
        return weak

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
    """A validated Config from a TOML table; ConfigError names every bad key."""
    try:
        return Config.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(describe(exc, Config, source)) from None
