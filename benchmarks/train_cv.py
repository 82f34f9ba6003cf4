"""Identity cross-validation of a training recipe: choose settings without the test people.

Run from the project root, e.g.
`nice -n 19 .venv/bin/python benchmarks/train_cv.py --identities s1-s30 --set loss=cosface`.
The people of `--identities` are shuffled (fixed `--split-seed`) and cut into `--folds` groups;
each fold trains on the other groups' people only and scores all same-person pairs of its own
people and as many different-person pairs, embedding each crop and its mirror image as the
engine does by default (`recognition.flip_augment`) with exactly the model `turnstile train`
would export (its networks joined and whitened, as the settings say). `--set key=value`
overrides any TrainSettings field (repeatable; `--set members=1 --set whiten=false` is one
plain network). Prints each fold, the mean, and wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from turnstile.config import Config
from turnstile.train import pipeline
from turnstile.train.data import FaceSet, expand_identities
from turnstile.train.evaluate import evaluate_faces
from turnstile.train.settings import TrainSettings
from turnstile.train.trainer import embed_images
from turnstile.vision.engine import build_detector

ROOT = Path(__file__).resolve().parents[1]
ORL = ROOT.parent / "shared" / "datasets" / "orl"


def parse_settings(pairs: list[str]) -> TrainSettings:
    """`key=value` strings -> TrainSettings, each value cast to the field's default's type."""
    defaults = TrainSettings()
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if not hasattr(defaults, key):
            raise SystemExit(f"no training setting {key!r}")
        kind = type(getattr(defaults, key))
        # bool("false") is True: spell booleans out.
        changes[key] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    settings = dataclasses.replace(defaults, **changes)
    settings.validate()
    return settings


def engine_embeddings(model: torch.nn.Module, faces: FaceSet) -> npt.NDArray[np.float32]:
    """What the engine does with the exported model: the unit outputs for the crop and its
    mirror image, summed and normalised (`recognition.flip_augment`)."""
    device = torch.device("cpu")
    views = [embed_images(model, faces.images, device),
             embed_images(model, np.ascontiguousarray(faces.images[:, :, ::-1]), device)]
    both = views[0] + views[1]
    unit: npt.NDArray[np.float32] = both / np.linalg.norm(both, axis=1, keepdims=True)
    return unit.astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ORL)
    parser.add_argument("--identities", default="s1-s30")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--only", type=int, action="append", help="run only this fold")
    parser.add_argument("--split-seed", type=int, default=1234)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    settings = parse_settings(args.set)
    torch.set_num_threads(args.threads)
    config = Config()
    with tempfile.TemporaryDirectory() as scratch:
        options = pipeline.RunOptions(
            data=args.data, out=Path(scratch) / "cv.onnx",
            identities=tuple(expand_identities(args.identities)),
            cache_dir=pipeline.default_cache_dir(), progress=False)
        faces = pipeline.prepare(options, build_detector(config), config.detector,
                                 settings.input_size, lambda _: None)
        people = list(faces.identities)
        order = np.random.default_rng(args.split_seed).permutation(len(people))
        groups = np.array_split(order, args.folds)
        started, cpu = time.perf_counter(), time.process_time()
        scores = []
        for fold in args.only or range(args.folds):
            held = [people[i] for i in sorted(groups[fold])]
            train = faces.subset([p for p in people if p not in held])
            trainers = pipeline.train_members(settings, train, None, options, lambda _: None)
            model = pipeline.exportable(settings, trainers, train)
            report, _, _ = evaluate_faces(
                faces.subset(held), functools.partial(engine_embeddings, model),
                f"fold {fold}", seed=0)
            scores.append(report.accuracy)
            print(f"fold {fold}: {report.accuracy:.2%} on {len(held)} people "
                  f"(final training loss {trainers[-1].history.loss[-1]:.4f})", flush=True)
    changed = {k: v for k, v in dataclasses.asdict(settings).items()
               if v != getattr(TrainSettings(), k)}
    print(f"mean {np.mean(scores):.2%} over {len(scores)} folds; settings changed: {changed}; "
          f"wall {time.perf_counter() - started:.0f} s, CPU {time.process_time() - cpu:.0f} s")


if __name__ == "__main__":
    main()
