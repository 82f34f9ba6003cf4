"""The installed Qt binding must not corrupt Python objects the kiosk relies on."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot


class Emitter(QObject):
    value = Signal(object)


def test_signal_emit_keeps_references_to_true(qtbot: QtBot) -> None:
    # PySide6 6.12.0 released one reference to True per emit; the kiosk emits about 60 times a
    # second and the interpreter aborted once True's count reached zero.
    emitter = Emitter()
    seen: list[object] = []
    emitter.value.connect(seen.append)
    before = sys.getrefcount(True)
    for i in range(200):
        emitter.value.emit(i)
    assert len(seen) == 200
    assert sys.getrefcount(True) >= before


def test_qdatetime_keeps_every_field(qtbot: QtBot) -> None:
    from datetime import datetime

    from turnstile.gui.qimage import qdatetime

    value = qdatetime(datetime(2026, 3, 2, 8, 30, 15, 250_000))
    assert value.toString("yyyy-MM-dd HH:mm:ss.zzz") == "2026-03-02 08:30:15.250"
