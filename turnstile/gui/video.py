"""The kiosk's camera view: the newest frame, scaled to fit and mirrored, with face boxes."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from turnstile.types import Box

#: The video area's colour when the screen is a fill light, and otherwise.
FILL_COLOUR, DARK_COLOUR = QColor("#ffffff"), QColor("#101418")


class VideoView(QWidget):
    """Paints the newest camera frame, scaled to fit, with the faces' boxes on top.

    Mirrored by default, as people expect of a screen that shows them: moving left moves
    the picture left. Only the picture is mirrored; recognition sees the camera's frame.
    """

    def __init__(self, parent: QWidget | None = None, mirrored: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("video")
        self.setMinimumSize(160, 120)
        self.mirrored = mirrored
        self._image: QImage | None = None
        self._boxes: tuple[Box, ...] = ()
        self._chosen: Box | None = None
        self._colour = QColor("#ffffff")
        self._background = DARK_COLOUR

    def set_fill(self, on: bool) -> None:
        """Paint the area around the video white: the screen as a fill light."""
        colour = FILL_COLOUR if on else DARK_COLOUR
        if colour != self._background:
            self._background = colour
            self.update()

    @property
    def filling(self) -> bool:
        return self._background == FILL_COLOUR

    @property
    def has_image(self) -> bool:
        return self._image is not None

    def set_image(self, image: QImage) -> None:
        self._image = image
        self.update()

    def set_boxes(self, boxes: tuple[Box, ...], chosen: Box | None, colour: QColor) -> None:
        self._boxes, self._chosen, self._colour = boxes, chosen, colour
        self.update()

    def clear(self) -> None:
        """Forget the last frame and its boxes (a lost camera must not leave a frozen face)."""
        self._image, self._boxes, self._chosen = None, (), None
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background)
        if self._image is not None and not self._image.isNull():
            if self.mirrored:
                # The picture is centred, so mirroring the whole widget mirrors it in place.
                painter.translate(self.width(), 0)
                painter.scale(-1.0, 1.0)
            target = self._fit(self._image.width(), self._image.height())
            painter.drawImage(target, self._image)
            scale = target.width() / self._image.width()
            for box in self._boxes:
                main = box == self._chosen
                painter.setPen(QPen(self._colour if main else QColor("#c8c8c8"), 6 if main else 2))
                painter.drawRect(QRectF(target.x() + box.x * scale, target.y() + box.y * scale,
                                        box.w * scale, box.h * scale))
        painter.end()

    def _fit(self, width: int, height: int) -> QRectF:
        scale = min(self.width() / width, self.height() / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
