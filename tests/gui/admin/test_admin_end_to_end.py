"""End to end: enrolled live in the panel while the kiosk runs, then recognised by that kiosk.

The clip is the nearly still face, so the kiosk's liveness check asks the recognised person to
move their head rather than granting a face that has shown no sign of life.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import dataset
from turnstile.admin.context import AdminContext
from turnstile.admin.source import CameraFrames
from turnstile.config import CameraConfig, Config
from turnstile.gui.admin.enrol import EnrolPage
from turnstile.gui.app import Kiosk
from turnstile.gui.worker import KioskUpdate
from turnstile.types import Outcome, PendingReason
from turnstile.vision.engine import Engine


def _named(updates: list[KioskUpdate], outcome: Outcome, name: str | None) -> bool:
    return any(u.decision.outcome is outcome and u.decision.match is not None
               and (name is None or u.decision.match.name == name) for u in updates)


@pytest.mark.slow
def test_panel_enrolment_reaches_the_running_kiosk(qtbot: QtBot, context: AdminContext,
                                                   config: Config) -> None:
    video = str(dataset("videos", "evm_mit_face.mp4"))
    # The worker thread owns its own engine, as in the kiosk; the panel uses the fixture's.
    kiosk = Kiosk(config, context.database, source=video, loop=True,
                  engine=Engine.from_config(config))
    qtbot.addWidget(kiosk.window)
    updates: list[KioskUpdate] = []
    asked: list[KioskUpdate] = []

    def keep(update: KioskUpdate) -> None:
        if update.final:
            updates.append(update)
        elif update.decision.pending is PendingReason.MOVE_HEAD:
            asked.append(update)

    kiosk.worker.update.connect(keep)
    kiosk.start()
    try:
        qtbot.waitUntil(lambda: _named(updates, Outcome.UNKNOWN, None), timeout=60_000)
        sources: list[CameraFrames] = []

        def open_source() -> CameraFrames:
            sources.append(CameraFrames.open(video, CameraConfig(), pace=False))
            return sources[-1]

        page = EnrolPage(context.enroller, context.people("alice"), open_source,
                         clock=lambda: sources[-1].position_s)
        qtbot.addWidget(page)
        page.name.setText("Face In The Clip")
        page.consent.setChecked(True)
        page.start_button.click()
        qtbot.waitUntil(lambda: page.live.can_finish, timeout=60_000)
        assert page.save(confirmed=False) is not None
        before = len(updates)
        # No reload is asked for: the worker's gallery sees the new templates by itself.
        qtbot.waitUntil(lambda: _named(asked, Outcome.PENDING, "Face In The Clip"),
                        timeout=30_000)
        assert not _named(updates[before:], Outcome.GRANTED, None)
    finally:
        kiosk.stop()
