"""Training the passive liveness CNN with PyTorch (the `train` extra) and exporting ONNX."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx

from turnstile.access.liveness.passive import CROP_SIZE, KIND, META_KIND, to_tensor
from turnstile.errors import UsageError
from turnstile.types import Image


@dataclass(frozen=True)
class TrainSettings:
    """Optimiser settings; the defaults train on a few thousand crops in minutes on a CPU."""

    epochs: int = 12
    batch_size: int = 64
    learning_rate: float = 2e-3
    seed: int = 0


def import_torch() -> Any:
    """PyTorch, imported only when training: it is an optional, large dependency."""
    try:
        return importlib.import_module("torch")
    except ImportError as exc:
        raise UsageError("training needs PyTorch: pip install 'turnstile[train]'") from exc


def build_network(torch: Any) -> Any:
    """Four conv blocks and global pooling: small enough to run on every frame on a CPU."""
    nn = torch.nn

    def block(cin: int, cout: int) -> list[Any]:
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True), nn.MaxPool2d(2)]

    return nn.Sequential(*block(3, 16), *block(16, 32), *block(32, 64), *block(64, 64),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3),
                         nn.Linear(64, 1), nn.Sigmoid())


def _augment(torch: Any, batch: Any, generator: Any) -> Any:
    """Mirror, brightness and contrast jitter: capture conditions vary, the spoof cue must not."""
    flip = torch.rand(batch.shape[0], generator=generator) < 0.5
    batch = torch.where(flip[:, None, None, None], batch.flip(3), batch)
    gain = 1.0 + 0.3 * (torch.rand(batch.shape[0], 1, 1, 1, generator=generator) - 0.5)
    shift = 0.2 * (torch.rand(batch.shape[0], 1, 1, 1, generator=generator) - 0.5)
    return (batch * gain + shift).clamp(-1.0, 1.0)


def train(live: list[Image], attack: list[Image], settings: TrainSettings,
          progress: Callable[[int, float], None] | None = None) -> Any:
    """A trained network (eval mode) from aligned live and attack crops."""
    if not live or not attack:
        raise UsageError("training needs at least one live and one attack face")
    torch = import_torch()
    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    inputs = torch.from_numpy(to_tensor(live + attack))
    labels = torch.tensor([1.0] * len(live) + [0.0] * len(attack))
    # Weight the classes equally: sites often have far more of one kind of capture.
    weights = torch.where(labels > 0.5, len(labels) / (2.0 * len(live)),
                          len(labels) / (2.0 * len(attack)))
    network = build_network(torch)
    optimiser = torch.optim.AdamW(network.parameters(), lr=settings.learning_rate,
                                  weight_decay=1e-4)
    steps = settings.epochs * max(1, -(-len(labels) // settings.batch_size))
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, settings.learning_rate,
                                                   total_steps=steps)
    loss_fn = torch.nn.BCELoss(reduction="none")
    for epoch in range(settings.epochs):
        network.train()
        order = torch.randperm(len(labels), generator=generator)
        total = 0.0
        for start in range(0, len(order), settings.batch_size):
            index = order[start : start + settings.batch_size]
            batch = _augment(torch, inputs[index], generator)
            loss = (loss_fn(network(batch).squeeze(1), labels[index]) * weights[index]).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.item()) * len(index)
        if progress is not None:
            progress(epoch + 1, total / len(labels))
    return network.eval()


def export_onnx(network: Any, path: Path) -> None:
    """Write the network as ONNX with the metadata PassiveModel checks."""
    torch = import_torch()
    path.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(1, 3, CROP_SIZE, CROP_SIZE)
    with warnings.catch_warnings():
        # The TorchScript exporter warns about its own future; it is the one that needs no
        # extra packages, and the file it writes is checked by loading it back.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(network, (dummy,), str(path), input_names=["face"],
                          output_names=["live"],
                          dynamic_axes={"face": {0: "batch"}, "live": {0: "batch"}},
                          opset_version=17, dynamo=False)
    model = onnx.load(str(path))
    for key, value in ((META_KIND, KIND), ("turnstile.input_size", str(CROP_SIZE))):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(path))


def predict(network: Any, crops: list[Image]) -> npt.NDArray[np.float32]:
    """Live probabilities from the PyTorch network (to compare with the exported ONNX)."""
    torch = import_torch()
    with torch.no_grad():
        output = network(torch.from_numpy(to_tensor(crops)))
    return np.asarray(output.numpy().reshape(-1), np.float32)
