"""OpenCV's native log level, where the installed OpenCV lets Python set it (4.10 does not)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import cv2


def _logging() -> Any:
    return getattr(getattr(cv2, "utils", None), "logging", None)


def errors_only() -> None:
    """Hide OpenCV's warnings (its DNN warns about targets on every model load)."""
    module = _logging()
    if module is not None:
        module.setLogLevel(module.LOG_LEVEL_ERROR)


@contextmanager
def silenced() -> Iterator[None]:
    """Silence OpenCV for a block (probing a missing camera prints several backend errors)."""
    module = _logging()
    if module is None:
        yield
        return
    level = module.getLogLevel()
    module.setLogLevel(module.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        module.setLogLevel(level)
