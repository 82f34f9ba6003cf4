"""The losses and the triplet miner against values worked out by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from turnstile.train import losses  # noqa: E402

# Four unit vectors, two identities; squared distances worked out by hand:
# 0-1: 0.4, 0-2: 0.8, 0-3: 4.0, 1-2: 0.08, 1-3: 3.6, 2-3: 3.2.
POINTS = [[1.0, 0.0], [0.8, 0.6], [0.6, 0.8], [-1.0, 0.0]]
LABELS = [0, 0, 1, 1]


def points() -> tuple[Any, Any]:
    return torch.tensor(POINTS), torch.tensor(LABELS)


def test_contrastive_matches_hand_values() -> None:
    distance = torch.tensor([0.5, 1.5, 0.3])
    same = torch.tensor([1, 0, 0])
    # 0.5^2 = 0.25; max(1 - 1.5, 0)^2 = 0; max(1 - 0.3, 0)^2 = 0.49.
    value = losses.contrastive(distance, same, margin=1.0)
    assert float(value) == pytest.approx((0.25 + 0.0 + 0.49) / 3)


def test_hard_mining_takes_the_closest_negative() -> None:
    embeddings, labels = points()
    rows = losses.mine_negatives(losses.pairwise_distances(embeddings), labels, "hard")
    assert rows.tolist() == [[0, 1, 2], [1, 0, 2], [2, 3, 1], [3, 2, 1]]


def test_semihard_mining_takes_the_closest_farther_negative() -> None:
    embeddings, labels = points()
    rows = losses.mine_negatives(losses.pairwise_distances(embeddings), labels, "semihard")
    # Anchor 2 has no negative farther than its positive (d 1.79): the farthest one, 0.
    assert rows.tolist() == [[0, 1, 2], [1, 0, 3], [2, 3, 0], [3, 2, 1]]


def test_triplet_loss_matches_hand_values() -> None:
    embeddings, labels = points()
    # hard: max(0.4-0.8+0.2,0)=0, 0.4-0.08+0.2=0.52, 3.2-0.08+0.2=3.32, max(3.2-3.6+0.2,0)=0
    hard = losses.triplet(embeddings, labels, alpha=0.2, mode="hard")
    assert float(hard) == pytest.approx((0.52 + 3.32) / 4, abs=1e-5)
    # semihard: only (2, 3, 0) violates the margin: 3.2 - 0.8 + 0.2 = 2.6.
    semi = losses.triplet(embeddings, labels, alpha=0.2, mode="semihard")
    assert float(semi) == pytest.approx(2.6 / 4, abs=1e-5)


def test_triplet_normalises_and_backpropagates() -> None:
    embeddings = (torch.tensor(POINTS) * 5.0).requires_grad_()
    value = losses.triplet(embeddings, torch.tensor(LABELS), alpha=0.2, mode="hard")
    assert float(value.detach()) == pytest.approx(0.96, abs=1e-5)  # scale does not matter
    torch.autograd.backward(value)
    assert embeddings.grad is not None and torch.isfinite(embeddings.grad).all()


def test_unknown_mining_is_refused() -> None:
    embeddings, labels = points()
    with pytest.raises(ValueError, match="mining"):
        losses.mine_negatives(losses.pairwise_distances(embeddings), labels, "easy")


def test_logistic_bce_matches_hand_values() -> None:
    head = losses.LogisticDistance(scale=10.0, bias=1.0)
    # logits 10 * (1 - 0.5) = 5 for a same pair and 10 * (1 - 1.5) = -5 for a different one:
    # both cost log(1 + e^-5).
    value = head(torch.tensor([0.5, 1.5]), torch.tensor([1, 0]))
    assert float(value.detach()) == pytest.approx(math.log1p(math.exp(-5.0)), rel=1e-5)
    torch.autograd.backward(value)
    assert head.scale.grad is not None and head.bias.grad is not None


def test_arcface_adds_the_angular_margin_to_the_true_class_only() -> None:
    head = losses.ArcMargin(2, 2, scale=30.0, margin=0.5)
    with torch.no_grad():
        head.weight.copy_(torch.eye(2))
    angle = math.radians(30)
    x = torch.tensor([[math.cos(angle), math.sin(angle)]])
    logits = head.logits(x, torch.tensor([0])).detach()
    assert logits[0].tolist() == pytest.approx([30 * math.cos(angle + 0.5), 30 * 0.5], abs=1e-4)
    # Past pi - m the target logit continues linearly: cos(theta) - sin(pi - m) * m.
    back = torch.tensor([[-1.0, 0.0]])
    logits = head.logits(back, torch.tensor([0])).detach()
    expected = -1.0 - math.sin(math.pi - 0.5) * 0.5
    assert float(logits[0, 0]) == pytest.approx(30 * expected, abs=1e-3)
    loss = head(x, torch.tensor([0]))
    target = 30 * math.cos(angle + 0.5)
    expected_loss = -target + math.log(math.exp(target) + math.exp(15.0))
    assert float(loss.detach()) == pytest.approx(expected_loss, abs=1e-4)


def test_cosface_subtracts_the_cosine_margin_from_the_true_class_only() -> None:
    head = losses.CosMargin(2, 2, scale=30.0, margin=0.35)
    with torch.no_grad():
        head.weight.copy_(torch.eye(2) * 3.0)  # class weights are normalised: scale is moot
    angle = math.radians(30)
    x = torch.tensor([[2 * math.cos(angle), 2 * math.sin(angle)]])
    logits = head.logits(x, torch.tensor([0])).detach()
    assert logits[0].tolist() == pytest.approx([30 * (math.cos(angle) - 0.35), 30 * 0.5],
                                               abs=1e-4)
    loss = head(x, torch.tensor([1]))  # now class 1 is the true one: only it loses 0.35
    target, other = 30 * (0.5 - 0.35), 30 * math.cos(angle)
    expected = -target + math.log(math.exp(target) + math.exp(other))
    assert float(loss.detach()) == pytest.approx(expected, abs=1e-4)
    torch.autograd.backward(loss)
    assert head.weight.grad is not None and torch.isfinite(head.weight.grad).all()
