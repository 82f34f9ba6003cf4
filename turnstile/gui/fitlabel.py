"""A label whose text always fits its width: wrapped, then shrunk, then elided; never wider."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

#: Each shrinking step keeps this share of the font size.
SHRINK = 0.9
ELLIPSIS = "\u2026"
_TALL = 100_000


def text_rect(font: QFont, text: str, width: int) -> QRect:
    """The rectangle `text` needs when word-wrapped at `width` pixels in `font`."""
    metrics = QFontMetrics(font)
    return metrics.boundingRect(QRect(0, 0, max(width, 1), _TALL),
                                int(Qt.TextFlag.TextWordWrap), text)


def fits(font: QFont, text: str, width: int, lines: int) -> bool:
    """True when `text` wraps into at most `lines` lines no wider than `width`."""
    rect = text_rect(font, text, width)
    metrics = QFontMetrics(font)
    # n wrapped lines take n-1 line spacings plus one line's height.
    tallest = (lines - 1) * metrics.lineSpacing() + metrics.height()
    return rect.width() <= width and rect.height() <= tallest


def elide(font: QFont, text: str, width: int, lines: int) -> str:
    """The longest start of `text`, ending in an ellipsis, that fits (binary search)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(font, text[:middle].rstrip() + ELLIPSIS, width, lines):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def fit(font: QFont, text: str, width: int, lines: int, px: int,
        min_px: int) -> tuple[int, str]:
    """The largest pixel size from `px` down to `min_px` at which `text` fits, and the text
    to show (elided only when even `min_px` is too large)."""
    size = max(px, min_px)
    trial = QFont(font)
    while True:
        trial.setPixelSize(size)
        if fits(trial, text, width, lines):
            return size, text
        if size <= min_px:
            return size, elide(trial, text, width, lines)
        size = max(min_px, int(size * SHRINK))


class FitLabel(QLabel):
    """Shows its whole text at the largest size that fits on `lines` lines of its width.

    A plain QLabel asks for the width of its longest line, so a long name widens the whole
    window; this one asks for no width at all and adapts to what the layout gives it.
    """

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._lines = lines
        self._px = 40
        self._min_px = 14
        self._fitted: tuple[str, int, int, int] | None = None
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._refit()

    def set_pixel_sizes(self, px: int, min_px: int, lines: int | None = None) -> None:
        self._px, self._min_px = px, min(min_px, px)
        if lines is not None:
            self._lines = lines
        self._refit()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(0, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._refit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._refit()

    def _refit(self) -> None:
        width = self.contentsRect().width()
        if not self.isVisible() or width <= 0:
            # Not laid out yet: its width means nothing; fitted when shown.
            self._fitted = None
            self.setText(self._full)
            return
        key = (self._full, width, self._px, self._lines)
        if key == self._fitted:
            return
        self._fitted = key
        size, shown = fit(self.font(), self._full, width, self._lines, self._px, self._min_px)
        font = QFont(self.font())
        font.setPixelSize(size)
        self.setFont(font)
        self.setText(shown)
        self.updateGeometry()
