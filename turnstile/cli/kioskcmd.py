"""`turnstile kiosk` (the full-screen screen) and `turnstile replay VIDEO` (the same, headless)."""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from turnstile.access.camera import open_source
from turnstile.access.door import SimulatedDoor
from turnstile.access.pipeline import FrameResult, Pipeline, run
from turnstile.cli.common import add_model_option, database_path, emit, load_config, warn
from turnstile.config import Config
from turnstile.store import upkeep
from turnstile.store.sqlite import SQLiteStore
from turnstile.store.sqlite.events import scratch_log
from turnstile.vision import models
from turnstile.vision.engine import Engine


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    kiosk = subparsers.add_parser("kiosk", parents=[parent],
                                  help="start the full-screen kiosk (installs models if needed)")
    kiosk.add_argument("--source", metavar="SOURCE",
                       help="camera index, RTSP/HTTP URL, video file or image folder "
                            "(default: camera.source from the config)")
    kiosk.add_argument("--loop", action="store_true", help="repeat a file source when it ends")
    kiosk.add_argument("--windowed", action="store_true", help="a window, not full screen")
    add_model_option(kiosk)
    kiosk.set_defaults(func=run_kiosk)

    replay = subparsers.add_parser(
        "replay", parents=[parent],
        help="run the kiosk's recognition and policy on a recording, without a window")
    replay.add_argument("video", type=Path, metavar="VIDEO", help="video file or image folder")
    replay.add_argument("--log-events", action="store_true",
                        help="also write the decisions into the database's event log")
    add_model_option(replay)
    replay.set_defaults(func=run_replay)


def ensure_models(config: Config) -> None:
    """Install the default models on first use (the kiosk must start from one command)."""
    if config.models.embedder:
        return
    directory = config.models.models_dir()
    problems = models.verify(directory)
    if problems:
        warn(f"models need installing ({problems[0]}); installing into {directory}")
        for line in models.install(directory):
            warn(line)


def run_kiosk(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = load_config(args)
    ensure_models(config)
    database = database_path(args, config)
    # A restore chosen in the admin panel swaps the file now, before anything opens it.
    upkeep.apply_pending_restore(database)
    from turnstile.gui.app import run_app  # Qt only loads for the kiosk itself

    return run_app(config, database, source=args.source, loop=args.loop,
                   model=args.model, fullscreen=not args.windowed and config.kiosk.fullscreen,
                   config_path=args.config)


def _line(result: FrameResult) -> dict[str, Any]:
    decision = result.decision
    match = decision.match
    named = decision.outcome.value != "unknown" and match is not None
    return {
        "frame": result.frame.index,
        "time_s": round(result.frame.time_s, 3),
        "outcome": decision.outcome.value,
        "name": match.name if named and match else None,
        "similarity": round(match.similarity, 4) if match else None,
        "runner_up": round(match.runner_up, 4) if match else None,
        "reason": decision.reason.value if decision.reason else None,
        "detail": decision.detail,
        "pending": decision.pending.value if decision.pending else None,
    }


def run_replay(args: argparse.Namespace) -> int:
    config = load_config(args)
    if not args.video.exists():
        raise FileNotFoundError(f"{args.video} does not exist")
    engine = Engine.from_config(config, args.model)
    store = SQLiteStore.open(database_path(args, config), config.events)
    gallery = engine.gallery(store)
    pipeline = Pipeline.build(config, engine, gallery, SimulatedDoor(config.door.pulse_s),
                              source_name=str(args.video))
    if not args.log_events:
        # Decisions from a recording stay out of the site's event log unless asked for.
        pipeline.events = scratch_log()
    source = open_source(str(args.video), config.camera, pace=False, loop=False,
                         epoch=datetime.now())

    def show(result: FrameResult) -> None:
        if result.final:
            line = _line(result)
            emit(args, line, f"{line['time_s']:8.2f} s  frame {line['frame']:5d}  "
                 f"{line['outcome'].upper():8} {line['name'] or '-':24} "
                 f"{line['similarity'] if line['similarity'] is not None else '-'}"
                 f"{'  ' + line['detail'] if line['detail'] else ''}")

    try:
        summary = run(source, pipeline, show, camera=config.camera, reconnect=False)
    finally:
        store.close()
    counts = Counter({o.value: n for o, n in summary.outcomes.items()})
    payload = {"summary": {"frames": summary.frames, "decisions": dict(sorted(counts.items()))}}
    emit(args, payload, f"{summary.frames} frames; " + (", ".join(
        f"{n} {o}" for o, n in sorted(counts.items())) or "no decisions"))
    return 0
