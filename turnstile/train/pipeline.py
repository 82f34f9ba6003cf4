"""One training run end to end: data (cached), split, train, export, loss curve, report."""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import platformdirs
import torch
from torch import nn
from tqdm import tqdm

from turnstile.config import APP_NAME, DetectorConfig
from turnstile.errors import UsageError
from turnstile.train import ensemble, nets
from turnstile.train.data import (
    FaceSet,
    cache_key,
    load_cache,
    load_faces,
    save_cache,
    scan,
    split_identities,
)
from turnstile.train.export import OPSET, export_onnx, plot_history
from turnstile.train.settings import TrainSettings
from turnstile.train.trainer import MEAN, STD, Trainer, to_tensor
from turnstile.vision import models
from turnstile.vision.detect import FaceDetector


@dataclass(frozen=True)
class RunOptions:
    """Where the data and outputs are, and how the data is prepared."""

    data: Path
    out: Path
    identities: tuple[str, ...] | None = None
    #: Fraction of identities held out for per-epoch validation (0 turns it off: every
    #: identity trains).
    val_fraction: float = 0.0
    fallback: str = "resize"
    device: str = "cpu"
    #: PyTorch CPU threads; 0 chooses (see cpu_threads).
    threads: int = 0
    resume: bool = False
    #: Folder for aligned-crop caches; None turns caching off.
    cache_dir: Path | None = None
    progress: bool = True

    @property
    def checkpoint(self) -> Path:
        return self.out.with_suffix(".ckpt")

    def member_checkpoint(self, member: int) -> Path:
        """Member 0 keeps MODEL.ckpt (a one-network run's file); the others MODEL.mN.ckpt."""
        return self.checkpoint if member == 0 else self.out.with_suffix(f".m{member}.ckpt")

    @property
    def plot(self) -> Path:
        return self.out.with_suffix(".loss.png")

    @property
    def report(self) -> Path:
        return self.out.with_suffix(".report.json")


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "train"


def cpu_threads(requested: int) -> int:
    """The requested thread count, or one thread per core, or one on an overloaded machine.

    PyTorch's threads wait for each other at every operator; when other processes already
    keep every core busy, they mostly wait (measured here: one thread trained 6x faster
    than two on a shared two-core machine).
    """
    if requested:
        return requested
    cores = os.cpu_count() or 1
    return 1 if os.getloadavg()[0] >= cores else cores


def choose_device(name: str) -> torch.device:
    if name == "cuda":
        if not torch.cuda.is_available():
            raise UsageError("--device cuda was asked for but PyTorch sees no CUDA device")
        return torch.device("cuda")
    if name != "cpu":
        raise UsageError(f"device must be cpu or cuda, not {name!r}")
    return torch.device("cpu")


def prepare(options: RunOptions, detector: FaceDetector, detector_config: DetectorConfig,
            size: int, log: Callable[[str], None]) -> FaceSet:
    """Detect and align every image once; later runs with the same inputs read the cache."""
    files = scan(options.data, options.identities)
    tag = json.dumps([detector_config.model_dump(), models.DETECTOR.sha256])
    cache = (options.cache_dir / f"{cache_key(files, size, options.fallback, tag)}.npz"
             if options.cache_dir else None)
    if cache is not None and (cached := load_cache(cache)) is not None:
        log(f"read {len(cached.labels)} aligned faces from the cache")
        return cached
    total = sum(len(paths) for paths in files.values())
    with tqdm(total=total, desc="detecting and aligning", unit="image",
              disable=not options.progress) as bar:
        faces = load_faces(files, detector, size, options.fallback, progress=bar.update)
    if cache is not None:
        save_cache(faces, cache)
    return faces


def run(settings: TrainSettings, options: RunOptions, detector: FaceDetector,
        detector_config: DetectorConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train, export and report; returns the report (also written next to the model)."""
    started = time.perf_counter()
    settings.validate()
    choose_device(options.device)  # no CUDA when it was asked for: fail before any work
    torch.set_num_threads(cpu_threads(options.threads))
    size = settings.input_size
    faces = prepare(options, detector, detector_config, size, log)
    log(_describe_faces(faces, options.fallback))
    train_ids, val_ids = split_identities(faces.identities, options.val_fraction, settings.seed)
    train, val = faces.subset(train_ids), (faces.subset(val_ids) if val_ids else None)
    size_info = nets.measure(nets.build(settings.arch, size, settings.input_norm), size)
    log(f"{settings.arch} x {settings.members}: {size_info.describe()} each at {size}x{size}; "
        f"loss {settings.describe_loss()}; {len(train_ids)} training and {len(val_ids)} "
        "validation identities")
    train_started = time.perf_counter()
    trainers = train_members(settings, train, val, options, log)
    model = exportable(settings, trainers, train)
    figures = {"train_seconds": round(time.perf_counter() - train_started, 1),
               "parameters": size_info.parameters * settings.members,
               "flops": size_info.flops * settings.members,
               "val_identities": len(val_ids), "no_face": faces.fallback_count + faces.skipped}
    figures["onnx_max_difference"] = export_onnx(
        model, options.out, size, _metadata(trainers[0], options, size),
        to_tensor(faces.images[:16], torch.device("cpu")))
    plot_history([t.history for t in trainers], options.plot,
                 f"{options.out.stem}: {settings.describe_loss()}")
    report = _report(trainers[0], options, size, figures)
    report["member_final_losses"] = [t.history.loss[-1] for t in trainers if t.history.loss]
    report["seconds"] = round(time.perf_counter() - started, 1)
    options.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def _describe_faces(faces: FaceSet, fallback: str) -> str:
    return (f"{len(faces.labels)} faces of {len(faces.identities)} identities; no face "
            f"detected in {faces.fallback_count + faces.skipped} (fallback '{fallback}': "
            f"{faces.fallback_count} used, {faces.skipped} skipped)")


def train_members(settings: TrainSettings, train: FaceSet, val: FaceSet | None,
                  options: RunOptions, log: Callable[[str], None]) -> list[Trainer]:
    """Train (or resume) every network of the run, one after the other."""
    return [_train_member(settings, member, train, val, options, log)
            for member in range(settings.members)]


def _train_member(settings: TrainSettings, member: int, train: FaceSet, val: FaceSet | None,
                  options: RunOptions, log: Callable[[str], None]) -> Trainer:
    """Train (or resume) one member: the run's seed plus its number."""
    mine = replace(settings, seed=settings.seed + member)
    checkpoint = options.member_checkpoint(member)
    trainer = Trainer(mine, train, val, choose_device(options.device), checkpoint, log,
                      options.progress)
    if settings.members > 1:
        log(f"network {member + 1} of {settings.members} (seed {mine.seed})")
    if options.resume and trainer.resume():
        log(f"resumed from {checkpoint} at epoch {trainer.epoch}")
    trainer.run()
    return trainer


def exportable(settings: TrainSettings, trainers: list[Trainer], train: FaceSet) -> nn.Module:
    """What is exported: one network as it is, or the members joined (and whitened on the
    training photos)."""
    members = [trainer.final_model.eval() for trainer in trainers]
    if settings.members == 1 and not settings.whiten:
        return members[0]
    if settings.whiten:
        return ensemble.fit(members, train, trainers[0].device)
    return ensemble.EnsembleEmbedder(members)


def _metadata(trainer: Trainer, options: RunOptions, size: int) -> dict[str, str]:
    """The turnstile.* ONNX metadata the engine reads (and what a person auditing it needs)."""
    settings, train = trainer.settings, trainer.train_set
    return {"name": options.out.stem, "input_size": str(size), "color": "RGB",
            "mean": str(MEAN), "std": str(STD),
            "embedding_size": str(nets.EMBEDDING_SIZE * settings.members),
            "arch": settings.arch, "members": str(settings.members),
            "whitening": "wccn" if settings.whiten else "none",
            "loss": settings.describe_loss(),
            "training_data": f"{options.data.name}: {len(train.identities)} identities, "
                             f"{len(train.labels)} images",
            "epochs": str(trainer.epoch), "seed": str(settings.seed)}


def _report(trainer: Trainer, options: RunOptions, size: int,
            figures: dict[str, Any]) -> dict[str, Any]:
    settings, history = trainer.settings, trainer.history
    return {
        "model": str(options.out), "arch": settings.arch, "members": settings.members,
        "whitened": settings.whiten, "loss": settings.describe_loss(),
        "input_size": size, "opset": OPSET, "epochs": trainer.epoch,
        "train_identities": len(trainer.train_set.identities),
        "train_images": len(trainer.train_set.labels),
        "val_accuracy": _finite(history.val_accuracy[-1]) if history.val_accuracy else None,
        "final_loss": history.loss[-1] if history.loss else None,
        "fallback": options.fallback, "device": str(trainer.device),
        "threads": torch.get_num_threads(), "settings": asdict(settings),
        "history": {key: [_finite(v) for v in values]
                    for key, values in asdict(history).items()},
        "loss_curve": str(options.plot), "checkpoint": str(options.checkpoint), **figures}


def _finite(value: float) -> float | None:
    """JSON has no NaN: an epoch without validation is null."""
    return None if math.isnan(value) else round(value, 6)
