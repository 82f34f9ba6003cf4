"""`turnstile eval liveness` and `turnstile train-liveness`: presentation-attack detection."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from turnstile.access.camera import FALLBACK_FPS
from turnstile.access.liveness import metrics
from turnstile.access.liveness.build import build_check, passive_model
from turnstile.access.liveness.evaluate import Presentation, present_video, video_files
from turnstile.access.liveness.passive import FaceScorer, crops_from, faces_from, image_files
from turnstile.access.liveness.realtime import (
    RealtimeRun,
    Recognition,
    load_average,
    present_realtime,
    presentation_policy,
    start_offsets,
)
from turnstile.access.liveness.verdict import LivenessCheck
from turnstile.access.pipeline import following_detector
from turnstile.cli.common import add_out_option, add_shared_options, emit_to_file, load_config
from turnstile.config import Config
from turnstile.errors import UsageError
from turnstile.types import Face, Image
from turnstile.vision.align import align
from turnstile.vision.engine import Engine, build_detector

#: The APCER the passive model's suggested threshold is chosen for.
TARGET_APCER = 0.01


def _options(parser: argparse.ArgumentParser) -> None:
    add_shared_options(parser, db=False)
    parser.add_argument("--live", type=Path, action="append", required=True, metavar="DIR",
                        help="folder of bona fide captures (repeat for several)")
    parser.add_argument("--attack", type=Path, action="append", required=True, metavar="DIR",
                        help="folder of attack captures (repeat for several)")


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    """`train-liveness`; `eval liveness` is added by the eval group (register_eval)."""
    del parent  # no gallery: --config and --json only
    train = subparsers.add_parser("train-liveness",
                                  help="train the passive liveness CNN (needs the train extra)")
    _options(train)
    train.add_argument("--out", type=Path, required=True, metavar="MODEL.onnx")
    train.add_argument("--epochs", type=int, default=12, metavar="N")
    train.add_argument("--seed", type=int, default=0)
    train.set_defaults(func=run_train)


def register_eval(actions: Any) -> None:
    """`eval liveness`, in the eval command's group (evalcmd owns that parser)."""
    evaluate = actions.add_parser(
        "liveness", help="APCER, BPCER and ACER (ISO/IEC 30107-3) of the liveness check")
    _options(evaluate)
    evaluate.add_argument("--model", type=Path, metavar="MODEL.onnx",
                          help="passive model: an ONNX file from train-liveness or "
                               "`minifasnet` for the vendored models (default: the config's "
                               "liveness.passive_model)")
    evaluate.add_argument("--within", type=float, default=2.0, metavar="S",
                          help="seconds a bona fide video presentation has to be accepted "
                               "(default 2); attack videos run to their end")
    evaluate.add_argument("--starts-every", type=float, default=0.0, metavar="S",
                          help="start a bona fide presentation every S seconds of each live "
                               "video (default 0: one per file)")
    evaluate.add_argument("--realtime", type=int, default=0, metavar="N",
                          help="also run N presentations of each live video as the kiosk "
                               "does: paced in real time, newest frame only, on this "
                               "machine's current load (attack videos stay frame by frame)")
    add_out_option(evaluate)
    evaluate.set_defaults(func=run_eval)


def run_eval(args: argparse.Namespace) -> int:
    config = load_config(args)
    live_videos, attack_videos = video_files(args.live), video_files(args.attack)
    if live_videos or attack_videos:
        if not live_videos or not attack_videos:
            raise UsageError("video evaluation needs videos in both --live and --attack")
        payload = _eval_videos(config, args, live_videos, attack_videos)
    else:
        model = passive_model(config, args.model)
        if model is None:
            raise UsageError("image folders are scored by a passive model: give --model or "
                             "set liveness.passive_model")
        payload = _eval_images(config, args, model)
    emit_to_file(args, payload, _summary(payload))
    return 0


def _eval_videos(config: Config, args: argparse.Namespace, live: list[Path],
                 attack: list[Path]) -> dict[str, Any]:
    detector = build_detector(config)
    model = passive_model(config, args.model)

    def new_check() -> LivenessCheck:
        check = build_check(config, passive=model, challenge=False)
        if check is None:
            raise UsageError("every liveness check is switched off in the config")
        return check

    shown: list[Presentation] = []
    for path in live:
        shown += present_video(path, True, detector, new_check, args.within, args.starts_every)
    for path in attack:
        shown += present_video(path, False, detector, new_check, None, 0.0)
    bona = [p for p in shown if p.bona_fide]
    attacks = [p for p in shown if not p.bona_fide]
    if not bona or not attacks:
        raise UsageError("no complete presentation: are the live videos longer than --within?")
    rates = metrics.ErrorRates(config.liveness.live_parallax,
                               float(np.mean([p.accepted for p in attacks])),
                               float(np.mean([not p.accepted for p in bona])),
                               len(attacks), len(bona))
    payload: dict[str, Any] = {"mode": "video", "operating_point": rates.as_dict(),
                               "within_s": args.within, "files": _per_file(shown)}
    if args.realtime > 0:
        payload["realtime"] = _eval_realtime(config, args, live, new_check)
    return payload


def _eval_realtime(config: Config, args: argparse.Namespace, live: list[Path],
                   new_check: Callable[[], LivenessCheck]) -> dict[str, Any]:
    """BPCER with every live video paced in real time through the kiosk's frame source."""
    engine = Engine.from_config(config)
    size = engine.embedder.input_size

    def recognise(image: Image, face: Face) -> object:
        # As the kiosk embeds a face: mirrored too where recognition.flip_probe.
        return engine.embedder.embed([align(image, face, size)],
                                     flip=config.recognition.flip_probe)

    recognition = Recognition(recognise)

    runs: list[RealtimeRun] = []
    load = [load_average()]
    for path in live:
        for start in start_offsets(_duration(path), args.within, args.realtime):
            detector = following_detector(config, engine.detector)
            policy = presentation_policy(config.policy, config.recognition, new_check())
            runs.append(present_realtime(path, True, start, args.within, detector, policy,
                                         recognition))
            load.append(load_average())
    shown = [run.presentation for run in runs]
    taken = sum(run.frames_taken for run in runs)
    return {"bpcer": float(np.mean([not p.accepted for p in shown])),
            "presentations": len(shown), "files": _per_file(shown),
            "frames_processed_share": taken / max(sum(r.frames_shown for r in runs), 1),
            "frames_recognised_share": sum(r.frames_recognised for r in runs) / max(taken, 1),
            "load_average_1min": {"min": min(load), "median": float(np.median(load)),
                                  "max": max(load)},
            "refused": [_refusal(run) for run in runs if not run.presentation.accepted]}


def _refusal(run: RealtimeRun) -> dict[str, Any]:
    """Where a refused real-time start began and how many frames it got: whether refusals
    gather at one part of a clip or come from starved starts."""
    shown = run.presentation
    return {"file": Path(shown.path).name, "start_s": round(shown.start_s, 3),
            "verdict": shown.verdict.value, "detail": shown.detail,
            "frames_taken": run.frames_taken, "frames_shown": run.frames_shown}


def _duration(path: Path) -> float:
    capture = cv2.VideoCapture(str(path))
    try:
        fps = capture.get(cv2.CAP_PROP_FPS) or FALLBACK_FPS
        return float(capture.get(cv2.CAP_PROP_FRAME_COUNT)) / fps
    finally:
        capture.release()


def _per_file(shown: list[Presentation]) -> list[dict[str, Any]]:
    rows = []
    for path in sorted({p.path for p in shown}):
        mine = [p for p in shown if p.path == path]
        times = [p.decided_after_s for p in mine if p.accepted and p.decided_after_s is not None]
        rows.append({"file": str(path), "bona_fide": mine[0].bona_fide,
                     "presentations": len(mine),
                     "verdicts": dict(Counter(p.verdict.value for p in mine)),
                     "median_s_to_live": float(np.median(times)) if times else None,
                     "max_s_to_live": max(times) if times else None})
    return rows


def _eval_images(config: Config, args: argparse.Namespace, model: FaceScorer) -> dict[str, Any]:
    detector = build_detector(config)
    scores: dict[bool, list[float]] = {}
    missed = 0
    for bona_fide, folders in ((True, args.live), (False, args.attack)):
        files = image_files(folders)
        found = [(image, face) for _, image, face in faces_from(detector, files)]
        missed += len(files) - len(found)
        scores[bona_fide] = [model.live(image, face) for image, face in found]
    at_config = metrics.rates_at(scores[True], scores[False], config.liveness.passive_threshold)
    equal = metrics.equal_error(scores[True], scores[False])
    strict = metrics.threshold_for_apcer(scores[True], scores[False], TARGET_APCER)
    return {"mode": "image", "operating_point": at_config.as_dict(),
            "equal_error": equal.as_dict(), "apcer_1pct": strict.as_dict(),
            "no_face": missed}


def _summary(payload: dict[str, Any]) -> str:
    point = payload["operating_point"]
    lines = [f"APCER {point['apcer']:.2%} of {point['attacks']} attack presentations, "
             f"BPCER {point['bpcer']:.2%} of {point['bona_fide']} bona fide, "
             f"ACER {point['acer']:.2%} (threshold {point['threshold']:.4g})"]
    for row in payload.get("files", []):
        verdicts = ", ".join(f"{k} {v}" for k, v in sorted(row["verdicts"].items()))
        timing = (f"; live after {row['median_s_to_live']:.2f} s median, "
                  f"{row['max_s_to_live']:.2f} s max" if row["median_s_to_live"] else "")
        lines.append(f"  {Path(row['file']).name}: {verdicts}{timing}")
    for key, name in (("equal_error", "equal error"), ("apcer_1pct", "APCER <= 1%")):
        if key in payload:
            r = payload[key]
            lines.append(f"  {name}: threshold {r['threshold']:.4g}, APCER {r['apcer']:.2%}, "
                         f"BPCER {r['bpcer']:.2%}, ACER {r['acer']:.2%}")
    if payload.get("no_face"):
        lines.append(f"  {payload['no_face']} image(s) without a face were skipped")
    if "realtime" in payload:
        real = payload["realtime"]
        lines.append(f"real time (newest frame only, {real['frames_processed_share']:.0%} of "
                     f"frames processed, load {real['load_average_1min']['median']:.1f}): "
                     f"BPCER {real['bpcer']:.2%} of {real['presentations']} presentations")
        for row in real["files"]:
            verdicts = ", ".join(f"{k} {v}" for k, v in sorted(row["verdicts"].items()))
            timing = (f"; live after {row['median_s_to_live']:.2f} s median, "
                      f"{row['max_s_to_live']:.2f} s max" if row["median_s_to_live"] else "")
            lines.append(f"  {Path(row['file']).name}: {verdicts}{timing}")
        for refused in real["refused"]:
            lines.append(f"  refused: {refused['file']} from {refused['start_s']:.2f} s "
                         f"({refused['verdict']}, {refused['frames_taken']} of "
                         f"{refused['frames_shown']} frames)")
    return "\n".join(lines)


def run_train(args: argparse.Namespace) -> int:
    from turnstile.access.liveness import train as training  # torch is optional and slow to import

    config = load_config(args)
    detector = build_detector(config)
    live = [crop for _, crop in crops_from(detector, image_files(args.live))]
    attack = [crop for _, crop in crops_from(detector, image_files(args.attack))]
    print(f"training on {len(live)} live and {len(attack)} attack faces", file=sys.stderr)
    settings = training.TrainSettings(epochs=args.epochs, seed=args.seed)
    network = training.train(live, attack, settings, lambda epoch, loss: print(
        f"epoch {epoch}/{settings.epochs}: loss {loss:.4f}", file=sys.stderr))
    training.export_onnx(network, args.out)
    print(f"wrote {args.out}")
    return 0
