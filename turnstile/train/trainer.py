"""The training loop: identity-balanced batches, chosen loss, validation, checkpoints, resume."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F  # noqa: N812 - the conventional name
from torch import Tensor, nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from tqdm import tqdm

from turnstile.errors import UsageError
from turnstile.train import losses, nets
from turnstile.train.data import FaceSet
from turnstile.train.evaluate import PairReport, evaluate_faces
from turnstile.train.sampling import AUGMENTATIONS, augment, identity_batches, in_batch_pairs
from turnstile.train.settings import TrainSettings

#: Input normalisation of every trained network (and the exported metadata): RGB, (x-127.5)/128.
MEAN, STD = 127.5, 128.0


@dataclass
class History:
    """Per-epoch figures, kept in the checkpoint and drawn in the loss curve."""

    loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def to_tensor(images: npt.NDArray[np.uint8], device: torch.device) -> Tensor:
    """BGR uint8 crops -> normalised RGB NCHW float, exactly as the exported contract says."""
    rgb = np.ascontiguousarray(images[..., ::-1].transpose(0, 3, 1, 2))
    return (torch.from_numpy(rgb).to(device).float() - MEAN) / STD


def warmup_cosine(total: int) -> Callable[[int], float]:
    """Learning-rate factor: linear warm-up over the first 5% of steps, then cosine to zero."""
    warm = max(1, total // 20)

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm))))

    return factor


class Objective(nn.Module):
    """The chosen loss over a batch's embeddings; holds the loss's own learned parameters."""

    def __init__(self, settings: TrainSettings, classes: int) -> None:
        super().__init__()
        self.settings = settings
        self.logistic = losses.LogisticDistance() if settings.loss == "bce" else None
        self.arc: nn.Module | None = None
        if settings.loss == "arcface":
            self.arc = losses.ArcMargin(nets.EMBEDDING_SIZE, classes, settings.scale,
                                        settings.arc_margin)
        elif settings.loss == "cosface":
            self.arc = losses.CosMargin(nets.EMBEDDING_SIZE, classes, settings.scale,
                                        settings.cos_margin)

    def forward(self, embeddings: Tensor, labels: npt.NDArray[np.int64],
                rng: np.random.Generator) -> Tensor:
        target = torch.from_numpy(labels).to(embeddings.device)
        s = self.settings
        if s.loss == "triplet":
            return losses.triplet(embeddings, target, s.alpha, s.mining)
        if self.arc is not None:
            return self.arc(embeddings, target)  # type: ignore[no-any-return]
        pairs, same = in_batch_pairs(labels, rng)
        unit = F.normalize(embeddings, dim=1)
        distance = (unit[pairs[:, 0]] - unit[pairs[:, 1]]).pow(2).sum(1).clamp_min(1e-12).sqrt()
        same_t = torch.from_numpy(same).to(embeddings.device)
        if self.logistic is not None:
            return self.logistic(distance, same_t)  # type: ignore[no-any-return]
        return losses.contrastive(distance, same_t, s.margin)


def embed_images(model: nn.Module, images: npt.NDArray[np.uint8],
                 device: torch.device) -> npt.NDArray[np.float32]:
    """L2-normalised embeddings in eval mode, in batches."""
    model.eval()
    chunks = []
    with torch.no_grad():
        for start in range(0, len(images), 128):
            out = model(to_tensor(images[start : start + 128], device))
            chunks.append(F.normalize(out, dim=1).cpu().numpy())
    return np.concatenate(chunks).astype(np.float32)


class Trainer:
    """Owns the model, loss, optimiser and schedule; one call to `run` trains to the end."""

    def __init__(self, settings: TrainSettings, train: FaceSet, val: FaceSet | None,
                 device: torch.device, checkpoint: Path,
                 log: Callable[[str], None] = print, progress: bool = True) -> None:
        settings.validate()
        torch.manual_seed(settings.seed)
        self.settings, self.train_set, self.val_set = settings, train, val
        self.device, self.checkpoint, self.log, self.progress = device, checkpoint, log, progress
        self.model = nets.build(settings.arch, settings.input_size, settings.input_norm).to(device)
        # The averaged copy (batch-norm statistics included) is what is validated and exported.
        self.average = (AveragedModel(self.model, use_buffers=True,
                                      multi_avg_fn=get_ema_multi_avg_fn(settings.ema))  # type: ignore[no-untyped-call]
                        if settings.ema else None)
        self.objective = Objective(settings, len(train.identities)).to(device)
        params = list(self.model.parameters()) + list(self.objective.parameters())
        self.optimizer = torch.optim.AdamW(params, lr=settings.lr,
                                           weight_decay=settings.weight_decay)
        self.schedule = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, warmup_cosine(settings.epochs * self._steps_per_epoch()))
        self.rng = np.random.default_rng(settings.seed)
        self.history = History()
        self.epoch = 0

    def _steps_per_epoch(self) -> int:
        return sum(1 for _ in identity_batches(self.train_set.labels, self.settings.batch,
                                               self.settings.per_identity,
                                               np.random.default_rng(0)))

    def run(self) -> History:
        while self.epoch < self.settings.epochs:
            started = time.perf_counter()
            loss = self._train_epoch()
            report = self.validate()
            self.epoch += 1
            self.history.loss.append(loss)
            self.history.val_accuracy.append(report.accuracy if report else float("nan"))
            self.history.seconds.append(time.perf_counter() - started)
            val = (f"val pair acc {report.accuracy:.2%} (thr {report.threshold:.3f})"
                   if report else "no validation")
            self.log(f"epoch {self.epoch}/{self.settings.epochs}  loss {loss:.4f}  {val}  "
                     f"{self.history.seconds[-1]:.1f} s")
            self.save()
        return self.history

    def _train_epoch(self) -> float:
        s = self.settings
        self.model.train()
        batches = list(identity_batches(self.train_set.labels, s.batch, s.per_identity,
                                        self.rng))
        total = 0.0
        bar = tqdm(batches, desc=f"epoch {self.epoch + 1}/{s.epochs}", unit="batch",
                   leave=False, disable=not self.progress)
        for rows in bar:
            images = augment(self.train_set.images[rows], self.rng, AUGMENTATIONS[s.augment])
            embeddings = self.model(to_tensor(images, self.device))
            loss = self.objective(embeddings, self.train_set.labels[rows], self.rng)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            self.schedule.step()
            if self.average is not None:
                self.average.update_parameters(self.model)
            total += float(loss.detach())
            bar.set_postfix(loss=f"{float(loss.detach()):.4f}")
        return total / max(len(batches), 1)

    def validate(self) -> PairReport | None:
        """Best-threshold pair accuracy on the held-out identities (never trained on)."""
        if self.val_set is None:
            return None
        report, _, _ = evaluate_faces(
            self.val_set, lambda faces: embed_images(self.final_model, faces.images, self.device),
            "validation", self.settings.seed)
        return report

    @property
    def final_model(self) -> nn.Module:
        """The network to validate and export: the weight average when there is one."""
        return self.average.module if self.average is not None else self.model

    def state(self) -> dict[str, Any]:
        return {"settings": asdict(self.settings), "epoch": self.epoch,
                "identities": list(self.train_set.identities),
                "model": self.model.state_dict(),
                "average": self.average.state_dict() if self.average is not None else None,
                "objective": self.objective.state_dict(),
                "optimizer": self.optimizer.state_dict(), "schedule": self.schedule.state_dict(),
                "rng": self.rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
                "history": asdict(self.history)}

    def save(self) -> None:
        """Write the checkpoint atomically: an interrupted save keeps the previous one."""
        self.checkpoint.parent.mkdir(parents=True, exist_ok=True)
        partial = self.checkpoint.with_name(self.checkpoint.name + ".partial")
        torch.save(self.state(), partial)
        partial.replace(self.checkpoint)

    def resume(self) -> bool:
        """Continue from the checkpoint if there is one; it must be from the same run setup."""
        if not self.checkpoint.exists():
            return False
        state = torch.load(self.checkpoint, map_location=self.device, weights_only=False)
        mine = asdict(self.settings)
        theirs = state["settings"]
        differ = [k for k in mine if k != "epochs" and mine[k] != theirs.get(k)]
        if differ or state["identities"] != list(self.train_set.identities):
            what = ", ".join(differ) if differ else "training identities"
            raise UsageError(f"checkpoint {self.checkpoint} is from a different run ({what} "
                             "differ); delete it or drop --resume")
        if state["epoch"] > self.settings.epochs:
            raise UsageError(f"checkpoint is at epoch {state['epoch']}, beyond --epochs")
        self.model.load_state_dict(state["model"])
        if self.average is not None:
            self.average.load_state_dict(state["average"])
        self.objective.load_state_dict(state["objective"])
        self.optimizer.load_state_dict(state["optimizer"])
        if state["settings"]["epochs"] == self.settings.epochs:
            self.schedule.load_state_dict(state["schedule"])
        else:
            # A longer run: replay the new schedule up to where the old run stopped.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for _ in range(int(state["epoch"]) * self._steps_per_epoch()):
                    self.schedule.step()
        self.rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        self.history = History(**state["history"])
        self.epoch = int(state["epoch"])
        return True
