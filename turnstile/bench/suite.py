"""The whole benchmark: real frames through every stage, matching sizes, loop, cold start."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from turnstile.bench import coldstart, report
from turnstile.bench.frames import RESOLUTIONS, fit, read_frames, resolution_key
from turnstile.bench.kiosk import run_loop
from turnstile.bench.peers import run_face_recognition
from turnstile.bench.stages import faces_in, match_times, stage_times
from turnstile.bench.synthetic import fill_gallery, unit_vectors
from turnstile.bench.timing import summarize
from turnstile.config import Config, replace
from turnstile.store.gallery import Gallery
from turnstile.store.matcher import TemplateMatrix
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Image
from turnstile.vision.engine import Engine

#: 1:N gallery sizes measured by default (people, one template each).
MATCH_SIZES = (1_000, 10_000, 100_000, 1_000_000)


@dataclass(frozen=True)
class BenchOptions:
    """What to run; the defaults finish in a few minutes on a 2-core machine."""

    #: Video file whose frames are measured (also the camera of the loop and cold start).
    source: Path
    #: People enrolled for frame-to-decision, the loop and cold start.
    gallery: int = 10_000
    #: Timed runs per figure, after `warmup` untimed ones.
    repeat: int = 30
    warmup: int = 5
    #: Distinct frames taken from the clip (cycled through by the timed runs).
    frames: int = 16
    match_sizes: tuple[int, ...] = MATCH_SIZES
    #: Seconds the kiosk loop runs on the paced clip for the fps figure.
    loop_seconds: float = 8.0
    #: Presentations timed from camera start to GRANTED (median and p90 reported).
    grant_runs: int = 5
    #: Fresh processes started for the cold-start figure (median reported; 0 skips it).
    cold_starts: int = 3
    #: Run face_recognition side by side (skipped with a reason when it is not installed).
    peers: bool = True
    #: Interpreter that has face_recognition (e.g. another venv's); empty means this one.
    peer_python: str = ""
    #: HOG upsampling for face_recognition: 0 is its fastest setting, 1 its default.
    peer_upsample: int = 0


Log = Callable[[str], None]


def enrol_clip_person(engine: Engine, gallery: Gallery, image: Image) -> bool:
    """Enrol the largest face of `image` as "clip person"; False when it shows no face."""
    _, faces = faces_in(engine, [image])
    if not faces:
        return False
    result = engine.analyze(image, faces=faces)[0]
    person = gallery.store.people.add("clip person")
    gallery.store.templates.add(person.id, gallery.model, gallery.dimension,
                                [NewTemplate(result.embedding, "benchmark clip")])
    return True


def _enrolled(engine: Engine, gallery: Gallery, enrol: Image, people: int) -> None:
    """The clip's person (from a frame not timed) plus synthetic people, `people` in all."""
    if not enrol_clip_person(engine, gallery, enrol):
        raise ValueError("no face in the clip's first frame to enrol")
    fill_gallery(gallery, unit_vectors(max(people - 1, 0), gallery.dimension, seed=1))


def _matching(sizes: tuple[int, ...], dimension: int, options: BenchOptions,
              log: Log) -> dict[str, Any]:
    if not sizes:
        return {}
    vectors = unit_vectors(max(sizes), dimension, seed=2)
    queries = unit_vectors(64, dimension, seed=3)
    out: dict[str, Any] = {}
    for size in sorted(sizes):
        log(f"1:N match at {size} people")
        matrix = TemplateMatrix(dimension)
        matrix.replace(np.arange(size), vectors[:size])
        out[str(size)] = match_times(matrix, queries, options.warmup, options.repeat).as_dict()
        del matrix
    return out


def _cold_start(config: Config, engine: Engine, enrol: Image, options: BenchOptions,
                log: Log) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="turnstile-bench-") as scratch:
        db = Path(scratch) / "bench.db"
        store = SQLiteStore.open(db)
        _enrolled(engine, engine.gallery(store), enrol, options.gallery)
        store.close()
        config_json = config.model_dump_json()
        runs: list[float] = []
        summaries: list[dict[str, Any]] = []
        for i in range(options.cold_starts):
            log(f"cold start {i + 1}/{options.cold_starts}")
            seconds, summary = coldstart.measure(config_json, db, options.source, 30)
            runs.append(round(seconds, 3))
            summaries.append(summary)
    return {"cold_start_s": float(np.median(runs)), "cold_start_runs_s": runs,
            "cold_start_marks_s": summaries[-1]["marks"],
            "peak_rss_mb": max(s["peak_rss_mb"] for s in summaries)}


def _loop(config: Config, engine: Engine, gallery: Gallery, options: BenchOptions,
          log: Log) -> dict[str, Any]:
    size = RESOLUTIONS[0]
    log(f"kiosk loop for {options.loop_seconds:g} s")
    loop = run_loop(config, engine, gallery, options.source, size, options.loop_seconds)
    out: dict[str, Any] = {"loop_resolution": resolution_key(size), "fps": round(loop.fps, 2),
                           "loop_frames": loop.processed, "loop_dropped": loop.dropped,
                           "agreement_frames": config.policy.agreement_frames}
    out["time_to_grant_ms"] = _time_to_grant(config, engine, gallery, options, log, "")
    if config.liveness.motion:
        # The motion check waits for head movement by design; recognition's own share
        # (detection, agreement frames) is what the speed work can change.
        alone = replace(config, liveness=replace(config.liveness, motion=False))
        out["time_to_grant_recognition_ms"] = _time_to_grant(
            alone, engine, gallery, options, log, " (liveness off)")
    return out


def _time_to_grant(config: Config, engine: Engine, gallery: Gallery, options: BenchOptions,
                   log: Log, label: str) -> dict[str, float] | None:
    """From opening a paced camera on the clip to its enrolled person's GRANTED decision."""
    grants: list[float] = []
    for i in range(options.grant_runs):
        log(f"time to grant{label} {i + 1}/{options.grant_runs}")
        done = run_loop(config, engine, gallery, options.source, RESOLUTIONS[0], 15.0,
                        stop_at_grant=True)
        if done.first_grant_s is None:
            raise ValueError(f"the clip's enrolled person was never granted in "
                             f"{options.source.name}; time to grant cannot be measured")
        grants.append(done.first_grant_s * 1000.0)
    return summarize(grants).as_dict(1) if grants else None


def _side_by_side(sized: dict[str, list[Image]], enrol: Image, ours: dict[str, Any],
                  options: BenchOptions) -> dict[str, Any]:
    """face_recognition on the same frames, and its medians over ours (wall and CPU)."""
    peer = run_face_recognition(sized, enrol, options.gallery, options.warmup, options.repeat,
                                options.peer_python, options.peer_upsample)
    out: dict[str, Any] = {"face_recognition": dataclasses.asdict(peer)}
    if peer.available:
        key = resolution_key(RESOLUTIONS[0])
        theirs = peer.frame_to_decision_ms[key]
        out["face_recognition_ratio"] = round(theirs["median"] / ours[key]["median"], 2)
        if ours[key].get("cpu_median") and theirs.get("cpu_median"):
            out["face_recognition_cpu_ratio"] = round(
                theirs["cpu_median"] / ours[key]["cpu_median"], 2)
    return out


def run(config: Config, options: BenchOptions, log: Log = lambda _: None) -> dict[str, Any]:
    """Every figure of the benchmark as one JSON-ready dict (see benchmarks/README.md)."""
    log(f"reading {options.frames + 1} frames of {options.source}")
    raw = read_frames(options.source, options.frames + 1)
    enrol, timed = fit(raw[0], RESOLUTIONS[0]), raw[1:]
    engine = Engine.from_config(config)
    gallery = engine.gallery(SQLiteStore.open(":memory:", config.events))
    log(f"enrolling {options.gallery} people")
    _enrolled(engine, gallery, enrol, options.gallery)
    result: dict[str, Any] = {
        "machine": report.machine(),
        "threads": report.threads(config, type(engine.embedder).__name__),
        "versions": report.versions(), "source": options.source.name,
        "frames": len(timed), "gallery": gallery.size, "repeat": options.repeat,
        "warmup": options.warmup, "stages_ms": {}, "frame_to_decision_ms": {}}
    sized = {resolution_key(size): [fit(f, size) for f in timed] for size in RESOLUTIONS}
    for key, frames in sized.items():
        log(f"stages at {key}")
        stages = stage_times(engine, gallery, frames, config, options.warmup, options.repeat)
        result["stages_ms"][key] = {k: v.as_dict() for k, v in stages.items()}
        result["frame_to_decision_ms"][key] = stages["frame_to_decision"].as_dict()
    if options.peers:
        log("face_recognition side by side")
        result.update(_side_by_side(sized, enrol, result["frame_to_decision_ms"], options))
    result["match_ms"] = _matching(options.match_sizes, engine.embedder.dimension, options, log)
    result.update(_loop(config, engine, gallery, options, log))
    if options.cold_starts:
        result.update(_cold_start(config, engine, enrol, options, log))
    result["bench_peak_rss_mb"] = round(coldstart.peak_rss_mb(), 1)
    return result
