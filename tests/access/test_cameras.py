"""Cameras listed by name from the kernel's video device list (a sysfs tree in tmp_path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from turnstile.access.cameras import CameraDevice, list_cameras

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="video devices are listed from Linux's sysfs")


def _node(root: Path, name: str, device: str, index: str | None = "0") -> None:
    node = root / name
    node.mkdir(parents=True)
    (node / "name").write_text(device + "\n")
    if index is not None:
        (node / "index").write_text(index + "\n")


def test_capture_nodes_by_index_with_their_names(tmp_path: Path) -> None:
    _node(tmp_path, "video2", "Logitech C920")
    _node(tmp_path, "video3", "Logitech C920", index="1")  # its metadata node: no frames
    _node(tmp_path, "video0", "Integrated Camera: Integrated C")
    _node(tmp_path, "video10", "USB IR camera", index=None)  # older kernels have no index
    (tmp_path / "v4l-subdev0").mkdir()
    assert list_cameras(tmp_path) == [CameraDevice(0, "Integrated Camera: Integrated C"),
                                      CameraDevice(2, "Logitech C920"),
                                      CameraDevice(10, "USB IR camera")]
    assert list_cameras(tmp_path)[1].label == "2: Logitech C920"


def test_no_video_devices_is_an_empty_list(tmp_path: Path) -> None:
    assert list_cameras(tmp_path / "missing") == []
    assert list_cameras(tmp_path) == []
