"""What the kiosk says: one plain-language message per situation, saying what to do next.

Every string goes through Qt's translator (context "Kiosk"); `pyside6-lupdate` collects them
into turnstile/assets/i18n/*.ts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from turnstile.access.doorwatch import DoorSignal
from turnstile.gui.worker import KioskUpdate
from turnstile.types import DenyReason, Outcome, PendingReason
from turnstile.vision.light import LightHint

translate = QCoreApplication.translate

#: An unrecognised face smaller than this share of the frame's shorter side is someone in the
#: background, not the person at the kiosk: the screen asks them to come closer instead of
#: turning red (at 640x480, 72 px: about a metre from a typical webcam).
NEAR_FACE_SHARE = 0.15
#: Refusals of a visitor pass (the banner says "Pass refused", not "Access denied").
PASS_REFUSALS = frozenset({DenyReason.PASS_EXPIRED, DenyReason.PASS_NOT_YET_VALID,
                           DenyReason.PASS_REVOKED, DenyReason.PASS_USED_UP,
                           DenyReason.PASS_FORGED, DenyReason.PASS_MALFORMED})


class Screen(enum.Enum):
    """What the banner shows; the value is the stylesheet's `state` property."""

    STARTING = "starting"
    IDLE = "idle"
    FIRST_RUN = "first_run"
    GRANTED = "granted"
    DENIED = "denied"
    UNKNOWN = "unknown"
    SPOOF = "spoof"
    ONE_AT_A_TIME = "one_at_a_time"
    HINT = "hint"
    #: The face was recognised; the keypad asks for the person's PIN.
    PIN = "pin"
    CAMERA_LOST = "camera_lost"


@dataclass(frozen=True)
class Message:
    screen: Screen
    title: str
    subtitle: str
    icon: str


def _refusal(reason: DenyReason | None) -> str:
    texts = {
        DenyReason.INACTIVE: translate(
            "Kiosk", "Your access is not active. Please see reception."),
        DenyReason.NOT_YET_VALID: translate(
            "Kiosk", "Your access has not started yet. Please see reception."),
        DenyReason.EXPIRED: translate("Kiosk", "Your access has expired. Please see reception."),
        DenyReason.OUT_OF_SCHEDULE: translate(
            "Kiosk", "No access at this time. Please see reception."),
        DenyReason.NOT_IN_GROUP: translate(
            "Kiosk", "No access through this door. Please see reception."),
        DenyReason.SUSPENDED: translate(
            "Kiosk", "Face access is suspended. Please see reception."),
        DenyReason.PASS_EXPIRED: translate(
            "Kiosk", "This pass has expired. Please see reception."),
        DenyReason.PASS_NOT_YET_VALID: translate(
            "Kiosk", "This pass is not valid yet. Please come back at its start time."),
        DenyReason.PASS_REVOKED: translate(
            "Kiosk", "This pass was withdrawn. Please see reception."),
        DenyReason.PASS_USED_UP: translate(
            "Kiosk", "This pass has already been used. Please see reception."),
        DenyReason.PASS_FORGED: translate(
            "Kiosk", "This pass was not issued here. Please see reception."),
        DenyReason.PASS_MALFORMED: translate(
            "Kiosk", "This code cannot be read as a pass. Please see reception."),
        DenyReason.PANEL_DENIED: translate(
            "Kiosk", "The access control system refused. Please see reception."),
        DenyReason.PANEL_NO_ANSWER: translate(
            "Kiosk", "The access control system did not answer. Please try again or see "
                     "reception."),
        DenyReason.NO_CREDENTIAL: translate(
            "Kiosk", "No badge number is set up for you. Please see reception."),
        DenyReason.WRONG_PIN: translate(
            "Kiosk", "Wrong employee number or PIN. Tap Use PIN to try again."),
        DenyReason.PIN_LOCKED: translate(
            "Kiosk", "Too many wrong PINs: PIN entry is locked for a while. Please see "
                     "reception."),
        DenyReason.NO_PIN: translate(
            "Kiosk", "This door needs your face and a PIN, and you have no PIN yet. Please see "
                     "reception."),
        DenyReason.PIN_EXPIRED: translate(
            "Kiosk", "The PIN came too late. Please look at the camera again."),
        DenyReason.PIN_ALONE: translate(
            "Kiosk", "Here you need your face and your PIN. Please look at the camera."),
    }
    return texts.get(reason, translate("Kiosk", "Please see reception.")) if reason \
        else translate("Kiosk", "Please see reception.")


def _hint(reason: PendingReason) -> str:
    """What a waiting decision asks of the person, in the screen's language ("": nothing)."""
    hints = {
        PendingReason.MOVE_HEAD: translate("Kiosk", "Move your head a little"),
        PendingReason.COME_CLOSER: translate("Kiosk", "Please come closer"),
        PendingReason.TURN_LEFT: translate("Kiosk", "Turn your head to your left"),
        PendingReason.TURN_RIGHT: translate("Kiosk", "Turn your head to your right"),
    }
    if reason in hints:
        return hints[reason]
    prompt = reason.prompt  # a reason added later, not yet translated
    return prompt[:1].upper() + prompt[1:]


def try_again(cooldown_s: float) -> str:
    """How to get a fresh look: the policy decides a face once per visit, so a retry needs
    `cooldown_s` seconds out of view; the screen says so instead of leaving people waiting."""
    seconds = round(cooldown_s)
    if seconds < 1:
        return translate("Kiosk", "Step back and look at the camera again.")
    if seconds == 1:
        return translate("Kiosk", "Step out of view for a second, then look at the camera again.")
    return translate("Kiosk", "Step out of view for %1 seconds, then look at the camera "
                              "again.").replace("%1", str(seconds))


def idle() -> Message:
    return Message(Screen.IDLE, translate("Kiosk", "Please look at the camera"),
                   translate("Kiosk", "One person at a time"), "idle")


def starting() -> Message:
    return Message(Screen.STARTING, translate("Kiosk", "Starting"),
                   translate("Kiosk", "One moment, please."), "idle")


def first_run() -> Message:
    """An empty gallery: nobody can be let in yet, so the screen tells the installer how to
    enrol instead of refusing everyone in red."""
    return Message(Screen.FIRST_RUN, translate("Kiosk", "Nobody is enrolled yet"),
                   translate("Kiosk", "To enrol the first person, press Ctrl+Shift+A (or tap "
                                      "the top-left corner five times), sign in and choose "
                                      "Enrol. No account yet? On this PC run: turnstile "
                                      "accounts create NAME"),
                   "idle")


def spoof(cooldown_s: float) -> Message:
    """Refused by the liveness check: not a question of access rights, and a real person
    wrongly refused must learn how to get a fresh check."""
    return Message(Screen.SPOOF, translate("Kiosk", "Please try again"),
                   try_again(cooldown_s) + " " + translate("Kiosk", "Move your head a little "
                                                                    "while you look."), "spoof")


def camera_lost(retry_in_s: float) -> Message:
    text = translate("Kiosk", "Please tell reception.")
    if retry_in_s >= 1:
        # "s" keeps one form for any count (translations need no plural rules).
        text += " " + translate("Kiosk", "Trying again in %1 s.").replace(
            "%1", str(round(retry_in_s)))
    return Message(Screen.CAMERA_LOST, translate("Kiosk", "Camera unavailable"), text,
                   "camera_off")


def out_of_service() -> Message:
    return Message(Screen.CAMERA_LOST, translate("Kiosk", "Out of service"),
                   translate("Kiosk", "Please tell reception."), "camera_off")


def panel_offline() -> str:
    """The line every screen carries while the access panel (OSDP) is not polling."""
    return translate("Kiosk", "The access control system is offline: the door cannot open. "
                              "Please tell reception.")


def door_alarm(signal: DoorSignal) -> str | None:
    """The strip over the kiosk while a door alarm stands (None: the signal raises none)."""
    texts = {
        DoorSignal.FORCED_OPEN: translate("Kiosk", "Alarm: the door was forced open. "
                                                   "The alarm has been logged."),
        DoorSignal.HELD_OPEN: translate("Kiosk", "Alarm: the door is held open. "
                                                 "Please close the door."),
        DoorSignal.INPUTS_LOST: translate("Kiosk", "The door sensors are not answering: door "
                                                   "alarms are off. Please tell reception."),
    }
    return texts.get(signal)


def greeting(at: datetime) -> str:
    if at.hour < 12:
        return translate("Kiosk", "Good morning")
    if at.hour < 18:
        return translate("Kiosk", "Good afternoon")
    return translate("Kiosk", "Good evening")


def is_near(update: KioskUpdate) -> bool:
    """Whether the decided face is the person at the kiosk rather than someone far behind."""
    if update.chosen is None:
        return True
    return update.chosen.size >= NEAR_FACE_SHARE * min(update.frame_size)


def message_for(update: KioskUpdate, cooldown_s: float = 5.0) -> Message | None:
    """The banner for a processed frame; None keeps whatever is showing."""
    decision = update.decision
    outcome = decision.outcome
    if outcome is Outcome.GRANTED:
        name = decision.match.name if decision.match and decision.match.name else ""
        return Message(Screen.GRANTED, translate("Kiosk", "Welcome, %1").replace("%1", name),
                       translate("Kiosk", "%1. Please go ahead.").replace(
                           "%1", greeting(decision.at)), "granted")
    if outcome is Outcome.VISITOR:
        name = decision.visitor.name if decision.visitor else ""
        return Message(Screen.GRANTED, translate("Kiosk", "Welcome, %1").replace("%1", name),
                       translate("Kiosk", "Visitor pass accepted. Please go ahead."),
                       "granted")
    if outcome is Outcome.PIN_REQUIRED:
        name = decision.match.name if decision.match and decision.match.name else ""
        return Message(Screen.PIN, translate("Kiosk", "Enter your PIN"),
                       translate("Kiosk", "Hello, %1. The door needs your PIN too.").replace(
                           "%1", name), "idle")
    if outcome is Outcome.DENIED and decision.reason is DenyReason.DOOR_FAILED:
        return Message(Screen.DENIED, translate("Kiosk", "The door did not open"),
                       translate("Kiosk", "Please try again or see reception."), "denied")
    if outcome is Outcome.DENIED and decision.reason is DenyReason.NOT_RECORDED:
        # Record, then open: with the event log unwritable nobody is let in unrecorded.
        return Message(Screen.DENIED, translate("Kiosk", "Entries cannot be recorded"),
                       translate("Kiosk", "The door stays shut. Please see reception."),
                       "denied")
    if outcome is Outcome.DENIED:
        title = translate("Kiosk", "Pass refused") if decision.reason in PASS_REFUSALS \
            else translate("Kiosk", "Access denied")
        return Message(Screen.DENIED, title, _refusal(decision.reason), "denied")
    if outcome is Outcome.UNKNOWN:
        if not is_near(update):
            return Message(Screen.HINT, translate("Kiosk", "Please come closer"), "", "idle")
        return Message(Screen.UNKNOWN, translate("Kiosk", "Not recognised"),
                       try_again(cooldown_s) + " " + translate(
                           "Kiosk", "If this keeps happening, please see reception."),
                       "unknown")
    if outcome in (Outcome.SPOOF, Outcome.ALARM) or decision.pending is PendingReason.STEP_OUT:
        return spoof(cooldown_s)
    if outcome is Outcome.MULTIPLE_FACES:
        return Message(Screen.ONE_AT_A_TIME, translate("Kiosk", "One person at a time"),
                       translate("Kiosk", "Please step up alone."), "crowd")
    if outcome is Outcome.PENDING and decision.pending is not None and decision.pending.prompt:
        return Message(Screen.HINT, _hint(decision.pending), "", "idle")
    light = _light(update.light)
    if light is not None and decision.pending is not PendingReason.RECENTLY_DECIDED:
        return light  # the light, not the person, keeps the kiosk from deciding
    if outcome is Outcome.TOO_SMALL:
        return Message(Screen.HINT, translate("Kiosk", "Please come closer"), "", "idle")
    return None


def _light(hint: LightHint) -> Message | None:
    """What the kiosk says when the light, not the person, is the problem."""
    if hint is LightHint.TOO_DARK:
        return Message(Screen.HINT, translate("Kiosk", "Too dark: step closer to the screen"),
                       translate("Kiosk", "The screen lights your face."), "idle")
    if hint is LightHint.BACKLIT:
        return Message(Screen.HINT, translate("Kiosk", "Strong light behind you"),
                       translate("Kiosk", "Step closer to the screen, or turn away from the "
                                          "window."), "idle")
    return None
