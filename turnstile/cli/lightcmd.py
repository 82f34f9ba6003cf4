"""`turnstile eval light`: relit real faces, per light family, before and after the rescue."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from turnstile.cli.common import (
    add_model_option,
    add_out_option,
    add_shared_options,
    emit_to_file,
    load_config,
)
from turnstile.config import replace
from turnstile.evaluate.light import (
    CropChange,
    LightEvaluation,
    Split,
    Variant,
    by_family,
    format_rows,
)
from turnstile.evaluate.light import subjects as draw_subjects
from turnstile.evaluate.relight import Family, conditions
from turnstile.vision import cvlog, models
from turnstile.vision.detect import LightRescueDetector, YuNetDetector
from turnstile.vision.engine import build_embedder


def register(actions: Any) -> None:
    parser = actions.add_parser("light", help="relit faces: detection, genuine acceptance and "
                                              "false accepts per light family")
    parser.add_argument("--images", type=Path, required=True, metavar="DIR",
                        help="per-person photo folders (LFW, ORL)")
    parser.add_argument("--people", type=int, default=300, metavar="N",
                        help="people drawn (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draw (default 0)")
    parser.add_argument("--split", choices=[s.value for s in Split], default=Split.ALL.value,
                        help="the drawn people's tuning half, reporting half or all")
    parser.add_argument("--families", default=",".join(f.value for f in Family),
                        help="comma-separated light families (default: all)")
    parser.add_argument("--rescue-score", type=float, metavar="S",
                        help="the second look's score threshold (default: the config's)")
    parser.add_argument("--crop", action="append", default=[], metavar="CHANGE",
                        choices=[c.value for c in CropChange if c is not CropChange.NONE],
                        help="also measure this change to the aligned crop before embedding "
                             "(clahe, denoise_dark, gain_dark; repeatable)")
    add_shared_options(parser, db=False)
    add_out_option(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_model_option(parser)
    parser.set_defaults(func=run_light)


def _variants(args: argparse.Namespace, detector_path: Path, config: Any) -> list[Variant]:
    det = config.detector
    plain = YuNetDetector(detector_path, det)
    rescue_score = det.rescue_score if args.rescue_score is None else args.rescue_score
    rescue_config = replace(det, rescue_score=rescue_score or 0.6)
    second = YuNetDetector(detector_path, rescue_config)
    rescue = LightRescueDetector(second, second, rescue_config)
    variants = [Variant("before", plain), Variant("after", rescue)]
    for change in args.crop:
        variants.append(Variant(f"after+{change}", rescue, CropChange(change)))
    return variants


def run_light(args: argparse.Namespace) -> int:
    config = load_config(args)
    families = tuple(Family(name.strip()) for name in args.families.split(",") if name.strip())
    cvlog.errors_only()
    detector_path = models.model_path(config.models.models_dir(), models.DETECTOR)
    people = draw_subjects(args.images, args.people, args.seed, Split(args.split))
    evaluation = LightEvaluation(YuNetDetector(detector_path, config.detector),
                                 build_embedder(config, args.model),
                                 config.recognition.threshold, progress=not args.quiet)
    started = time.perf_counter()
    rows = evaluation.run(people, conditions(families), _variants(args, detector_path, config))
    seconds = time.perf_counter() - started
    families_rows = by_family(rows)
    lines = [f"{len(people) - len(evaluation.skipped)} people ({len(evaluation.skipped)} "
             f"without a face in good light left out), threshold "
             f"{config.recognition.threshold:g}, {seconds:.0f} s",
             *format_rows(sorted(rows, key=lambda r: (r.condition, r.variant))),
             "per family:",
             *format_rows(sorted(families_rows, key=lambda r: (r.family, r.variant)))]
    payload = {"people": len(people), "skipped": evaluation.skipped,
               "threshold": config.recognition.threshold, "seconds": seconds,
               "rows": [r.as_dict() for r in rows],
               "families": [r.as_dict() for r in families_rows]}
    emit_to_file(args, payload, "\n".join(lines))
    return 0
