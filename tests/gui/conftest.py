"""Kiosk tests run on Qt's own plugins, not the ones importing cv2 pointed Qt at."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from turnstile.gui import release_qt_env

release_qt_env()


@pytest.fixture(scope="session", autouse=True)
def collect_qt_objects_while_qt_lives() -> Iterator[None]:
    """Free dropped Qt wrappers before interpreter shutdown: PySide6 6.12 can abort when its
    garbage is first collected during finalisation (seen after a worker thread's signals
    were connected to Python lambdas)."""
    yield
    gc.collect()
