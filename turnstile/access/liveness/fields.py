"""Fields fitted to a face's tracking residuals: how much of them a head's shape explains."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float64]

#: Degree of the smooth field fitted to the residuals (a cubic: ten terms per direction).
STRUCTURE_DEGREE = 3
#: Degree of the smooth field a sheet's bend or a tracker's drift is allowed before the nose
#: is asked to explain the rest (a quadratic: six terms per direction).
SHEET_DEGREE = 2
#: Width of the nose's bump, in face sizes (a Gaussian's standard deviation).
NOSE_SIGMA = 0.12


def polynomial(points: FloatArray, centre: tuple[float, float], size: float,
               degree: int) -> Matrix:
    """Every monomial x^i y^j (i + j <= degree) of the points, in face sizes from `centre`."""
    x = (points[:, 0].astype(np.float64) - centre[0]) / size
    y = (points[:, 1].astype(np.float64) - centre[1]) / size
    return np.stack([x**i * y**j for i in range(degree + 1) for j in range(degree + 1 - i)],
                    axis=1)


def _unexplained(basis: Matrix, misses: Matrix) -> float:
    """Sum of squares of the misses that a least-squares fit on `basis` leaves."""
    coefficients, *_ = np.linalg.lstsq(basis, misses, rcond=None)
    return float(((misses - basis @ coefficients) ** 2).sum())


def structure_share(points: FloatArray, misses: FloatArray, centre: tuple[float, float],
                    size: float) -> float:
    """How much of the misses a smooth (cubic) field over the face explains, beyond chance.

    A head's parallax is a smooth field (the nose and the outline move against the cheeks);
    a flat picture's misses are tracking noise, of which a fit with p terms explains about
    p / n by chance. Returns (R^2 - p/n) / (1 - p/n), or -1 with fewer than 3p tracks.
    """
    basis = polynomial(points, centre, size, STRUCTURE_DEGREE)
    terms, count = basis.shape[1], len(points)
    values = misses.astype(np.float64)
    total = float((values**2).sum())
    if count < 3 * terms or total <= 0.0:
        return -1.0
    explained = 1.0 - _unexplained(basis, values) / total
    chance = terms / count
    return float(max((explained - chance) / (1.0 - chance), 0.0))


def nose_share(points: FloatArray, misses: FloatArray, centre: tuple[float, float],
               size: float, nose: tuple[float, float]) -> float:
    """How much of the misses left by a smooth quadratic field a bump at the nose explains.

    A head turning shows its nose, which stands out of the face, moving against the cheeks:
    a bump of parallax centred on the nose, all pushed one way. A flat, rolled or cut-out
    picture has no such bump, and a bent sheet's depth is a smooth field that the quadratic
    takes first. Returns the share of the quadratic's remainder that one shared push of a
    Gaussian bump at `nose` explains, above the 1 / (n - p) it explains of noise; -1 with
    too few tracks.
    """
    basis = polynomial(points, centre, size, SHEET_DEGREE)
    terms, count = basis.shape[1], len(points)
    if count < 3 * terms + 4:
        return -1.0
    values = misses.astype(np.float64)
    offsets = (points.astype(np.float64) - np.asarray(nose, np.float64)) / (NOSE_SIGMA * size)
    bump = np.exp(-0.5 * (offsets**2).sum(axis=1))
    sheet = _unexplained(basis, values)
    if sheet <= 0.0:
        return -1.0
    share = 1.0 - _unexplained(np.column_stack([basis, bump]), values) / sheet
    chance = 1.0 / (count - terms)
    return float(max((share - chance) / (1.0 - chance), 0.0))
