"""The settings page's camera row: cameras by name, and a live preview with the recognition
area (`policy.roi`) drawn on it, so an installer sees what the kiosk will see."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from turnstile.access.cameras import CameraDevice
from turnstile.admin.source import CameraLostError, FrameSource
from turnstile.gui.admin.enrolworker import AnalysedFrame, EnrolCamera
from turnstile.gui.admin.widgets import MessageLabel, frame_pixmap
from turnstile.vision.light import as_bgr

#: Width of the preview picture in the form.
PREVIEW_WIDTH = 320
#: The recognition area's outline.
ROI_COLOUR = QColor(255, 200, 0)


class CameraPicker(QWidget):
    """A list of the PC's cameras by name and a Preview button for the source in the form."""

    #: A camera was picked from the list: its index, as camera.source takes it.
    chosen = Signal(str)

    def __init__(self, devices: Sequence[CameraDevice], spec: Callable[[], str],
                 open_source: Callable[[str], FrameSource],
                 roi: Callable[[], tuple[int, ...]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec, self._open_source, self._roi = spec, open_source, roi
        self._camera: EnrolCamera | None = None
        self._area: tuple[int, ...] = ()
        self.devices = QComboBox()
        self.devices.addItem(self.tr("Cameras on this PC...") if devices
                             else self.tr("No camera found on this PC"), None)
        for device in devices:
            self.devices.addItem(device.label, str(device.index))
        self.devices.setEnabled(bool(devices))
        self.preview_button = QPushButton(self.tr("Preview"))
        self.picture = QLabel()
        self.picture.setMinimumHeight(0)
        self.message = MessageLabel()
        row = QHBoxLayout()
        row.addWidget(self.devices, 1)
        row.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.picture)
        layout.addWidget(self.message)
        self.devices.activated.connect(self._picked)
        self.preview_button.clicked.connect(self.toggle)

    @property
    def previewing(self) -> bool:
        return self._camera is not None

    def _picked(self, row: int) -> None:
        index = self.devices.itemData(row)
        if index is not None:
            self.chosen.emit(str(index))

    def toggle(self) -> None:
        if self._camera is not None:
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        """Preview the source the form names now; False (and why) when it cannot open."""
        spec = self._spec().strip()
        try:
            source = self._open_source(spec)
        except (CameraLostError, OSError, ValueError) as exc:
            self.message.error(self.tr("cannot open %1: %2").replace("%1", spec)
                               .replace("%2", str(exc)))
            return False
        self._area = self._roi()
        self.message.setText("")
        self.preview_button.setText(self.tr("Stop preview"))
        # The enrolment reader, with nothing to analyse: frames off the UI thread, no backlog.
        self._camera = EnrolCamera(source, lambda image: (), time.monotonic)
        self._camera.analysed.connect(self._show)
        self._camera.ended.connect(self._ended)
        self._camera.start()
        return True

    def stop(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            camera.stop()
            camera.wait()
            camera.deleteLater()
        self.preview_button.setText(self.tr("Preview"))
        self.picture.clear()  # no stale picture of whoever stood there

    def _show(self, frame: AnalysedFrame) -> None:
        camera = self._camera
        if camera is None or self.sender() is not camera:
            return
        image = as_bgr(frame.image)  # an IR camera's single channel shows as grey
        pixmap = frame_pixmap(image, PREVIEW_WIDTH)
        if len(self._area) == 4:
            scale = PREVIEW_WIDTH / image.shape[1]
            x, y, w, h = (round(v * scale) for v in self._area)
            painter = QPainter(pixmap)
            painter.setPen(QPen(ROI_COLOUR, 2, Qt.PenStyle.DashLine))
            painter.drawRect(x, y, w, h)
            painter.end()
        self.picture.setPixmap(pixmap)
        camera.shown()

    def _ended(self, reason: str) -> None:
        if self._camera is not None and self.sender() is self._camera:
            self.stop()
            if reason:
                self.message.error(reason)
