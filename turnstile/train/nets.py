"""The two embedding networks (a classic small Siamese CNN, a MobileFaceNet-like one) and sizes."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from turnstile.train.settings import ARCHS

#: Every network ends in this many dimensions.
EMBEDDING_SIZE = 128


def _conv_bn(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1,
             act: bool = True) -> nn.Sequential:
    layers: list[nn.Module] = [
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.PReLU(cout))
    return nn.Sequential(*layers)


class Bottleneck(nn.Module):
    """MobileNetV2 inverted residual: expand 1x1, depthwise 3x3, linear project 1x1."""

    def __init__(self, cin: int, cout: int, stride: int, expansion: int) -> None:
        super().__init__()
        hidden = cin * expansion
        self.residual = stride == 1 and cin == cout
        self.body = nn.Sequential(
            _conv_bn(cin, hidden, 1),
            _conv_bn(hidden, hidden, 3, stride, groups=hidden),
            _conv_bn(hidden, cout, 1, act=False))

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.body(x)
        return x + out if self.residual else out


class MobileFaceNet(nn.Module):
    """Chen et al. 2018's layout (112x112 in, global depthwise conv, 128-d out).

    `repeats` sets how many bottlenecks each stage has; the paper's is (5, 1, 6, 1, 2). The
    default here is thinner in depth so that a CPU trains it in minutes; the stem, strides,
    expansions, widths and the GDConv head are the paper's.
    """

    def __init__(self, repeats: tuple[int, ...] = (2, 1, 3, 1, 1),
                 embedding: int = EMBEDDING_SIZE) -> None:
        super().__init__()
        # (expansion, channels, stride) per stage, as in the paper's table 1.
        stages = ((2, 64, 2), (4, 128, 2), (2, 128, 1), (4, 128, 2), (2, 128, 1))
        layers: list[nn.Module] = [_conv_bn(3, 64, 3, 2), _conv_bn(64, 64, 3, groups=64)]
        channels = 64
        for (expansion, width, stride), count in zip(stages, repeats, strict=True):
            for index in range(count):
                layers.append(Bottleneck(channels, width, stride if index == 0 else 1,
                                         expansion))
                channels = width
        layers.append(_conv_bn(channels, 512, 1))
        self.features = nn.Sequential(*layers)
        # Global depthwise conv: a learned, position-aware pooling over the 7x7 map.
        self.gdconv = nn.Sequential(nn.Conv2d(512, 512, 7, groups=512, bias=False),
                                    nn.BatchNorm2d(512))
        self.project = nn.Sequential(nn.Conv2d(512, embedding, 1, bias=False),
                                     nn.BatchNorm2d(embedding), nn.Flatten())

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.project(self.gdconv(self.features(x)))
        return out


class ClassicSiamese(nn.Module):
    """A small four-conv, one-dense CNN in the spirit of Chopra 2005 / Koch 2015, 64x64 in."""

    def __init__(self, embedding: int = EMBEDDING_SIZE, size: int = 64) -> None:
        super().__init__()

        def block(cin: int, cout: int, kernel: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(cin, cout, kernel, padding=kernel // 2, bias=False),
                                 nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.MaxPool2d(2))

        self.features = nn.Sequential(block(3, 32, 5), block(32, 64, 3), block(64, 128, 3),
                                      block(128, 128, 3))
        # The closing batch norm centres the embeddings: without it ReLU features share one
        # large positive direction and every cosine similarity sits near 1.
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3),
                                  nn.Linear(128 * (size // 16) ** 2, embedding, bias=False),
                                  nn.BatchNorm1d(embedding))

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.head(self.features(x))
        return out


class PerImageNorm(nn.Module):
    """Standardise each image by its own mean and standard deviation (over all pixels).

    Part of the network, so the exported model does it too: a darker or flatter exposure at
    the door gives the same input as the photo it was trained on.
    """

    def forward(self, x: Tensor) -> Tensor:
        flat = x.flatten(1)
        mean = flat.mean(1).view(-1, 1, 1, 1)
        std = flat.var(1, unbiased=False).add(1e-4).sqrt().view(-1, 1, 1, 1)
        return (x - mean) / std


def build(arch: str, size: int = 0, input_norm: str = "global") -> nn.Module:
    """The named network for size x size input (0: the architecture's own size)."""
    size = size or ARCHS.get(arch, 0)
    net: nn.Module
    if arch == "mobilefacenet":
        net = MobileFaceNet()
    elif arch == "classic":
        net = ClassicSiamese(size=size)
    else:
        raise ValueError(f"arch must be one of {', '.join(ARCHS)}, not {arch!r}")
    if input_norm == "image":
        return nn.Sequential(PerImageNorm(), net)
    if input_norm != "global":
        raise ValueError(f"input norm must be global or image, not {input_norm!r}")
    return net


@dataclass(frozen=True)
class NetSize:
    """Trainable parameters and multiply-accumulates of one forward pass of one image."""

    parameters: int
    macs: int

    @property
    def flops(self) -> int:
        """FLOPs counted as two per multiply-accumulate (the common convention)."""
        return 2 * self.macs

    def describe(self) -> str:
        return f"{self.parameters / 1e6:.2f} M parameters, {self.flops / 1e6:.0f} MFLOPs"


def measure(model: nn.Module, size: int) -> NetSize:
    """Count parameters and the MACs of Conv2d and Linear layers on one size x size image."""
    macs = 0

    def count(module: nn.Module, _inputs: tuple[Tensor, ...], output: Tensor) -> None:
        nonlocal macs
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            macs += output.numel() * kernel * module.in_channels // module.groups
        elif isinstance(module, nn.Linear):
            macs += output.numel() * module.in_features

    hooks = [m.register_forward_hook(count) for m in model.modules()
             if isinstance(m, nn.Conv2d | nn.Linear)]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, 3, size, size))
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return NetSize(parameters, macs)
