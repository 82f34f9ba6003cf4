"""`turnstile eval lfw|pairs|identify` and `turnstile calibrate`: accuracy on real data."""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from turnstile.admin.settings import CALIBRATION_FILE
from turnstile.cli import lightcmd, livenesscmd
from turnstile.cli.common import (
    add_model_option,
    add_out_option,
    add_shared_options,
    emit_to_file,
    load_config,
)
from turnstile.config import Config
from turnstile.errors import UsageError
from turnstile.evaluate import calibrate as calibration
from turnstile.evaluate import identify, lfw
from turnstile.evaluate.embedding import Pick, SetEmbedder, Settings, default_cache_dir
from turnstile.evaluate.pairs import read_lfw_pairs, read_pairs_csv
from turnstile.evaluate.protocol import (
    SHUFFLED_FOLDS,
    FoldResult,
    accuracy_at,
    best_threshold,
    kfold_accuracy,
    roc_curve,
    shuffled_folds,
)

#: Files taken as images in per-person folders.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".pgm", ".bmp", ".webp"})


def _common(parser: argparse.ArgumentParser, pick: Pick) -> None:
    add_shared_options(parser, db=False)
    add_out_option(parser)
    parser.add_argument("--pick", choices=[p.value for p in Pick], default=pick.value,
                        help=f"which face of a several-face image is meant (default {pick.value})")
    parser.add_argument("--min-score", type=float, metavar="S",
                        help="detector confidence for a face (default: the config's); below it "
                             "the centre crop is used")
    parser.add_argument("--flip", action=argparse.BooleanOptionalAction, default=None,
                        help="add the mirrored face's embedding (default: the config's)")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help=f"embedding cache (default {default_cache_dir()})")
    parser.add_argument("--no-cache", action="store_true", help="embed everything afresh")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_model_option(parser)


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    del parent  # eval commands read no gallery: --config, --json and --out only
    group = subparsers.add_parser("eval", help="measure accuracy on labelled real faces")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    lfw_parser = actions.add_parser("lfw", help="the LFW View 2 10-fold protocol")
    lfw_parser.add_argument("--images", type=Path, required=True, metavar="DIR",
                            help="LFW image folder (one sub-folder per person)")
    lfw_parser.add_argument("--pairs", type=Path, required=True, metavar="FILE",
                            help="LFW pairs.txt")
    lfw_parser.add_argument("--plot", type=Path, metavar="OUT.png",
                            help="histogram, ROC and DET chart")
    _common(lfw_parser, Pick.CENTER)
    lfw_parser.set_defaults(func=run_lfw)

    pairs = actions.add_parser("pairs", help="any CSV of labelled pairs: path_a,path_b,same")
    pairs.add_argument("--csv", type=Path, required=True, metavar="FILE")
    pairs.add_argument("--root", type=Path, metavar="DIR",
                       help="folder relative image paths start from (default: the CSV's)")
    pairs.add_argument("--plot", type=Path, metavar="OUT.png")
    _common(pairs, Pick.LARGEST)
    pairs.set_defaults(func=run_pairs)

    lightcmd.register(actions)
    livenesscmd.register_eval(actions)

    ident = actions.add_parser("identify", help="open-set 1:N on LFW: enrolled people and "
                                                "strangers")
    ident.add_argument("--images", type=Path, required=True, metavar="DIR")
    ident.add_argument("--plot", type=Path, metavar="OUT.png", help="DET curves")
    _common(ident, Pick.CENTER)
    _probe_option(ident)
    ident.set_defaults(func=run_identify)

    cal = subparsers.add_parser("calibrate", help="recommend the 1:N threshold and margin")
    cal.add_argument("--far", type=float, required=True,
                     help="tolerated rate of strangers let in per attempt, e.g. 1e-4")
    cal.add_argument("--gallery-size", type=int, default=1000, metavar="N",
                     help="number of enrolled people to plan for (default 1000)")
    cal.add_argument("--images", type=Path, required=True, metavar="DIR",
                     help="LFW image folder (one sub-folder per person)")
    cal.add_argument("--write-config", type=Path, metavar="PATH",
                     help="set recognition.threshold and .margin in this TOML file")
    _common(cal, Pick.CENTER)
    _probe_option(cal)
    cal.set_defaults(func=run_calibrate)


def _probe_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--flip-probe", action=argparse.BooleanOptionalAction, default=None,
                        help="add the mirrored face's embedding to searches too, as "
                             "recognition.flip_probe does at the kiosk (default: the "
                             "config's); enrolled photos follow --flip")


def _settings(args: argparse.Namespace, config: Config) -> Settings:
    min_score = config.detector.score_threshold if args.min_score is None else args.min_score
    flip = config.recognition.flip_augment if args.flip is None else args.flip
    if not hasattr(args, "flip_probe"):  # pair protocols: both sides alike
        return Settings(Pick(args.pick), min_score, flip)
    probe = config.recognition.flip_probe if args.flip_probe is None else args.flip_probe
    return Settings(Pick(args.pick), min_score, flip, probe)


def _embedder(args: argparse.Namespace, config: Config) -> SetEmbedder:
    cache = None if args.no_cache else (args.cache_dir or default_cache_dir())
    return SetEmbedder(config, args.model, cache, progress=not args.quiet)


def _images(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    paths = sorted(p for p in folder.glob("*/*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        raise UsageError(f"{folder} holds no images in per-person sub-folders")
    return paths


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"


def run_lfw(args: argparse.Namespace) -> int:
    config = load_config(args)
    pairs = read_lfw_pairs(args.pairs, args.images)
    started = time.perf_counter()
    result = lfw.evaluate(pairs, _embedder(args, config), _settings(args, config))
    payload = result.to_json()
    payload["seconds"] = round(time.perf_counter() - started, 1)
    lines = [
        f"LFW: {len(pairs.pairs):,} pairs in {len(result.folds.accuracies)} folds, "
        f"{result.images:,} images, model {result.model}",
        f"accuracy         {_pct(result.folds.accuracy)} +- {_pct(result.folds.accuracy_std)} "
        f"(threshold {result.folds.threshold:.3f}, chosen on the other folds)",
        f"AUC              {result.auc:.4f}",
    ]
    lines += [f"TAR @ FAR={p.far_target:<7g} {_pct(p.tar)} (threshold {p.threshold:.3f}"
              f"{'' if p.resolved else ', too few impostors'})" for p in result.operating]
    lines += [f"impostor pairs   {result.extended.impostor.size:,} (every cross-identity pair "
              f"of the images) for TAR@FAR",
              f"no face found    {len(result.no_face)} image(s); centre crop used instead",
              f"time             {payload['seconds']:.0f} s"]
    if args.plot:
        from turnstile.evaluate.plots import verification_figure

        verification_figure(result.extended.genuine, result.extended.impostor,
                            config.recognition.threshold, "LFW verification", args.plot)
    emit_to_file(args, payload, "\n".join(lines))
    return 0


def run_pairs(args: argparse.Namespace) -> int:
    config = load_config(args)
    pairs = read_pairs_csv(args.csv, args.root)
    pairs.check_files()
    embedded = _embedder(args, config).embed(pairs.images, _settings(args, config))
    scores = lfw.pair_scores(embedded, pairs)
    labels = pairs.labels
    configured = config.recognition.threshold
    payload = _pairs_payload(scores, labels, configured)
    payload.update(pairs=len(pairs.pairs), same_pairs=int(labels.sum()),
                   no_face=int(embedded.no_face.sum()), images=len(embedded.paths),
                   model=embedded.model)
    cv = ("" if payload["accuracy_cv"] is None else
          f"accuracy {_pct(payload['accuracy_cv'])} +- {_pct(payload['accuracy_cv_std'])} with "
          f"the threshold chosen on the other folds ({SHUFFLED_FOLDS}-fold)\n")
    text = (f"{len(pairs.pairs):,} pairs ({int(labels.sum())} same), {len(embedded.paths)} images"
            f", model {embedded.model}\n"
            f"accuracy {_pct(payload['accuracy'])} at the best threshold "
            f"{payload['threshold']:.3f}\n{cv}"
            f"accuracy {_pct(payload['accuracy_at_threshold'])} at the configured threshold "
            f"{configured:.3f} ({payload['false_accepts_at_threshold']} different-person pairs "
            f"accepted, {payload['false_rejects_at_threshold']} same-person pairs refused)"
            f"\nno face found in {payload['no_face']} image(s); centre crop used")
    if args.plot and labels.any() and (~labels).any():
        from turnstile.evaluate.plots import verification_figure

        verification_figure(scores[labels], scores[~labels], configured, args.csv.name,
                            args.plot)
    emit_to_file(args, payload, text)
    return 0


def _pairs_payload(scores: np.ndarray, labels: np.ndarray, configured: float) -> dict[str, Any]:
    """Accuracy at the best threshold, cross-validated, and at the configured threshold."""
    threshold = best_threshold(scores, labels)
    cv = _cross_validated(scores, labels)
    accepted = scores >= configured
    return {
        "accuracy": round(accuracy_at(scores, labels, threshold), 6),
        "accuracy_cv": None if cv is None else round(cv.accuracy, 6),
        "accuracy_cv_std": None if cv is None else round(cv.accuracy_std, 6),
        "threshold": round(threshold, 4),
        "accuracy_at_threshold": round(accuracy_at(scores, labels, configured), 6),
        "configured_threshold": configured,
        "false_accepts_at_threshold": int(np.count_nonzero(~labels & accepted)),
        "false_rejects_at_threshold": int(np.count_nonzero(labels & ~accepted)),
    }


def _cross_validated(scores: np.ndarray, labels: np.ndarray) -> FoldResult | None:
    """k-fold accuracy over a fixed-seed shuffle: the best threshold on the same pairs flatters."""
    if len(scores) < 2 * SHUFFLED_FOLDS:
        return None
    return kfold_accuracy(scores, labels, shuffled_folds(len(scores)))


def run_identify(args: argparse.Namespace) -> int:
    config = load_config(args)
    embedded = _embedder(args, config).embed(_images(args.images), _settings(args, config))
    rec = config.recognition
    result = identify.evaluate(embedded, rec.threshold, rec.margin)
    payload = result.to_json()
    lines = [f"open-set 1:N: {result.enrolled:,} people enrolled (one photo each), "
             f"{payload['mated_searches']:,} searches by them, {payload['stranger_searches']:,} "
             f"by strangers; model {result.model}",
             f"rank-1           {_pct(payload['rank1'])}"]
    lines += [f"DIR @ FPIR={p.far_target:<6g} {_pct(p.tar)} (threshold {p.threshold:.3f})"
              for p in result.operating]
    lines += [f"at the configured threshold {rec.threshold:.3f} / margin {rec.margin:.3f}: "
              f"{payload['false_accepts']} false accept(s) ({payload['stranger_false_accepts']} "
              f"strangers, {payload['wrong_person_accepts']} taken for someone else), "
              f"{_pct(payload['genuine_accept_rate'])} of enrolled people granted",
              "threshold for a stranger false-accept rate, by gallery size:"]
    for row in result.growth:
        how = (f"measured, {row.searches:,} stranger searches, DIR {_pct(row.dir)}"
               if row.measured else "extrapolated from 1:1 impostor scores")
        lines.append(f"  {row.gallery_size:>6,} people  FPIR {row.fpir:g}: {row.threshold:.3f} "
                     f"({how})")
    lines.append(f"no face found in {result.no_face} of {result.images:,} images "
                 "(centre crop used)")
    if args.plot:
        _identify_plot(result, args.plot)
    emit_to_file(args, payload, "\n".join(lines))
    return 0


def _identify_plot(result: identify.IdentifyResult, out: Path) -> None:
    from turnstile.evaluate.plots import det_figure
    from turnstile.evaluate.protocol import far_at

    curves = {}
    groups = [(f"{result.enrolled:,} people (half of those with 2+ photos)",
               result.mated, result.strangers)]
    groups += [(f"{size:,} people (random galleries, pooled)", mated, strangers)
               for size, (mated, strangers) in sorted(result.curves.items())]
    for label, mated, strangers in groups:
        hits = np.where(mated.correct, mated.best, -np.inf)
        far = far_at(strangers.best, result.threshold)
        frr = 1.0 - float(np.mean(hits >= result.threshold))
        curves[label] = (roc_curve(hits, strangers.best), far, frr)
    det_figure(curves, f"Open-set identification on LFW (dots: configured threshold "
                       f"{result.threshold:.3f})", out)


def run_calibrate(args: argparse.Namespace) -> int:
    config = load_config(args)
    settings = _settings(args, config)
    embedded = _embedder(args, config).embed(_images(args.images), settings)
    result = calibration.calibrate(embedded, args.far, args.gallery_size)
    payload = result.to_json()
    text = (f"recommended: threshold {result.threshold:.3f}, margin {result.margin:.3f} "
            f"for {result.gallery_size:,} people at FAR {args.far:g} (model {result.model}, "
            f"flip {'on' if settings.flip else 'off'} for enrolled photos, "
            f"{'on' if settings.searches_flip else 'off'} for searches)\n\n"
            f"{result.explain()}")
    if args.write_config:
        comment = (f"calibrated: `turnstile calibrate --far {args.far:g} --gallery-size "
                   f"{args.gallery_size}` (model {result.model})")
        calibration.write_config(args.write_config, result.threshold, result.margin, comment)
        # The admin panel shows the rate of any threshold from this file beside the config.
        curve = args.write_config.parent / CALIBRATION_FILE
        calibration.write_curve(curve, result)
        text += f"\n\nwritten to {args.write_config} (and the rate curve to {curve})"
    if math.isnan(result.genuine_accept_rate):
        text += "\n(no enrolled people's searches were available)"
    emit_to_file(args, payload, text)
    return 0
