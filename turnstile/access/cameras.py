"""The cameras this PC has, by name, so an installer picks "Logitech C920", not "device 2"."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

#: Where Linux lists its video devices, each with the name its driver reports.
V4L2_SYSFS = Path("/sys/class/video4linux")
_VIDEO = re.compile(r"^video(\d+)$")


@dataclass(frozen=True)
class CameraDevice:
    """One camera: the index `camera.source` takes, and its name."""

    index: int
    name: str

    @property
    def label(self) -> str:
        return f"{self.index}: {self.name}"


def list_cameras(root: Path = V4L2_SYSFS) -> list[CameraDevice]:
    """Video devices by index with their names (Linux); [] where none are listed.

    A webcam often registers a second node for its metadata stream; only capture nodes (index
    0 of their device, per the `index` file) are listed, as those are the ones that give frames.
    """
    if not sys.platform.startswith("linux") or not root.is_dir():
        return []
    found = []
    for node in root.iterdir():
        match = _VIDEO.match(node.name)
        if match is None or _read(node / "index", "0") != "0":
            continue
        found.append(CameraDevice(int(match.group(1)), _read(node / "name", node.name)))
    return sorted(found, key=lambda d: d.index)


def _read(path: Path, default: str) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip() or default
    except OSError:
        return default
