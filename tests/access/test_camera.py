"""Camera sources: real clips and image folders, losing them, and newest-frame-only reading."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.access.camera import (
    CameraLostError,
    DeviceSource,
    Frame,
    ImageFolderSource,
    LatestFrameSource,
    PathSource,
    VideoFileSource,
    open_source,
    probe,
)
from turnstile.config import CameraConfig

EPOCH = datetime(2026, 3, 2, 9, 0, 0)


def clip() -> Path:
    return dataset("videos", "evm_mit_face.mp4")


def test_video_file_yields_every_frame_on_video_time() -> None:
    frames = list(VideoFileSource(clip(), epoch=EPOCH).frames())
    assert len(frames) == 301
    assert frames[0].image.shape == (592, 528, 3) and frames[0].image.dtype == np.uint8
    assert [f.index for f in frames[:3]] == [0, 1, 2]
    assert frames[30].time_s == pytest.approx(1.0)
    assert frames[30].at == EPOCH + timedelta(seconds=1.0)


def test_loop_repeats_with_time_running_on() -> None:
    source = VideoFileSource(clip(), loop=True, epoch=EPOCH)
    stream = source.frames()
    frames = [next(stream) for _ in range(400)]
    stream.close()  # type: ignore[attr-defined]
    assert frames[301].index == 301
    assert frames[301].time_s == pytest.approx(301 / 30)
    assert np.array_equal(frames[301].image, frames[0].image)


def test_missing_video_is_a_lost_camera(tmp_path: Path) -> None:
    with pytest.raises(CameraLostError, match="cannot open"):
        next(VideoFileSource(tmp_path / "gone.mp4").frames())
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(CameraLostError):
        next(VideoFileSource(broken).frames())


def write_images(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        cv2.imwrite(str(folder / f"{i:03d}.png"), np.full((48, 64, 3), i * 10, np.uint8))


def test_image_folder_plays_in_name_order(tmp_path: Path) -> None:
    write_images(tmp_path / "shots", 3)
    (tmp_path / "shots" / "notes.txt").write_text("not an image")
    frames = list(ImageFolderSource(tmp_path / "shots", fps=2.0, epoch=EPOCH).frames())
    assert [int(f.image[0, 0, 0]) for f in frames] == [0, 10, 20]
    assert frames[2].time_s == 1.0 and frames[2].at == EPOCH + timedelta(seconds=1)


def test_paced_sources_wait_for_each_frame_and_carry_the_wall_clock(tmp_path: Path) -> None:
    write_images(tmp_path / "shots", 3)
    folder = ImageFolderSource(tmp_path / "shots", fps=20.0, loop=True, pace=True, epoch=EPOCH)
    video = VideoFileSource(clip(), loop=False, pace=True, epoch=EPOCH)
    for source, count, fps in ((folder, 7, 20.0), (video, 7, 30.0)):
        started = time.monotonic()
        stream = source.frames()
        frames = [next(stream) for _ in range(count)]
        stream.close()  # type: ignore[attr-defined]
        # Never ahead of the camera's own rate (a lower bound: pacing, not a speed figure).
        assert time.monotonic() - started >= (count - 1) / fps - 0.005
        assert frames[-1].time_s == pytest.approx((count - 1) / fps)
        assert all(f.at > EPOCH + timedelta(days=1) for f in frames)  # the wall clock
        assert [f.at for f in frames] == sorted(f.at for f in frames)


def test_image_folder_deleted_mid_run_is_a_lost_camera(tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    write_images(folder, 5)
    stream = ImageFolderSource(folder, fps=10.0).frames()
    next(stream)
    shutil.rmtree(folder)
    with pytest.raises(CameraLostError):
        next(stream)
    with pytest.raises(CameraLostError, match="cannot read image folder"):
        next(ImageFolderSource(folder, fps=10.0).frames())


def test_empty_folder_is_a_lost_camera(tmp_path: Path) -> None:
    with pytest.raises(CameraLostError, match="no images"):
        next(ImageFolderSource(tmp_path, fps=1.0).frames())


def test_missing_device_is_a_lost_camera() -> None:
    with pytest.raises(CameraLostError, match="cannot open camera 97"):
        next(DeviceSource(97).frames())


def test_open_source_picks_the_kind(tmp_path: Path) -> None:
    config = CameraConfig()
    assert isinstance(open_source("0", config, pace=True), DeviceSource)
    assert isinstance(open_source("rtsp://127.0.0.1/cam", config, pace=True), DeviceSource)
    folder = open_source(str(tmp_path / "later"), config, pace=False)
    assert isinstance(folder, PathSource)
    assert isinstance(folder.resolve(), VideoFileSource)  # missing: taken for a video
    (tmp_path / "later").mkdir()
    assert isinstance(folder.resolve(), ImageFolderSource)  # it appeared as a folder
    video = open_source(str(tmp_path / "a.mp4"), config, pace=False, loop=True)
    assert isinstance(video, PathSource) and video.loop
    resolved = video.resolve()
    assert isinstance(resolved, VideoFileSource) and resolved.loop


class Burst:
    """A fake source that delivers `count` frames as fast as it can, then optionally hangs."""

    name = "burst"

    def __init__(self, count: int, hang: bool = False) -> None:
        self.count = count
        self.hang = hang
        self.release = threading.Event()

    def frames(self) -> Iterator[Frame]:
        for i in range(self.count):
            yield Frame(np.zeros((4, 4, 3), np.uint8), i, i / 30, EPOCH)
        if self.hang:
            self.release.wait(10)


def test_latest_frame_only_skips_what_a_slow_consumer_missed() -> None:
    seen_by_preview: list[int] = []
    source = LatestFrameSource(Burst(200), stall_s=2.0,
                               on_frame=lambda f: seen_by_preview.append(f.index))
    taken = []
    for frame in source.frames():
        taken.append(frame.index)
        time.sleep(0.01)  # the model is slower than the camera
    assert seen_by_preview == list(range(200))  # the preview sees everything
    assert taken == sorted(taken) and taken[-1] == 199  # never behind, ends on the newest
    assert len(taken) < 200 and source.dropped == 200 - len(taken)


def test_a_camera_that_stops_delivering_is_lost() -> None:
    burst = Burst(3, hang=True)
    stream = LatestFrameSource(burst, stall_s=0.3).frames()
    next(stream)
    with pytest.raises(CameraLostError, match="no frame from burst"):
        for _ in stream:
            pass
    burst.release.set()


class Endless:
    """A fake camera that delivers frames until it is closed, and records the close."""

    name = "endless"

    def __init__(self) -> None:
        self.closed = threading.Event()

    def frames(self) -> Iterator[Frame]:
        try:
            index = 0
            while True:
                yield Frame(np.zeros((4, 4, 3), np.uint8), index, index / 30, EPOCH)
                index += 1
                time.sleep(0.005)
        finally:
            self.closed.set()


def test_closing_the_stream_releases_the_camera_before_it_returns() -> None:
    # A capture left open in the reader thread aborts the process at exit inside the video
    # backend, so closing must wait for the reader to let go of the device.
    camera = Endless()
    stream = LatestFrameSource(camera, stall_s=2.0).frames()
    next(stream)
    stream.close()  # type: ignore[attr-defined]
    assert camera.closed.is_set()


def test_latest_frame_passes_on_the_inner_error(tmp_path: Path) -> None:
    source = LatestFrameSource(VideoFileSource(tmp_path / "gone.mp4"), stall_s=2.0)
    with pytest.raises(CameraLostError, match="cannot open"):
        list(source.frames())


def test_probe_opens_the_source_as_the_kiosk_would(tmp_path: Path) -> None:
    """`turnstile check` asks the camera module, which opens sources one way for everyone."""
    config = CameraConfig()
    assert probe(str(clip()), config) is None
    assert probe(str(tmp_path / "gone.mp4"), config) == f"cannot open video {tmp_path / 'gone.mp4'}"
    (tmp_path / "empty").mkdir()
    assert probe(str(tmp_path / "empty"), config) is not None
    assert probe("7", config) == "cannot open camera 7"
