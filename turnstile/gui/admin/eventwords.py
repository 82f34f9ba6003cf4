"""How the events page says an outcome and its reason: words and colours, not codes."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from turnstile.store.records import Event
from turnstile.types import DenyReason, Outcome

translate = QCoreApplication.translate

#: Row colours, the kiosk's banner colours lightened for a table.
COLOURS = {Outcome.GRANTED: QColor("#d7efdf"), Outcome.DENIED: QColor("#f8d9d6"),
           Outcome.UNKNOWN: QColor("#fbe7d0"), Outcome.SPOOF: QColor("#f3d3ec"),
           # Repeated spoof attempts, face access suspended: the strongest colour.
           Outcome.ALARM: QColor("#f2a49c"), Outcome.VISITOR: QColor("#d7e8f7"),
           Outcome.EXIT: QColor("#eeeeee")}


def outcome_words(outcome: Outcome) -> str:
    words = {
        Outcome.GRANTED: translate("Events", "Granted"),
        Outcome.DENIED: translate("Events", "Denied"),
        Outcome.UNKNOWN: translate("Events", "Not recognised"),
        Outcome.SPOOF: translate("Events", "Not a live face"),
        Outcome.ALARM: translate("Events", "Alarm"),
        Outcome.VISITOR: translate("Events", "Visitor"),
        Outcome.EXIT: translate("Events", "Exit button"),
        Outcome.PIN_REQUIRED: translate("Events", "PIN asked"),
    }
    return words.get(outcome, outcome.value)


def reason_words(event: Event) -> str:
    """Why, in a sentence an operator can act on."""
    reasons = {
        DenyReason.INACTIVE: translate("Events", "Person is deactivated"),
        DenyReason.NOT_YET_VALID: translate("Events", "Access has not started yet"),
        DenyReason.EXPIRED: translate("Events", "Access has expired"),
        DenyReason.OUT_OF_SCHEDULE: translate("Events", "Outside their schedule"),
        DenyReason.NOT_IN_GROUP: translate("Events", "Not in a group this door admits"),
        DenyReason.DOOR_FAILED: translate("Events", "The door did not open: %1"),
        DenyReason.SUSPENDED: translate("Events", "Face access is suspended"),
        DenyReason.NOT_RECORDED: translate("Events", "The event log could not be written"),
        DenyReason.PASS_EXPIRED: translate("Events", "Visitor pass expired"),
        DenyReason.PASS_NOT_YET_VALID: translate("Events", "Visitor pass not valid yet"),
        DenyReason.PASS_REVOKED: translate("Events", "Visitor pass revoked"),
        DenyReason.PASS_USED_UP: translate("Events", "Visitor pass already used"),
        DenyReason.PASS_FORGED: translate("Events", "Forged visitor pass (signature wrong)"),
        DenyReason.PASS_MALFORMED: translate("Events", "Unreadable visitor pass"),
        DenyReason.PANEL_DENIED: translate("Events", "The access panel refused: %1"),
        DenyReason.PANEL_NO_ANSWER: translate("Events", "The access panel did not answer: %1"),
        DenyReason.NO_CREDENTIAL: translate("Events", "No card number for the access panel: "
                                                      "%1"),
        DenyReason.WRONG_PIN: translate("Events", "Wrong PIN: %1"),
        DenyReason.PIN_LOCKED: translate("Events", "PIN locked: %1"),
        DenyReason.NO_PIN: translate("Events", "Face and PIN required, but no PIN is set"),
        DenyReason.PIN_EXPIRED: translate("Events", "The PIN came too late"),
        DenyReason.PIN_ALONE: translate("Events", "A PIN alone is not enough for them here"),
    }
    if event.reason in (DenyReason.WRONG_PIN, DenyReason.PIN_LOCKED):
        return reasons[event.reason].replace("%1", event.detail)
    if event.reason is not None:
        return reasons[event.reason].replace("%1", event.door or event.detail)
    if event.outcome is Outcome.UNKNOWN:
        return translate("Events", "No enrolled person was close enough")
    if event.outcome is Outcome.SPOOF:
        return translate("Events", "The liveness check refused the face")
    return event.detail  # an alarm's detail says what happened


def similarity_words(event: Event, threshold: float, margin: float) -> str:
    """The tooltip that turns the two numbers into the rule they were judged by."""
    if event.similarity is None:
        return ""
    text = translate("Events", "Similarity %1 (needs %2); runner-up %3 (needs a lead of %4)")
    runner = "-" if event.runner_up is None else f"{event.runner_up:.2f}"
    return (text.replace("%1", f"{event.similarity:.2f}").replace("%2", f"{threshold:.2f}")
            .replace("%3", runner).replace("%4", f"{margin:.2f}"))
