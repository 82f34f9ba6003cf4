"""Visitor passes at the kiosk: a video of a held-up pass grants; expired, revoked are refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import dataset
from turnstile.access.door import SimulatedDoor
from turnstile.access.passcode import PassClaims, encode, key_path, load_key
from turnstile.admin.passes import IssuedPass, card
from turnstile.config import Config, KioskConfig, LivenessConfig
from turnstile.config import replace as config_replace
from turnstile.configlinks import PassesConfig
from turnstile.gui.app import Kiosk
from turnstile.gui.kiosk import Screen
from turnstile.store import database as storage
from turnstile.store.passes import PassBook
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import DenyReason, Outcome
from turnstile.vision.engine import Engine

WAIT_MS = 30_000


def _issue(db: Path, name: str, start: datetime, hours: float, revoke: bool = False) -> Path:
    """A pass in the site database, and a short video of its card held up in a real frame."""
    conn = storage.connect(db)
    try:
        book = PassBook(conn)
        record = book.issue(name, "Dana", "", start, start + timedelta(hours=hours), "test",
                            datetime.now())
        if revoke:
            record = book.revoke(record.id, "test", datetime.now())
    finally:
        conn.close()
    key = load_key(key_path("", db))
    code = encode(PassClaims(record.id, record.visitor, record.valid_from, record.valid_until),
                  key)
    return _video(card(IssuedPass(record, code)), db.parent / f"pass{record.id}.avi")


def _video(pass_card: np.ndarray, path: Path) -> Path:
    capture = cv2.VideoCapture(str(dataset("videos", "1zlab_face.mp4")))
    ok, background = capture.read()
    capture.release()
    assert ok
    frame = cv2.resize(background, (640, 480))
    small = cv2.resize(pass_card, (250, round(250 * pass_card.shape[0] / pass_card.shape[1])),
                       interpolation=cv2.INTER_AREA)
    frame[20:20 + small.shape[0], 370:370 + small.shape[1]] = small
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (640, 480))
    for _ in range(30):
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture
def make_kiosk(qtbot: QtBot, config: Config, engine: Engine,
               db_path: Path) -> Iterator[Callable[[Path], Kiosk]]:
    kiosks: list[Kiosk] = []

    def make(video: Path) -> Kiosk:
        cfg = config_replace(config, kiosk=KioskConfig(result_s=30.0, fullscreen=False),
                             liveness=LivenessConfig(motion=False),
                             passes=PassesConfig(enabled=True, scan_every=2))
        kiosk = Kiosk(cfg, db_path, str(video), engine=engine, door=SimulatedDoor())
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(1024, 700)
        kiosk.window.show()
        kiosk.start()
        kiosks.append(kiosk)
        return kiosk

    yield make
    for kiosk in kiosks:
        kiosk.stop()


def _events(db: Path) -> list[tuple[Outcome, DenyReason | None, int | None, str | None]]:
    store = SQLiteStore.open(db)
    try:
        return [(e.outcome, e.reason, e.pass_id, e.name) for e in store.events.recent(10)]
    finally:
        store.close()


def test_a_valid_pass_lets_the_visitor_in(make_kiosk: Callable[[Path], Kiosk], db_path: Path,
                                          qtbot: QtBot) -> None:
    video = _issue(db_path, "Zoë Ångström", datetime.now() - timedelta(minutes=5), 8)
    window = make_kiosk(video).window
    qtbot.waitUntil(lambda: window.screen_state is Screen.GRANTED, timeout=WAIT_MS)
    assert window.title.text() == "Welcome, Zoë Ångström"
    assert "Visitor pass" in window.subtitle.text()
    qtbot.waitUntil(lambda: bool(_events(db_path)), timeout=WAIT_MS)
    assert _events(db_path)[-1] == (Outcome.VISITOR, None, 1, "Zoë Ångström")


@pytest.mark.parametrize(("start", "revoke", "reason", "words"), [
    (timedelta(hours=-9), False, DenyReason.PASS_EXPIRED, "expired"),
    (timedelta(hours=-1), True, DenyReason.PASS_REVOKED, "withdrawn"),
])
def test_expired_and_revoked_passes_are_refused_with_the_reason(
        make_kiosk: Callable[[Path], Kiosk], db_path: Path, qtbot: QtBot, start: timedelta,
        revoke: bool, reason: DenyReason, words: str) -> None:
    video = _issue(db_path, "Sam Lee", datetime.now() + start, 8, revoke=revoke)
    kiosk = make_kiosk(video)
    window = kiosk.window
    qtbot.waitUntil(lambda: window.screen_state is Screen.DENIED, timeout=WAIT_MS)
    assert window.title.text() == "Pass refused" and words in window.subtitle.text()
    qtbot.waitUntil(lambda: bool(_events(db_path)), timeout=WAIT_MS)
    assert _events(db_path)[-1] == (Outcome.DENIED, reason, 1, "Sam Lee")
