"""Live enrolment's camera loop on its own thread, as the kiosk's recognition runs on its own.

The page opens the source (so a camera that cannot open fails at once, on the UI thread) and
hands it over; from then on only this thread reads it and runs the detector, and the UI
thread only shows each analysed frame and feeds the enrolment's state machine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QThread, Signal

from turnstile.admin.source import CameraLostError, FrameSource
from turnstile.types import Image
from turnstile.vision.engine import FaceResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysedFrame:
    """One camera frame with its faces, and the clock reading taken when it was read."""

    image: Image
    faces: Sequence[FaceResult]
    at: float


class EnrolCamera(QThread):
    """Reads `source` and analyses each frame until stopped, the source ends or fails.

    `analysed` carries AnalysedFrame; `ended` carries why it stopped ("" when asked to).
    """

    analysed = Signal(object)
    ended = Signal(str)

    def __init__(self, source: FrameSource, analyse: Callable[[Image], Sequence[FaceResult]],
                 clock: Callable[[], float]) -> None:
        super().__init__()
        self._source = source
        self._analyse = analyse
        self._clock = clock
        self._stop = threading.Event()
        #: Frames the UI has not shown yet; the camera waits rather than queue a backlog.
        self._in_flight = threading.Semaphore(2)

    def stop(self) -> None:
        self._stop.set()
        self._in_flight.release()  # wake a loop waiting for the UI

    def shown(self) -> None:
        """The UI thread has handled one frame; the loop may send another."""
        self._in_flight.release()

    def run(self) -> None:
        reason = ""
        try:
            while not self._stop.is_set():
                self._in_flight.acquire()
                if self._stop.is_set():
                    break
                image = self._source.read()
                if image is None:
                    reason = QCoreApplication.translate(
                        "EnrolPage", "The camera stopped delivering pictures")
                    break
                at = self._clock()
                self.analysed.emit(AnalysedFrame(image, self._analyse(image), at))
        except CameraLostError as exc:
            reason = QCoreApplication.translate("EnrolPage", "The camera failed: %1").replace(
                "%1", str(exc))
        except Exception as exc:  # shown on the page; the panel keeps running
            log.exception("live enrolment stopped")
            reason = QCoreApplication.translate(
                "EnrolPage", "Live enrolment stopped: %1").replace("%1", str(exc))
        finally:
            self._source.close()
        self.ended.emit(reason)
