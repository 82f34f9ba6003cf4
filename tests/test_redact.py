"""Camera and door URLs: their secrets never reach an event, a log line or a message."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from turnstile.access.camera import CameraLostError, DeviceSource
from turnstile.access.door import DoorResult
from turnstile.config import EventsConfig
from turnstile.redact import camera_label, redact_text, redact_url
from turnstile.store import database as storage
from turnstile.store.sqlite.events import EventLog
from turnstile.types import Decision, Outcome

STREAM = "rtsp://admin:hunter2@10.0.0.5:554/Streaming/Channels/101?token=s3cret&fps=10"


@pytest.mark.parametrize(("url", "shown"), [
    (STREAM, "rtsp://***@10.0.0.5:554/Streaming/Channels/101?token=***&fps=10"),
    ("http://relay.local/pulse?api_key=abc&ms=500", "http://relay.local/pulse?api_key=***&ms=500"),
    ("https://user@cam.example/mjpeg", "https://***@cam.example/mjpeg"),
    ("rtsp://10.0.0.5/stream", "rtsp://10.0.0.5/stream"),
    ("0", "0"),
])
def test_urls_lose_passwords_users_and_secret_parameters(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_urls_inside_texts_and_camera_labels() -> None:
    text = f"cannot open {STREAM}: connection refused"
    assert "hunter2" not in redact_text(text) and "s3cret" not in redact_text(text)
    assert redact_text(text).endswith(": connection refused")
    assert camera_label(STREAM) == "rtsp://10.0.0.5:554/Streaming/Channels/101"
    assert camera_label("0") == "camera 0"
    assert camera_label("/srv/clips/door.mp4") == "door.mp4"


def test_event_source_holds_a_label_never_the_password() -> None:
    conn = storage.connect(":memory:")
    log = EventLog(conn, EventsConfig())
    log.record(Decision(Outcome.UNKNOWN, datetime(2026, 3, 2, 9)),
               DoorResult(False, f"POST {STREAM} failed"), source=STREAM)
    dump = "\n".join(conn.iterdump())
    assert "hunter2" not in dump and "s3cret" not in dump
    assert log.recent()[0].source.startswith("rtsp://***@10.0.0.5")
    conn.close()


def test_a_lost_stream_is_named_without_its_password(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    source = DeviceSource("rtsp://admin:hunter2@127.0.0.1:9/none")
    assert source.name == "rtsp://127.0.0.1:9/none"
    with pytest.raises(CameraLostError) as lost:
        next(iter(source.frames()))
    assert "hunter2" not in str(lost.value) and "hunter2" not in caplog.text

