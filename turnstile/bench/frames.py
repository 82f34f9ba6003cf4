"""Real frames for benchmarks: read from a video file and fitted to the camera resolutions."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from turnstile.types import Image

#: The camera resolutions every stage is measured at (width, height).
RESOLUTIONS: tuple[tuple[int, int], ...] = ((640, 480), (1280, 720))
#: A frontal talking-head clip: the closest of the shared clips to a turnstile camera.
DEFAULT_CLIP = "1zlab_face.mp4"
_DATASET_VIDEOS = Path("shared") / "datasets" / "videos"


def resolution_key(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def default_video(start: Path | None = None) -> Path | None:
    """The default clip beside the project (../shared/datasets/videos/), if present."""
    roots = [Path.cwd(), Path(__file__).resolve().parents[2]] if start is None else [start]
    for root in roots:
        candidate = root.parent / _DATASET_VIDEOS / DEFAULT_CLIP
        if candidate.exists():
            return candidate
    return None


def read_frames(path: Path, count: int) -> list[Image]:
    """`count` frames spread evenly over the clip (decoded in order: seeking is unreliable)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ValueError(f"cannot open video {path}")
    try:
        frames: list[Image] = []
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            frames.append(np.asarray(frame, np.uint8))
    finally:
        capture.release()
    if not frames:
        raise ValueError(f"{path} has no decodable frames")
    picks = np.linspace(0, len(frames) - 1, min(count, len(frames))).round().astype(int)
    return [frames[i] for i in picks]


def fit(frame: Image, size: tuple[int, int]) -> Image:
    """Centre-crop to the target aspect ratio, then resize (what a camera mode would give)."""
    width, height = size
    rows, cols = frame.shape[:2]
    if cols * height > rows * width:
        keep = round(rows * width / height)
        frame = frame[:, (cols - keep) // 2 : (cols - keep) // 2 + keep]
    else:
        keep = round(cols * height / width)
        frame = frame[(rows - keep) // 2 : (rows - keep) // 2 + keep]
    shrink = frame.shape[1] > width
    resized = cv2.resize(frame, (width, height),
                         interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return np.ascontiguousarray(resized, dtype=np.uint8)
