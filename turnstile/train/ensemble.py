"""Several trained networks as one embedder, whitened against within-person variation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F  # noqa: N812 - the conventional name
from torch import Tensor, nn

from turnstile.errors import UsageError
from turnstile.train import nets
from turnstile.train.data import FaceSet
from turnstile.train.trainer import embed_images

FloatArray = npt.NDArray[np.float64]
#: Ridge added to the within-person covariance, as a share of its mean eigenvalue: a few
#: hundred photos cannot pin down every direction of a several-hundred-dimensional space.
WHITENING_RIDGE = 1e-2


@dataclass(frozen=True)
class Whitening:
    """x -> (x - mean) @ matrix: directions in which one person's photos vary are shrunk."""

    mean: FloatArray
    matrix: FloatArray

    @classmethod
    def identity(cls, size: int) -> Whitening:
        return cls(np.zeros(size), np.eye(size))


def fit_whitening(embeddings: FloatArray, labels: npt.NDArray[np.int64],
                  ridge: float = WHITENING_RIDGE) -> Whitening:
    """Within-class covariance normalisation (WCCN) fitted on labelled training embeddings.

    The scatter of each person's embeddings around that person's mean, averaged over all
    embeddings, is inverted (square root, with a ridge): what varies within a person (pose,
    light, glasses on or off) counts less, what tells people apart counts more.
    """
    if len(np.unique(labels)) < 2 or len(embeddings) != len(labels):
        raise UsageError("whitening needs embeddings of at least two people, one label each")
    values = np.asarray(embeddings, np.float64)
    centred = np.empty_like(values)
    for label in np.unique(labels):
        rows = labels == label
        centred[rows] = values[rows] - values[rows].mean(axis=0)
    scatter = centred.T @ centred / len(values)
    scatter += ridge * np.trace(scatter) / len(scatter) * np.eye(len(scatter))
    eigenvalues, eigenvectors = np.linalg.eigh(scatter)
    matrix = eigenvectors @ np.diag(eigenvalues ** -0.5) @ eigenvectors.T
    return Whitening(values.mean(axis=0), matrix)


class EnsembleEmbedder(nn.Module):
    """Each member's unit embedding side by side (scaled so the parts weigh the same), then
    the whitening; the exporter normalises the result."""

    def __init__(self, members: Sequence[nn.Module], whitening: Whitening | None = None) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)
        self.scale = float(len(members)) ** -0.5
        chosen = whitening or Whitening.identity(nets.EMBEDDING_SIZE * len(members))
        self.mean: Tensor
        self.matrix: Tensor
        self.register_buffer("mean", torch.as_tensor(chosen.mean, dtype=torch.float32))
        self.register_buffer("matrix", torch.as_tensor(chosen.matrix, dtype=torch.float32))

    def joined(self, x: Tensor) -> Tensor:
        """The members' unit embeddings side by side, before whitening."""
        parts = [F.normalize(member(x), dim=1) for member in self.members]
        joined: Tensor = torch.cat(parts, dim=1) * self.scale
        return joined

    def forward(self, x: Tensor) -> Tensor:
        return (self.joined(x) - self.mean) @ self.matrix


def fit(members: Sequence[nn.Module], faces: FaceSet, device: torch.device) -> EnsembleEmbedder:
    """The members joined and whitened on `faces` (each photo and its mirror image, as the
    engine embeds them)."""
    views = np.concatenate([faces.images, np.ascontiguousarray(faces.images[:, :, ::-1])])
    # Unwhitened, the joined embedding is already a unit vector (M unit parts scaled by
    # 1/sqrt(M)), so the shared embedding helper returns it unchanged.
    joined = embed_images(EnsembleEmbedder(members).to(device), views, device)
    whitening = fit_whitening(joined.astype(np.float64),
                              np.concatenate([faces.labels, faces.labels]))
    return EnsembleEmbedder(members, whitening).to(device).eval()
