"""Repeated print attacks end to end: a video file through the kiosk loop, then the panel."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import dataset
from tests.gui.admin.conftest import cell
from turnstile.access.liveness import attack
from turnstile.admin.context import AdminContext
from turnstile.cli import main
from turnstile.config import Config
from turnstile.gui.admin.eventspage import ALARM_BACKGROUND, EventsPage
from turnstile.gui.admin.window import AdminWindow
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import DenyReason, Outcome
from turnstile.vision.engine import Engine


def print_attacks(path: Path, tries: int) -> Path:
    """`tries` presentations of a hand-held print, each followed by an empty view."""
    capture = cv2.VideoCapture(str(dataset("videos", "instant_high_face.mp4")))
    fps = capture.get(cv2.CAP_PROP_FPS)
    still = np.asarray(capture.read()[1], np.uint8)
    capture.release()
    motion = attack.random_motion(np.random.default_rng(3))
    shown = list(attack.presentation(still, motion, round(3.0 * fps), fps, seed=3))
    empty = [np.full_like(still, 40)] * round(1.5 * fps)
    height, width = still.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    for frame in (shown + empty) * tries:
        writer.write(frame)
    writer.release()
    return path


@pytest.mark.slow
def test_repeated_spoofs_suspend_the_person_and_the_panel_shows_the_alarm(
        qtbot: QtBot, admin_window: AdminWindow, context: AdminContext, engine: Engine,
        config: Config, tmp_path: Path) -> None:
    store = SQLiteStore.open(context.database)
    capture = cv2.VideoCapture(str(dataset("videos", "instant_high_face.mp4")))
    enrolled = engine.embed_largest(np.asarray(capture.read()[1], np.uint8))
    capture.release()
    assert enrolled is not None
    store.templates.add(store.people.add("Iris").id, engine.embedder.name,
                        engine.embedder.dimension, [NewTemplate(enrolled.embedding)])
    store.close()
    settings = tmp_path / "alarm.toml"
    # This print is refused as SPOOF under these motion settings (the defaults before light
    # smoothing); under the defaults it is left undecided, which never opens the door either
    # but raises no alarm. The alarm is what this test is about.
    settings.write_text(f'[models]\ndir = "{config.models.dir}"\ndevice = "cpu"\n\n'
                        "[policy]\ncooldown_s = 1.0\nspoof_alarm_count = 2\n"
                        "spoof_alarm_window_s = 300.0\nspoof_suspend_s = 600.0\n\n"
                        "[liveness]\nalign_tracks = false\nsmooth_light = 0.0\n"
                        "planar_parallax = 0.012\n")
    video = print_attacks(tmp_path / "prints.avi", 3)
    assert main(["replay", str(video), "--db", str(context.database), "--log-events",
                 "--config", str(settings)]) == 0

    store = SQLiteStore.open(context.database)
    events = list(reversed(store.events.recent()))
    store.close()
    assert [e.outcome for e in events] == [Outcome.SPOOF, Outcome.ALARM, Outcome.DENIED]
    assert all(e.name == "Iris" for e in events)
    assert "suspended until" in events[1].detail
    assert events[2].reason is DenyReason.SUSPENDED

    assert admin_window.open_page("events")
    page = admin_window.pages["events"]
    assert isinstance(page, EventsPage)
    page.refresh()
    rows = {cell(page.table, row, 2): row for row in range(page.table.rowCount())}
    assert set(rows) == {"Not a live face", "Alarm", "Denied"}
    alarm = page.table.item(rows["Alarm"], 2)
    assert alarm is not None and alarm.background().color() == ALARM_BACKGROUND
    page.outcome.setCurrentIndex(page.outcome.findData(Outcome.ALARM))
    assert page.table.rowCount() == 1
