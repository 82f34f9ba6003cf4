"""Network shapes and the parameter / FLOP counter against hand counts."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from turnstile.train import nets  # noqa: E402
from turnstile.train.settings import ARCHS  # noqa: E402


def test_counter_matches_hand_count() -> None:
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Flatten(), nn.Linear(256, 2))
    size = nets.measure(model, 8)
    # conv: 4 x 8 x 8 outputs x (3 x 3 x 3) MACs; linear: 2 outputs x 256 inputs.
    assert size.macs == 4 * 64 * 27 + 2 * 256
    assert size.flops == 2 * size.macs
    assert size.parameters == (3 * 4 * 9 + 4) + (256 * 2 + 2)


def test_depthwise_convolutions_are_counted_per_group() -> None:
    model = nn.Sequential(nn.Conv2d(3, 8, 1, bias=False),
                          nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False))
    # pointwise: 8 x 4 x 4 outputs x 3 inputs; depthwise: 8 x 4 x 4 outputs x 9 (one channel).
    assert nets.measure(model, 4).macs == 8 * 16 * 3 + 8 * 16 * 9


@pytest.mark.parametrize("arch", list(ARCHS))
def test_networks_give_128_d_embeddings(arch: str) -> None:
    model = nets.build(arch).eval()
    size = ARCHS[arch]
    with torch.no_grad():
        out = model(torch.zeros(2, 3, size, size))
    assert out.shape == (2, nets.EMBEDDING_SIZE)
    measured = nets.measure(model, size)
    assert measured.parameters > 100_000 and measured.macs > 10_000_000
    assert "M parameters" in measured.describe()


def test_sizes_as_documented() -> None:
    # benchmarks/README.md states these figures.
    assert nets.measure(nets.build("classic"), 64).describe() == "0.51 M parameters, 115 MFLOPs"
    assert (nets.measure(nets.build("mobilefacenet"), 112).describe()
            == "0.67 M parameters, 273 MFLOPs")


def test_paper_depth_mobilefacenet_is_available() -> None:
    full = nets.MobileFaceNet(repeats=(5, 1, 6, 1, 2))
    assert nets.measure(full, 112).parameters > nets.measure(nets.MobileFaceNet(), 112).parameters


def test_unknown_arch() -> None:
    with pytest.raises(ValueError, match="arch"):
        nets.build("resnet")


def test_per_image_norm_standardises_each_image() -> None:
    # Image 0: half 0, half 2 -> mean 1, std 1 -> -1 / +1. Image 1: a constant -> all zeros
    # (the small floor under the variance keeps it finite).
    x = torch.zeros(2, 1, 2, 2)
    x[0, 0, 0] = 2.0
    x[1] = 7.0
    out = nets.PerImageNorm()(x)
    assert out[0, 0].flatten().tolist() == pytest.approx([1.0, 1.0, -1.0, -1.0], abs=1e-3)
    assert out[1].abs().max().item() == 0.0


@pytest.mark.parametrize("size", [32, 48, 96])
def test_classic_takes_other_input_sizes(size: int) -> None:
    model = nets.build("classic", size, "image").eval()
    with torch.no_grad():
        assert model(torch.zeros(2, 3, size, size)).shape == (2, nets.EMBEDDING_SIZE)


def test_unknown_input_norm() -> None:
    with pytest.raises(ValueError, match="input norm"):
        nets.build("classic", 64, "channel")
