"""`turnstile train` (needs the `train` extra) and `turnstile train-eval` (pair accuracy)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from turnstile.cli.common import add_model_option, emit, load_config
from turnstile.errors import UsageError
from turnstile.train.data import FALLBACKS, expand_identities, scan
from turnstile.train.settings import ARCHS, AUGMENTS, INPUT_NORMS, LOSSES, MINING, TrainSettings

_DEFAULTS = TrainSettings()


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    train = subparsers.add_parser(
        "train", parents=[parent],
        help="train a face embedder on identity folders and export it to ONNX (needs PyTorch)")
    train.add_argument("--data", type=Path, required=True, metavar="DIR",
                       help="folder with one sub-folder of face images per person")
    train.add_argument("--out", type=Path, required=True, metavar="MODEL.onnx",
                       help="exported model; MODEL.ckpt, MODEL.loss.png and "
                            "MODEL.report.json are written beside it")
    d = _DEFAULTS
    train.add_argument("--loss", choices=LOSSES, default=d.loss,
                       help=f"training loss (default {d.loss})")
    train.add_argument("--arch", choices=tuple(ARCHS), default=d.arch,
                       help=f"network (default {d.arch})")
    train.add_argument("--epochs", type=int, default=d.epochs, metavar="N",
                       help=f"passes over the training images (default {d.epochs})")
    train.add_argument("--batch", type=int, default=d.batch, metavar="N",
                       help=f"images per batch (default {d.batch})")
    train.add_argument("--per-identity", type=int, default=d.per_identity, metavar="K",
                       help=f"images of each person in a batch (default {d.per_identity})")
    train.add_argument("--lr", type=float, default=d.lr,
                       help=f"peak learning rate (default {d.lr})")
    train.add_argument("--mining", choices=MINING, default=d.mining,
                       help=f"triplet negative mining within a batch (default {d.mining})")
    train.add_argument("--size", type=int, default=d.size, metavar="PX",
                       help="input side in pixels (default: the network's own, "
                            f"{', '.join(f'{a} {px}' for a, px in ARCHS.items())})")
    train.add_argument("--input-norm", choices=INPUT_NORMS, default=d.input_norm,
                       help="global: (x - 127.5) / 128; image: each image by its own mean and "
                            f"spread, inside the network (default {d.input_norm})")
    train.add_argument("--augment", choices=AUGMENTS, default=d.augment,
                       help=f"augmentation preset (default {d.augment})")
    train.add_argument("--ema", type=float, default=d.ema, metavar="DECAY",
                       help="export a moving average of the weights with this decay per step "
                            f"(0 = the last weights; default {d.ema:g})")
    train.add_argument("--members", type=int, default=d.members, metavar="N",
                       help="networks trained with seeds seed..seed+N-1 and exported as one "
                            f"(default {d.members})")
    train.add_argument("--no-whiten", dest="whiten", action="store_false",
                       help="do not whiten the joined embeddings against within-person "
                            "variation (on by default)")
    train.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    train.add_argument("--seed", type=int, default=0, metavar="N")
    _add_data_options(train)
    train.add_argument("--val", type=float, default=0.0, metavar="FRACTION",
                       help="fraction of people held out for a per-epoch validation curve "
                            "(default 0: every person trains; the defaults were chosen by "
                            "cross-validation over held-out people instead)")
    train.add_argument("--threads", type=int, default=0, metavar="N",
                       help="PyTorch CPU threads (default: one per core, or 1 when the "
                            "machine is already fully loaded)")
    train.add_argument("--resume", action="store_true",
                       help="continue from MODEL.ckpt if it exists")
    train.add_argument("--no-cache", action="store_true",
                       help="detect and align again instead of reading cached crops")
    train.add_argument("--quiet", action="store_true", help="no progress bars")
    train.set_defaults(func=run_train)

    evaluate = subparsers.add_parser(
        "train-eval", parents=[parent],
        help="pair accuracy of an embedder on identity folders (all same-person pairs and as "
             "many different-person pairs)")
    evaluate.add_argument("--data", type=Path, required=True, metavar="DIR")
    evaluate.add_argument("--seed", type=int, default=0, metavar="N",
                          help="seed of the different-person pair sample")
    evaluate.add_argument("--pairs-csv", type=Path, metavar="FILE",
                          help="also write the pairs as path_a,path_b,same")
    _add_data_options(evaluate)
    add_model_option(evaluate)
    evaluate.set_defaults(func=run_eval)


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--identities", metavar="LIST",
                        help="only these sub-folders, e.g. s1-s30 or alice,bob (default: all)")
    parser.add_argument("--fallback", choices=FALLBACKS, default="resize",
                        help="when no face is detected: resize the whole image (default), "
                             "centre crop, or skip the image; counted either way")


def run_train(args: argparse.Namespace) -> int:
    try:
        # PyTorch is optional: importing it only here keeps every other command free of it.
        from turnstile.train import pipeline
    except ModuleNotFoundError as exc:
        if exc.name != "torch":
            raise
        raise UsageError("training needs PyTorch: pip install 'turnstile[train]'") from exc
    from turnstile.vision.engine import build_detector

    config = load_config(args)
    settings = TrainSettings(loss=args.loss, arch=args.arch, epochs=args.epochs,
                             batch=args.batch, per_identity=args.per_identity, lr=args.lr,
                             mining=args.mining, seed=args.seed, size=args.size,
                             input_norm=args.input_norm, augment=args.augment, ema=args.ema,
                             members=args.members, whiten=args.whiten)
    options = pipeline.RunOptions(
        data=args.data, out=args.out,
        identities=tuple(expand_identities(args.identities)) if args.identities else None,
        val_fraction=args.val, fallback=args.fallback, device=args.device,
        threads=args.threads, resume=args.resume,
        cache_dir=None if args.no_cache else pipeline.default_cache_dir(),
        progress=not args.quiet and sys.stderr.isatty())
    log = (lambda line: print(line, file=sys.stderr)) if args.json else print
    report = pipeline.run(settings, options, build_detector(config), config.detector, log)
    emit(args, report, _summary(report))
    return 0


def _summary(report: dict[str, Any]) -> str:
    val = report["val_accuracy"]
    return "\n".join([
        f"model        {report['model']} (opset {report['opset']}, dynamic batch; "
        f"ONNX vs PyTorch max difference {report['onnx_max_difference']:.1e})",
        f"network      {report['arch']} x {report['members']}"
        f"{', whitened' if report['whitened'] else ''}, "
        f"{report['parameters'] / 1e6:.2f} M parameters, "
        f"{report['flops'] / 1e6:.0f} MFLOPs at {report['input_size']}x{report['input_size']}",
        f"training     {report['loss']}, {report['epochs']} epochs on "
        f"{report['train_images']} images of {report['train_identities']} people, "
        f"{report['train_seconds']:.0f} s on {report['device']} ({report['threads']} threads)",
        ("validation   none (--val 0: every person trained)" if val is None else
         f"validation   {val:.2%} pair accuracy on {report['val_identities']} held-out people"),
        f"no face      {report['no_face']} image(s), fallback '{report['fallback']}'",
        f"files        {report['loss_curve']}, {report['checkpoint']}",
    ])


def run_eval(args: argparse.Namespace) -> int:
    from turnstile.train.evaluate import evaluate_engine, write_pairs_csv
    from turnstile.vision.engine import Engine

    config = load_config(args)
    engine = Engine.from_config(config, args.model)
    identities = expand_identities(args.identities) if args.identities else None
    files = scan(args.data, identities)
    report, faces, pairs, same = evaluate_engine(engine, files, args.seed, args.fallback)
    if args.pairs_csv:
        write_pairs_csv(args.pairs_csv, faces, pairs, same)
    payload = {"model": report.model, "accuracy": report.accuracy,
               "threshold": report.threshold, "kfold_accuracy": report.kfold_accuracy,
               "kfold_std": report.kfold_std, "positives": report.positives,
               "negatives": report.negatives, "images": report.images,
               "no_face": report.no_face}
    emit(args, payload, report.describe())
    return 0
