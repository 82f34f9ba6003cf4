"""Siamese losses: contrastive, triplet with in-batch mining, logistic BCE, ArcFace/CosFace."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F  # noqa: N812 - the conventional name
from torch import Tensor, nn

from turnstile.train.settings import MINING


def pairwise_distances(embeddings: Tensor) -> Tensor:
    """Euclidean distance matrix; the tiny floor keeps the gradient finite at zero."""
    squared = torch.cdist(embeddings, embeddings).pow(2)
    return squared.clamp_min(1e-12).sqrt()


def contrastive(distance: Tensor, same: Tensor, margin: float) -> Tensor:
    """Hadsell et al.: y d^2 + (1 - y) max(m - d, 0)^2, averaged over pairs."""
    same = same.to(distance.dtype)
    return (same * distance.pow(2)
            + (1 - same) * F.relu(margin - distance).pow(2)).mean()


def mine_negatives(distance: Tensor, labels: Tensor, mode: str) -> Tensor:
    """For every anchor-positive pair (a, p), the negative to use; returns rows (a, p, n).

    hard: the closest negative to the anchor. semihard (FaceNet): the closest negative that is
    still farther than the positive (d_an > d_ap); when none is, the farthest negative, which
    gives little or no loss (the usual convention, e.g. TensorFlow Addons').
    """
    if mode not in MINING:
        raise ValueError(f"mining must be one of {', '.join(MINING)}, not {mode!r}")
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    anchors, positives = torch.nonzero(same & ~eye, as_tuple=True)
    rows = []
    for a, p in zip(anchors.tolist(), positives.tolist(), strict=True):
        negative = ~same[a]
        if not bool(negative.any()):
            continue
        d_an = distance[a].detach().masked_fill(~negative, math.inf)
        if mode == "hard":
            n = int(torch.argmin(d_an))
        else:
            farther = negative & (distance[a].detach() > distance[a, p].detach())
            if bool(farther.any()):
                n = int(torch.argmin(distance[a].detach().masked_fill(~farther, math.inf)))
            else:
                n = int(torch.argmax(distance[a].detach().masked_fill(~negative, -math.inf)))
        rows.append((a, p, n))
    return torch.tensor(rows, dtype=torch.long, device=labels.device).reshape(-1, 3)


def triplet(embeddings: Tensor, labels: Tensor, alpha: float, mode: str = "semihard") -> Tensor:
    """FaceNet: max(||a-p||^2 - ||a-n||^2 + alpha, 0) on L2-normalised embeddings."""
    unit = F.normalize(embeddings, dim=1)
    triplets = mine_negatives(pairwise_distances(unit), labels, mode)
    if len(triplets) == 0:
        return unit.sum() * 0.0  # no positives in the batch: a zero that keeps the graph
    a, p, n = unit[triplets[:, 0]], unit[triplets[:, 1]], unit[triplets[:, 2]]
    gap = (a - p).pow(2).sum(1) - (a - n).pow(2).sum(1) + alpha
    return F.relu(gap).mean()


class LogisticDistance(nn.Module):
    """P(same) = sigmoid(scale * (bias - d)): a learned logistic over the pair distance."""

    def __init__(self, scale: float = 10.0, bias: float = 1.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(float(scale)))
        self.bias = nn.Parameter(torch.tensor(float(bias)))

    def forward(self, distance: Tensor, same: Tensor) -> Tensor:
        logits = self.scale * (self.bias - distance)
        return F.binary_cross_entropy_with_logits(logits, same.to(logits.dtype))


class _MarginHead(nn.Module):
    """A margin-softmax head over the training people: one learned unit vector per person;
    subclasses turn the cosines to those vectors into margin-penalised logits."""

    def __init__(self, dimension: int, classes: int, scale: float, margin: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(classes, dimension))
        nn.init.xavier_uniform_(self.weight)
        self.scale, self.margin = scale, margin

    def cosines(self, embeddings: Tensor) -> Tensor:
        return F.normalize(embeddings, dim=1) @ F.normalize(self.weight, dim=1).T

    def logits(self, embeddings: Tensor, labels: Tensor) -> Tensor:
        raise NotImplementedError

    def forward(self, embeddings: Tensor, labels: Tensor) -> Tensor:
        return F.cross_entropy(self.logits(embeddings, labels), labels)


class ArcMargin(_MarginHead):
    """ArcFace: s * cos(theta + m) for the true class, s * cos(theta) for the others."""

    def __init__(self, dimension: int, classes: int, scale: float = 30.0,
                 margin: float = 0.5) -> None:
        super().__init__(dimension, classes, scale, margin)

    def logits(self, embeddings: Tensor, labels: Tensor) -> Tensor:
        cosine = self.cosines(embeddings)
        sine = (1.0 - cosine.pow(2)).clamp_min(1e-12).sqrt()
        with_margin = cosine * math.cos(self.margin) - sine * math.sin(self.margin)
        # Past theta = pi - m, cos(theta + m) stops decreasing; the linear extension keeps the
        # target logit monotonic in theta (ArcFace's own fix).
        limit = math.cos(math.pi - self.margin)
        linear = cosine - math.sin(math.pi - self.margin) * self.margin
        with_margin = torch.where(cosine > limit, with_margin, linear)
        target = F.one_hot(labels, cosine.shape[1]).to(torch.bool)
        return self.scale * torch.where(target, with_margin, cosine)


class CosMargin(_MarginHead):
    """CosFace (large margin cosine loss): s * (cos(theta) - m) for the true class only."""

    def __init__(self, dimension: int, classes: int, scale: float = 30.0,
                 margin: float = 0.35) -> None:
        super().__init__(dimension, classes, scale, margin)

    def logits(self, embeddings: Tensor, labels: Tensor) -> Tensor:
        cosine = self.cosines(embeddings)
        target = F.one_hot(labels, cosine.shape[1]).to(cosine.dtype)
        return self.scale * (cosine - self.margin * target)
