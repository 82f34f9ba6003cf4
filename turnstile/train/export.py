"""ONNX export with the engine's metadata contract, checked against PyTorch; the loss curve."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnx
import onnxruntime as ort
import torch
import torch.nn.functional as F  # noqa: N812 - the conventional name
from torch import Tensor, nn

from turnstile.train.trainer import History
from turnstile.vision.embed import META_PREFIX

#: ONNX opset of exported models (onnxruntime >= 1.14 runs it; so does OpenCV's DNN).
OPSET = 17
#: Largest allowed difference between onnxruntime's and PyTorch's embeddings.
TOLERANCE = 1e-4


class Normalized(nn.Module):
    """The network followed by L2 normalisation, so the ONNX output is the final embedding."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: Tensor) -> Tensor:
        return F.normalize(self.net(x), dim=1)


def export_onnx(net: nn.Module, path: Path, size: int, metadata: dict[str, str],
                sample: Tensor) -> float:
    """Write `path` (dynamic batch, opset OPSET, turnstile.* metadata); return max |ORT - torch|.

    Raises ValueError when onnxruntime disagrees with PyTorch by more than TOLERANCE.
    """
    model = Normalized(net).cpu().eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated upstream but needs no extra package
        # (the dynamo one needs onnxscript) and handles these plain CNNs exactly.
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(1, 3, size, size),), str(partial), dynamo=False,
                          input_names=["input"], output_names=["embedding"],
                          dynamic_axes={"input": {0: "batch"}, "embedding": {0: "batch"}},
                          opset_version=OPSET)
    proto = onnx.load(str(partial))
    for key, value in metadata.items():
        proto.metadata_props.add(key=META_PREFIX + key, value=value)
    onnx.checker.check_model(proto)
    onnx.save(proto, str(partial))
    difference = compare(model, partial, sample)
    if difference > TOLERANCE:
        partial.unlink()
        raise ValueError(f"exported model differs from PyTorch by {difference:.2e} "
                         f"(more than {TOLERANCE:.0e}); not written")
    partial.replace(path)
    return difference


def compare(model: nn.Module, path: Path, sample: Tensor) -> float:
    """Largest absolute difference between PyTorch and onnxruntime on the same batch."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = model(sample.cpu()).numpy()
    got: npt.NDArray[np.float32] = session.run(None, {"input": sample.cpu().numpy()})[0]
    return float(np.abs(got - expected).max())


def plot_history(histories: list[History], path: Path, title: str) -> None:
    """Training loss and validation pair accuracy per epoch of each network, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, left = plt.subplots(figsize=(7, 4))
    right = None
    for number, history in enumerate(histories, start=1):
        name = f" (network {number})" if len(histories) > 1 else ""
        epochs = np.arange(1, len(history.loss) + 1)
        left.plot(epochs, history.loss, marker="o", label=f"training loss{name}")
        accuracy = np.asarray(history.val_accuracy, float)
        if np.isfinite(accuracy).any():
            right = right or left.twinx()
            right.plot(epochs, accuracy * 100, marker="s", linestyle="--",
                       label=f"validation pair accuracy{name}")
            right.set_ylabel("validation pair accuracy (%), dashed")
            right.set_ylim(min(50.0, float(np.nanmin(accuracy)) * 100), 100)
    left.set_xlabel("epoch")
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_ylabel("training loss")
    if len(histories) > 1:
        left.legend(fontsize="small")
    left.set_title(title)
    left.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
