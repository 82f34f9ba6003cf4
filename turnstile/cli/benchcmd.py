"""`turnstile bench`: speed of every stage, matching, the loop, cold start and memory."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from turnstile import config as config_module
from turnstile.cli.common import add_shared_options


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(float(part)) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of sizes: {text!r}") from exc
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("gallery sizes must be at least 1")
    return sizes


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    # Not built on `parent`: the benchmark reads no gallery (--config, --json, --out only).
    bench = subparsers.add_parser(
        "bench", help="measure speed: stages, 1:N matching, loop fps, cold start, memory")
    add_shared_options(bench, db=False)
    bench.add_argument("--out", type=Path, metavar="FILE",
                       help="also write every figure to this JSON file")
    bench.add_argument("--source", type=Path, metavar="VIDEO",
                       help="video whose real frames are measured (default: the shared "
                            "1zlab_face.mp4 clip beside the project)")
    bench.add_argument("--gallery", type=_positive, default=10_000, metavar="N",
                       help="people enrolled for frame-to-decision (default 10000)")
    bench.add_argument("--repeat", type=_positive, default=30, metavar="N",
                       help="timed runs per figure after warm-up (default 30)")
    bench.add_argument("--warmup", type=int, default=5, metavar="N",
                       help="untimed runs before each figure (default 5)")
    bench.add_argument("--frames", type=_positive, default=16, metavar="N",
                       help="distinct frames taken from the clip (default 16)")
    bench.add_argument("--loop-seconds", type=float, default=8.0, metavar="S",
                       help="seconds the kiosk loop runs for the fps figure (default 8)")
    bench.add_argument("--grant-runs", type=int, default=5, metavar="N",
                       help="presentations timed to GRANTED (default 5; 0 skips)")
    bench.add_argument("--match-sizes", type=_sizes, metavar="N,N,...",
                       default=(1_000, 10_000, 100_000, 1_000_000),
                       help="1:N gallery sizes (default 1e3,1e4,1e5,1e6)")
    bench.add_argument("--cold-starts", type=int, default=3, metavar="N",
                       help="fresh processes for cold start and peak memory (0 skips)")
    bench.add_argument("--no-peers", action="store_true",
                       help="skip the face_recognition side-by-side run")
    bench.add_argument("--peer-python", metavar="PYTHON", default="",
                       help="interpreter that has face_recognition (default: this one)")
    bench.set_defaults(func=run_bench)
    kinds = bench.add_subparsers(dest="bench_kind", metavar="KIND", required=False)
    soak = kinds.add_parser(
        "soak", help="run the real pipeline for N frames on looping clips while another "
                     "process enrols and erases; sample memory, threads, fds, WAL, fps")
    soak.add_argument("--frames", type=_positive, default=20_000, metavar="N", dest="soak_frames",
                      help="frames to process (default 20000)")
    # `--json OUT` is the soak's documented form; `--out` is the project-wide spelling.
    soak.add_argument("--out", "--json", type=Path, metavar="OUT", dest="soak_json",
                      help="write every sample and the summary to this JSON file")
    soak.add_argument("--every", type=_positive, default=500, metavar="N",
                      help="frames between samples (default 500)")
    soak.add_argument("--plot", type=Path, metavar="PNG",
                      help="also draw RSS, threads and WAL size against frames")
    soak.add_argument("--clip", type=Path, action="append", metavar="VIDEO",
                      help="a clip to loop (repeatable; default: the shared face clips)")
    soak.set_defaults(func=run_soak)


def _progress(line: str) -> None:
    print(f"bench: {line}", file=sys.stderr, flush=True)


def run_bench(args: argparse.Namespace) -> int:
    from turnstile.bench import report, suite
    from turnstile.bench.frames import default_video

    config = config_module.load(args.config)
    source = args.source or default_video()
    if source is None:
        raise FileNotFoundError("no benchmark video: pass --source VIDEO (the default clip "
                                "lives in ../shared/datasets/videos/ beside the project)")
    if not Path(source).exists():
        raise FileNotFoundError(f"video {source} does not exist")
    options = suite.BenchOptions(
        source=Path(source), gallery=args.gallery, repeat=args.repeat,
        warmup=max(args.warmup, 0), frames=args.frames, loop_seconds=max(args.loop_seconds, 0.5),
        grant_runs=max(args.grant_runs, 0),
        match_sizes=args.match_sizes,
        cold_starts=max(args.cold_starts, 0), peers=not args.no_peers,
        peer_python=args.peer_python)
    result = suite.run(config, options, _progress)
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(report.text(result))
    if args.out is not None:
        print(f"figures written to {args.out}")
    return 0


def run_soak(args: argparse.Namespace) -> int:
    from turnstile.bench import soak
    from turnstile.bench.frames import default_video

    default = default_video()
    clips = args.clip or ([*sorted(default.parent.glob("*.mp4"))] if default else [])
    if not clips:
        raise FileNotFoundError("no clips: pass --clip VIDEO (the default clips live in "
                                "../shared/datasets/videos/ beside the project)")
    for clip in clips:
        if not clip.exists():
            raise FileNotFoundError(f"video {clip} does not exist")
    report = soak.soak(clips, args.soak_frames, every=args.every,
                       progress=soak.main_progress).as_dict()
    summary = report["summary"]
    print(json.dumps(summary, indent=2))
    if args.soak_json is not None:
        args.soak_json.write_text(json.dumps(report, indent=2) + "\n")
    if args.plot is not None:
        soak.plot(report, args.plot)
    return 0
