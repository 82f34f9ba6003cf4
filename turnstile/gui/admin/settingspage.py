"""Settings page (administrators only): widgets built from the config schema, validated,
saved through the one config writer, audited; "Test door" pulses the relay once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from turnstile.access.cameras import CameraDevice
from turnstile.access.door import DoorResult, pulse_once
from turnstile.admin.roles import Actor, PermissionDeniedError
from turnstile.admin.settings import FarCurve, SettingsStore, apply, flatten, to_table
from turnstile.admin.source import FrameSource
from turnstile.config import Config, ConfigError
from turnstile.configmeta import Leaf, leaf
from turnstile.gui.admin.camerapicker import CameraPicker
from turnstile.gui.admin.reauth import Confirm
from turnstile.gui.admin.widgets import MessageLabel
from turnstile.redact import redact_text


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name lupdate finds)
    """Marks `text` for `make translations`; it is translated where it is shown."""
    return text


#: The settings a site changes here, by group: (dotted key, label). Everything else about a
#: widget (type, range, choices, tooltip) comes from the schema.
GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (QT_TRANSLATE_NOOP("SettingsPage", "Camera"), (
        ("camera.source", QT_TRANSLATE_NOOP("SettingsPage", "Camera (index, URL or file)")),
    )),
    (QT_TRANSLATE_NOOP("SettingsPage", "Recognition"), (
        ("recognition.threshold", QT_TRANSLATE_NOOP("SettingsPage", "Match threshold")),
        ("recognition.margin", QT_TRANSLATE_NOOP("SettingsPage", "Lead over the runner-up")),
        ("policy.agreement_frames",
         QT_TRANSLATE_NOOP("SettingsPage", "Agreeing frames before a decision")),
        ("policy.cooldown_s", QT_TRANSLATE_NOOP("SettingsPage", "Cooldown per person (s)")),
        ("policy.min_face_px", QT_TRANSLATE_NOOP("SettingsPage", "Smallest face (pixels)")),
    )),
    (QT_TRANSLATE_NOOP("SettingsPage", "Door"), (
        ("door.kind", QT_TRANSLATE_NOOP("SettingsPage", "Door output")),
        ("door.pulse_s", QT_TRANSLATE_NOOP("SettingsPage", "Open pulse (s)")),
        ("door.serial_port", QT_TRANSLATE_NOOP("SettingsPage", "Serial port")),
        ("door.serial_baud", QT_TRANSLATE_NOOP("SettingsPage", "Serial speed (baud)")),
        ("door.serial_open_hex", QT_TRANSLATE_NOOP("SettingsPage", "Open bytes (hex)")),
        ("door.serial_close_hex", QT_TRANSLATE_NOOP("SettingsPage", "Close bytes (hex, optional)")),
        ("door.serial_open_ack_hex",
         QT_TRANSLATE_NOOP("SettingsPage", "Board's answer to open (hex, optional)")),
        ("door.serial_close_ack_hex",
         QT_TRANSLATE_NOOP("SettingsPage", "Board's answer to close (hex, optional)")),
        ("door.max_open_s", QT_TRANSLATE_NOOP("SettingsPage", "Longest open time (s)")),
        ("door.input_query_hex",
         QT_TRANSLATE_NOOP("SettingsPage", "Input query bytes (hex, optional)")),
        ("door.input_answer_bytes",
         QT_TRANSLATE_NOOP("SettingsPage", "Input answer length (bytes)")),
        ("door.contact_input", QT_TRANSLATE_NOOP("SettingsPage", "Door contact bit (-1: none)")),
        ("door.contact_inverted", QT_TRANSLATE_NOOP("SettingsPage", "Contact bit is 0 while open")),
        ("door.exit_input", QT_TRANSLATE_NOOP("SettingsPage", "Exit button bit (-1: none)")),
        ("door.held_open_s", QT_TRANSLATE_NOOP("SettingsPage", "Held-open alarm after (s)")),
        ("door.input_poll_s", QT_TRANSLATE_NOOP("SettingsPage", "Read inputs every (s)")),
        ("door.http_url", QT_TRANSLATE_NOOP("SettingsPage", "Relay URL")),
        ("door.http_method", QT_TRANSLATE_NOOP("SettingsPage", "HTTP method")),
        ("door.http_body", QT_TRANSLATE_NOOP("SettingsPage", "Request body")),
        ("door.http_timeout_s", QT_TRANSLATE_NOOP("SettingsPage", "Answer timeout (s)")),
        ("door.http_token_file", QT_TRANSLATE_NOOP("SettingsPage", "Token file (0600)")),
        ("door.http_token_env", QT_TRANSLATE_NOOP("SettingsPage", "Token environment variable")),
    )),
    (QT_TRANSLATE_NOOP("SettingsPage", "Access panel (OSDP reader)"), (
        ("osdp.port", QT_TRANSLATE_NOOP("SettingsPage", "RS-485 adapter port")),
        ("osdp.baud", QT_TRANSLATE_NOOP("SettingsPage", "Bus speed (baud)")),
        ("osdp.address", QT_TRANSLATE_NOOP("SettingsPage", "Reader address")),
        ("osdp.secure_channel", QT_TRANSLATE_NOOP("SettingsPage", "Secure channel")),
        ("osdp.key_file",
         QT_TRANSLATE_NOOP("SettingsPage", "Secure channel key file (0600, empty: created)")),
        ("osdp.card_format", QT_TRANSLATE_NOOP("SettingsPage", "Card format")),
        ("osdp.facility_code", QT_TRANSLATE_NOOP("SettingsPage", "Facility code")),
        ("osdp.grant_timeout_s",
         QT_TRANSLATE_NOOP("SettingsPage", "Wait for the panel's answer (s)")),
    )),
    (QT_TRANSLATE_NOOP("SettingsPage", "Kiosk screen"), (
        ("kiosk.language",
         QT_TRANSLATE_NOOP("SettingsPage", "Language (empty: the system's; at the next start)")),
        ("kiosk.result_s", QT_TRANSLATE_NOOP("SettingsPage", "Result shown for (s)")),
        ("kiosk.sounds", QT_TRANSLATE_NOOP("SettingsPage", "Play a sound per result")),
        ("kiosk.speak", QT_TRANSLATE_NOOP("SettingsPage", "Speak the greeting")),
        ("kiosk.mirror", QT_TRANSLATE_NOOP("SettingsPage", "Mirror the camera picture")),
        ("kiosk.clock", QT_TRANSLATE_NOOP("SettingsPage", "Show a clock")),
    )),
    (QT_TRANSLATE_NOOP("SettingsPage", "Events"), (
        ("events.retention_days",
         QT_TRANSLATE_NOOP("SettingsPage", "Keep events (days, 0 = forever)")),
        ("events.store_thumbnails",
         QT_TRANSLATE_NOOP("SettingsPage", "Store a face picture with each event")),
    )),
)
FIELDS: tuple[str, ...] = tuple(key for _, rows in GROUPS for key, _ in rows)
#: Door keys that matter for each door.kind; the others are greyed out.
DOOR_KEYS = {"simulated": ("door.pulse_s",),
             "serial": ("door.pulse_s", "door.serial_port", "door.serial_baud",
                        "door.serial_open_hex", "door.serial_close_hex",
                        "door.serial_open_ack_hex", "door.serial_close_ack_hex",
                        "door.max_open_s", "door.input_query_hex", "door.input_answer_bytes",
                        "door.contact_input", "door.contact_inverted", "door.exit_input",
                        "door.held_open_s", "door.input_poll_s"),
             "http": ("door.pulse_s", "door.http_url", "door.http_method", "door.http_body",
                      "door.http_timeout_s", "door.http_token_file", "door.http_token_env"),
             # The access panel drives the lock; the reader's own settings are [osdp].
             "osdp": ("osdp.port", "osdp.baud", "osdp.address", "osdp.secure_channel",
                      "osdp.key_file", "osdp.card_format", "osdp.facility_code",
                      "osdp.grant_timeout_s")}
INSECURE_TEXT = QT_TRANSLATE_NOOP(
    "SettingsPage", "allow_insecure = true: this kiosk accepts recognition settings below the "
    "security floors; strangers may be let in more often.")


def decimals(item: Leaf) -> int:
    """Digits a float field's spin box shows: fine for similarities, coarse for seconds."""
    bounds = item.bounds
    return 3 if bounds is not None and bounds.high <= 2.0 else 1


def widget_range(item: Leaf) -> tuple[float, float]:
    """The widget's [minimum, maximum]: the schema's bounds, an open end moved in one step."""
    bounds = item.bounds
    assert bounds is not None, item.key
    step = 1.0 if item.kind is int else 10.0 ** -decimals(item)
    return (bounds.low + step if bounds.low_open else bounds.low,
            bounds.high - step if bounds.high_open else bounds.high)


def make_widget(item: Leaf, value: Any) -> QWidget:
    """The editor for one schema field, showing `value`."""
    widget: QWidget
    if item.choices:
        widget = QComboBox()
        widget.addItems(list(item.choices))
        widget.setCurrentText(str(value))
    elif item.kind is bool:
        widget = QCheckBox()
        widget.setChecked(bool(value))
    elif item.kind is int:
        widget = QSpinBox()
        low, high = widget_range(item)
        widget.setRange(int(low), int(high))
        widget.setValue(int(value))
    elif item.kind is float:
        widget = QDoubleSpinBox()
        widget.setDecimals(decimals(item))
        widget.setRange(*widget_range(item))
        widget.setSingleStep(10.0 ** -min(decimals(item), 2))
        widget.setValue(float(value))
    else:
        widget = QLineEdit(str(value))
    widget.setToolTip(item.doc)
    return widget


def widget_value(widget: QWidget) -> Any:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    assert isinstance(widget, QLineEdit)
    return widget.text()


def _far_text(curve: FarCurve | None, threshold: float) -> str:
    if curve is None:
        return QCoreApplication.translate(
            "SettingsPage", "false-accept rate: not calibrated yet (run `turnstile calibrate`)")
    far = curve.at(threshold)
    return QCoreApplication.translate(
        "SettingsPage", "measured false-accept rate at this threshold: %1 (1 in %2)").replace(
        "%1", f"{far:.1e}").replace("%2", f"{1 / far:,.0f}")


class SettingsPage(QWidget):
    """A form over the settings that sites change; Save validates and writes the file."""

    saved = Signal(object)
    door_tested = Signal(object)  # the DoorResult, emitted from the test thread

    def __init__(self, store: SettingsStore, actor: Actor,
                 far_curve: Callable[[], FarCurve | None], parent: QWidget | None = None,
                 *, confirm: Confirm, open_source: Callable[[str], FrameSource] | None = None,
                 cameras: Sequence[CameraDevice] = ()) -> None:
        super().__init__(parent)
        self._store, self._actor, self._far_curve = store, actor, far_curve
        self._confirm = confirm
        self.camera: CameraPicker | None = None
        self._open_source, self._cameras = open_source, cameras
        self.widgets: dict[str, QWidget] = {}
        #: Text fields shown with their secrets hidden: key -> (shown text, stored value).
        self._hidden: dict[str, tuple[str, str]] = {}
        self.far_label = QLabel()
        self.insecure_banner = QLabel(self.tr(INSECURE_TEXT))
        self.insecure_banner.setProperty("kind", "error")  # red in assets/admin.qss
        self.insecure_banner.setWordWrap(True)
        self.message = MessageLabel()
        self.door_message = MessageLabel()
        self.save_button = QPushButton(self.tr("Save"))
        self.test_door_button = QPushButton(self.tr("Test door"))
        self.test_door_button.setToolTip(
            self.tr("Pulse the door once with the settings shown here"))
        config = store.load()
        layout = QVBoxLayout(self)
        layout.addWidget(self.insecure_banner)
        self.insecure_banner.setVisible(config.allow_insecure)
        values = flatten(to_table(config))
        for title, rows in GROUPS:
            layout.addWidget(self._group(title, rows, values))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)
        threshold = self.widgets["recognition.threshold"]
        assert isinstance(threshold, QDoubleSpinBox)
        threshold.valueChanged.connect(self._update_far)
        self._update_far(threshold.value())
        kind = self.widgets["door.kind"]
        assert isinstance(kind, QComboBox)
        kind.currentTextChanged.connect(self._door_kind_changed)
        self._door_kind_changed(kind.currentText())
        self.save_button.clicked.connect(self.save)
        self.test_door_button.clicked.connect(self.test_door)
        self.door_tested.connect(self._show_door_result)

    def _group(self, title: str, rows: tuple[tuple[str, str], ...],
                values: dict[str, Any]) -> QGroupBox:
        box = QGroupBox(self.tr(title))
        form = QFormLayout(box)
        for key, label in rows:
            widget = make_widget(leaf(Config, key), values[key])
            if isinstance(widget, QLineEdit):
                shown = redact_text(str(values[key]))
                if shown != str(values[key]):  # a camera or door URL's password: never shown
                    self._hidden[key] = (shown, str(values[key]))
                    widget.setText(shown)
            self.widgets[key] = widget
            form.addRow(self.tr(label), widget)
            if key == "recognition.threshold":
                form.addRow("", self.far_label)
            if key == "camera.source" and self._open_source is not None:
                form.addRow("", self._camera_picker(widget))
        if title == "Door":
            form.addRow(self.test_door_button, self.door_message)
        return box

    def _camera_picker(self, source: QWidget) -> CameraPicker:
        assert isinstance(source, QLineEdit)
        assert self._open_source is not None
        self.camera = CameraPicker(self._cameras, source.text, self._open_source,
                                   lambda: self._store.load().policy.roi)
        self.camera.chosen.connect(source.setText)
        return self.camera

    def _door_kind_changed(self, kind: str) -> None:
        relevant = DOOR_KEYS.get(kind, ())
        for key in FIELDS:
            if key.startswith(("door.", "osdp.")) and key != "door.kind":
                self.widgets[key].setEnabled(key in relevant)

    def _update_far(self, threshold: float) -> None:
        self.far_label.setText(_far_text(self._far_curve(), threshold))

    def values(self) -> dict[str, Any]:
        values = {key: widget_value(widget) for key, widget in self.widgets.items()}
        for key, (shown, stored) in self._hidden.items():
            # Left as shown, the URL keeps its hidden password; typed anew, it is replaced.
            if values[key] == shown:
                values[key] = stored
        return values

    def save(self) -> Config | None:
        confirmed = self._confirm("change the settings")
        if not confirmed.ok:
            self.message.error(confirmed.reason)
            return None
        try:
            config = self._store.save(self.values(), self._actor)
        except (ConfigError, OSError, PermissionDeniedError) as exc:
            self.message.error(str(exc))
            return None
        self.message.ok(self.tr("saved to %1").replace("%1", str(self._store.path)))
        self.insecure_banner.setVisible(config.allow_insecure)
        self.saved.emit(config)
        return config

    def test_door(self) -> bool:
        """Pulse the door shown in the form (saved or not) once, off the UI thread; the
        answer appears beside the button. False when the form's door is not valid."""
        try:
            door = apply(self._store.load(), self.values()).door
        except ConfigError as exc:
            self.door_message.error(str(exc))
            return False
        self.test_door_button.setEnabled(False)
        self.door_message.setText(self.tr("pulsing the door (%1) ...").replace("%1", door.kind))

        def run() -> None:
            try:
                result = pulse_once(door)
            except Exception as exc:  # a driver bug must not leave the button disabled
                result = DoorResult(False, str(exc))
            self.door_tested.emit(result)

        threading.Thread(target=run, name="door-test", daemon=True).start()
        return True

    def _show_door_result(self, result: DoorResult) -> None:
        self.test_door_button.setEnabled(True)
        if result.opened:
            self.door_message.ok(self.tr("door answered: %1").replace("%1", result.detail))
        else:
            self.door_message.error(self.tr("door did not open: %1").replace("%1", result.detail))
