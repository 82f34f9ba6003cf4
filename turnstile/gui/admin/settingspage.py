"""Settings page (administrators only): validated, saved to the TOML config, audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.roles import Actor, PermissionDeniedError
from turnstile.admin.settings import FarCurve, SettingsStore, flatten, to_table
from turnstile.config import Config, ConfigError
from turnstile.gui.admin.reauth import Confirm
from turnstile.gui.admin.widgets import MessageLabel
from turnstile.redact import redact_text


@dataclass(frozen=True)
class Field:
    """One editable setting: dotted key, label, and the widget's range or choices."""

    key: str
    label: str
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    choices: tuple[str, ...] = ()


FIELDS = (
    Field("camera.source", "Camera (index, URL or file)"),
    Field("recognition.threshold", "Match threshold", -1.0, 1.0, 0.01),
    Field("recognition.margin", "Lead over the runner-up", 0.0, 2.0, 0.01),
    Field("policy.agreement_frames", "Agreeing frames before a decision", 1, 30),
    Field("policy.cooldown_s", "Cooldown per person (s)", 0.0, 3600.0, 0.5),
    Field("policy.min_face_px", "Smallest face (pixels)", 20, 4000),
    Field("door.kind", "Door output", choices=("simulated", "serial", "http")),
    Field("door.pulse_s", "Door open pulse (s)", 0.1, 30.0, 0.1),
    Field("events.retention_days", "Keep events (days, 0 = forever)", 0, 36500),
    Field("events.store_thumbnails", "Store a face picture with each event"),
)


def _far_text(curve: FarCurve | None, threshold: float) -> str:
    if curve is None:
        return "false-accept rate: not calibrated yet (run `turnstile calibrate`)"
    far = curve.at(threshold)
    return f"measured false-accept rate at this threshold: {far:.1e} (1 in {1 / far:,.0f})"


class SettingsPage(QWidget):
    """A form over the settings that sites change; Save validates and writes the file."""

    saved = Signal(object)

    def __init__(self, store: SettingsStore, actor: Actor,
                 far_curve: Callable[[], FarCurve | None], parent: QWidget | None = None,
                 *, confirm: Confirm) -> None:
        super().__init__(parent)
        self._store, self._actor, self._far_curve = store, actor, far_curve
        self._confirm = confirm
        self.widgets: dict[str, QWidget] = {}
        #: Text fields shown with their secrets hidden: key -> (shown text, stored value).
        self._hidden: dict[str, tuple[str, str]] = {}
        self.far_label = QLabel()
        self.message = MessageLabel()
        self.save_button = QPushButton("Save")
        form = QFormLayout()
        values = flatten(to_table(store.load()))
        for field in FIELDS:
            widget = self._widget(field, values[field.key])
            self.widgets[field.key] = widget
            form.addRow(field.label, widget)
            if field.key == "recognition.threshold":
                form.addRow("", self.far_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.message)
        layout.addStretch(1)
        threshold = self.widgets["recognition.threshold"]
        assert isinstance(threshold, QDoubleSpinBox)
        threshold.valueChanged.connect(self._update_far)
        self._update_far(threshold.value())
        self.save_button.clicked.connect(self.save)

    def _widget(self, field: Field, value: Any) -> QWidget:
        if field.choices:
            combo = QComboBox()
            combo.addItems(list(field.choices))
            combo.setCurrentText(str(value))
            return combo
        if isinstance(value, bool):
            box = QCheckBox()
            box.setChecked(value)
            return box
        if isinstance(value, int):
            spin = QSpinBox()
            spin.setRange(int(field.low), int(field.high))
            spin.setValue(value)
            return spin
        if isinstance(value, float):
            double = QDoubleSpinBox()
            double.setDecimals(3 if field.step < 0.1 else 1)
            double.setRange(field.low, field.high)
            double.setSingleStep(field.step)
            double.setValue(value)
            return double
        shown = redact_text(str(value))
        if shown != str(value):  # a camera or door URL with a password: never on screen
            self._hidden[field.key] = (shown, str(value))
        return QLineEdit(shown)

    def _update_far(self, threshold: float) -> None:
        self.far_label.setText(_far_text(self._far_curve(), threshold))

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QComboBox):
                values[key] = widget.currentText()
            elif isinstance(widget, QCheckBox):
                values[key] = widget.isChecked()
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                values[key] = widget.value()
            elif isinstance(widget, QLineEdit):
                shown, stored = self._hidden.get(key, ("", ""))
                # Left as shown, the URL keeps its hidden password; typed anew, it is replaced.
                values[key] = stored if key in self._hidden and widget.text() == shown \
                    else widget.text()
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
        self.message.ok(f"saved to {self._store.path}")
        self.saved.emit(config)
        return config
