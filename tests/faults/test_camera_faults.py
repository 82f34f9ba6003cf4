"""Camera faults: a hung read leaks no readers, a frozen picture is a lost camera."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Generator, Iterator

import numpy as np
import pytest

from tests.access.test_pipeline import Script, build
from turnstile.access import camera
from turnstile.access.camera import CameraLostError, DeviceSource, Frame, LatestFrameSource
from turnstile.access.pipeline import CameraState, CameraStatus, run
from turnstile.config import CameraConfig


class HangingCamera:
    """Gives a few frames, then hangs inside its read until `release` is set."""

    name = "hanging"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.opened = 0

    def frames(self) -> Iterator[Frame]:
        self.opened += 1
        yield from Script([0, 0, 0]).frames_
        self.release.wait()  # a driver stuck in read(): nothing can interrupt it


def readers() -> int:
    return sum(t.name.startswith("camera reader") and t.is_alive()
               for t in threading.enumerate())


def test_a_hung_camera_leaks_no_reader_across_reconnects(conn: sqlite3.Connection) -> None:
    hanging = HangingCamera()
    source = LatestFrameSource(hanging, stall_s=0.1)
    stop = threading.Event()
    states: list[CameraState] = []
    most = [0]

    def status(s: CameraStatus) -> None:
        states.append(s.state)
        most[0] = max(most[0], readers())
        if states.count(CameraState.LOST) == 6:
            hanging.release.set()  # the driver comes back
        if states.count(CameraState.RUNNING) == 2:
            stop.set()

    before = readers()
    thread = threading.Thread(target=run, args=(source, build(conn), lambda r: None),
                              kwargs={"camera": CameraConfig(reconnect_s=0.05,
                                                             reconnect_max_s=0.1),
                                      "on_status": status, "stop": stop})
    thread.start()
    thread.join(20)
    hanging.release.set()
    assert not thread.is_alive()
    assert states.count(CameraState.LOST) >= 6 and states.count(CameraState.RUNNING) == 2
    assert most[0] - before <= 1  # one stuck reader at most, never one per reconnect
    assert hanging.opened == 2  # no second capture opened while the first was stuck
    deadline = time.monotonic() + 5
    while readers() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert readers() == before


class FakeCapture:
    """A camera device: `frozen` pictures are all the same, live ones have sensor noise."""

    def __init__(self, frozen: bool) -> None:
        self.frozen = frozen
        self.rng = np.random.default_rng(0)
        self.released = False

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return True

    def set(self, prop: int, value: float) -> bool:
        return True

    def get(self, prop: int) -> float:
        return 0.0  # no exposure control (as many webcams)

    def read(self) -> tuple[bool, np.ndarray]:
        time.sleep(0.01)
        picture = np.full((48, 64, 3), 120, np.uint8)
        if not self.frozen:
            picture = picture + self.rng.integers(0, 3, picture.shape, dtype=np.uint8)
        return True, picture

    def release(self) -> None:
        self.released = True


@pytest.mark.parametrize("frozen", [True, False])
def test_a_frozen_picture_is_a_lost_camera(monkeypatch: pytest.MonkeyPatch,
                                           frozen: bool) -> None:
    device = FakeCapture(frozen)
    monkeypatch.setattr(camera, "_quiet_capture", lambda target: device)
    source = DeviceSource(0, frozen_s=0.3)
    frames = source.frames()
    assert isinstance(frames, Generator)
    started = time.monotonic()
    if frozen:
        with pytest.raises(CameraLostError, match=r"same picture for 0\.3 s"):
            for _ in frames:
                pass
        assert 0.3 <= time.monotonic() - started < 5
        assert device.released
    else:
        count = 0
        for _ in frames:
            count += 1
            if time.monotonic() - started > 0.6:
                break
        frames.close()
        assert count > 10 and device.released
