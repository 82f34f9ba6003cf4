"""Write attack videos of one or more families (see turnstile.access.liveness.families).

Faces come from the live clips (`--videos`: stills for prints, the clips themselves for
replays) and from photo folders (`--photos`, prints only); `--sources` keeps only the named
ones (clip stems or photo folder names), so tuning and held-out sources stay apart. Rooms are
frames of the other clips with their faces blurred away. Each family goes to OUT/<family>/,
with a manifest.json of every presentation's parameters; the videos stay outside the
repository.

    python benchmarks/liveness/generate_attacks.py --videos ../shared/datasets/videos \
        --photos ../shared/datasets/face_recognition_examples --family rolled --family bent \
        --per-family 200 --seconds 3 --seed 100000 --out /somewhere/attacks
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from tqdm import tqdm

from turnstile.access.liveness.evaluate import read_video
from turnstile.access.liveness.families import (
    Family,
    Source,
    draw_spec,
    presentation,
    room_from,
)
from turnstile.access.liveness.passive import image_files
from turnstile.config import Config
from turnstile.types import Face, Image
from turnstile.vision.detect import FaceDetector
from turnstile.vision.engine import build_detector
from turnstile.vision.imageio import ImageError, read_image

#: Every this many frames of a clip is a candidate still.
STILL_STEP = 10
#: Faces smaller than this (pixels) make no usable print.
MIN_SOURCE_FACE = 60


def _largest(faces: list[Face]) -> Face | None:
    faces = [f for f in faces if f.box.size >= MIN_SOURCE_FACE]
    return max(faces, key=lambda f: f.box.size) if faces else None


def clip_sources(path: Path, detector: FaceDetector) -> tuple[list[Source], Source | None,
                                                             tuple[Image, list[Face]]]:
    """Stills of the clip with a face, the clip as a replay source, and a room frame."""
    frames = [frame for _, frame in read_video(path)]
    fps = cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FPS) or 25.0
    stills = []
    first_box = None
    for index in range(0, len(frames), STILL_STEP):
        face = _largest(detector.detect(frames[index]))
        if face is not None:
            stills.append(Source(path.stem, (frames[index],), face.box, fps))
            first_box = first_box or face.box
    middle = frames[len(frames) // 2]
    room = (middle, list(detector.detect(middle)))
    # A replay shows the whole clip; its face box (for sizing) is the first one found.
    replay = Source(path.stem, tuple(frames), first_box, fps) if first_box else None
    return stills, replay, room


def photo_sources(folder: Path, detector: FaceDetector) -> list[Source]:
    sources = []
    for path in image_files([folder]):
        try:
            image = read_image(path)
        except ImageError:
            continue
        face = _largest(detector.detect(image))
        if face is not None:
            sources.append(Source(folder.name, (image,), face.box))
    return sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, required=True, help="folder of live clips")
    parser.add_argument("--photos", type=Path, action="append", default=[])
    parser.add_argument("--family", action="append", choices=[f.value for f in Family])
    parser.add_argument("--sources", help="comma-separated clip stems / photo folder names")
    parser.add_argument("--per-family", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=100000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    keep = set(args.sources.split(",")) if args.sources else None
    detector = build_detector(Config())
    stills: list[Source] = []
    replays: list[Source] = []
    rooms: dict[str, Image] = {}
    for clip in sorted(args.videos.glob("*.mp4")):
        clip_stills, replay, (frame, faces) = clip_sources(clip, detector)
        rooms[clip.stem] = room_from(frame, [f.box for f in faces])
        if keep is None or clip.stem in keep:
            stills += clip_stills
            replays += [replay] if replay else []
    for folder in args.photos:
        if keep is None or folder.name in keep:
            stills += photo_sources(folder, detector)
    families = [Family(f) for f in args.family] if args.family else list(Family)
    for family in families:
        pool = replays if family.replay else stills
        if not pool:
            raise SystemExit(f"no sources with a face for {family.value}")
        generate(family, pool, rooms, args, args.seed + 100_000 * list(Family).index(family))


def generate(family: Family, pool: list[Source], rooms: dict[str, Image],
             args: argparse.Namespace, first_seed: int) -> None:
    out = args.out / family.value
    out.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, Any]] = []
    for k in tqdm(range(args.per_family), desc=family.value):
        seed = first_seed + k
        rng = np.random.default_rng(seed)
        source = pool[int(rng.integers(len(pool)))]
        others = sorted(name for name in rooms if name != source.name)
        room_name = others[int(rng.integers(len(others)))]
        spec = draw_spec(family, source, seed, args.seconds)
        name = f"{family.value}_{source.name}_{seed}.mp4"
        writer = cv2.VideoWriter(str(out / name), cv2.VideoWriter.fourcc(*"mp4v"), spec.fps,
                                 (rooms[room_name].shape[1], rooms[room_name].shape[0]))
        for frame in presentation(spec, source, rooms[room_name]):
            writer.write(frame)
        writer.release()
        record = dataclasses.asdict(spec)
        record["family"] = family.value
        manifest.append({"file": name, "room": room_name, **record})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()
