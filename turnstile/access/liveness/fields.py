"""Fields fitted to a face's tracking residuals: how much of them a head's shape explains."""

from __future__ import annotations

from dataclasses import dataclass

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


def _fit(basis: Matrix, misses: Matrix) -> tuple[Matrix, float]:
    """The least-squares coefficients of `basis` for the misses, and the sum of squares left."""
    coefficients, *_ = np.linalg.lstsq(basis, misses, rcond=None)
    left = float(((misses - basis @ coefficients) ** 2).sum())
    return np.asarray(coefficients, np.float64), left


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
    explained = 1.0 - _fit(basis, values)[1] / total
    chance = terms / count
    return float(max((explained - chance) / (1.0 - chance), 0.0))


@dataclass(frozen=True)
class NoseBump:
    """A bump of parallax at the nose fitted to a pair's misses."""

    #: Share of the misses left by the smooth quadratic that the bump explains, above chance
    #: (-1 with too few tracks).
    share: float
    #: The bump's push at its centre (x, y), in face sizes.
    push: tuple[float, float] = (0.0, 0.0)


NO_BUMP = NoseBump(-1.0)


def nose_bump(points: FloatArray, misses: FloatArray, centre: tuple[float, float],
              size: float, nose: tuple[float, float]) -> NoseBump:
    """How much of the misses left by a smooth quadratic field a bump at the nose explains.

    A head turning shows its nose, which stands out of the face, moving against the cheeks:
    a bump of parallax centred on the nose, all pushed one way. A flat, rolled or cut-out
    picture has no such bump, and a bent sheet's depth is a smooth field that the quadratic
    takes first. The share is that of the quadratic's remainder that one shared push of a
    Gaussian bump at `nose` explains, above the 1 / (n - p) it explains of noise.
    """
    basis = polynomial(points, centre, size, SHEET_DEGREE)
    terms, count = basis.shape[1], len(points)
    if count < 3 * terms + 4:
        return NO_BUMP
    values = misses.astype(np.float64)
    offsets = (points.astype(np.float64) - np.asarray(nose, np.float64)) / (NOSE_SIGMA * size)
    bump = np.exp(-0.5 * (offsets**2).sum(axis=1))
    sheet = _fit(basis, values)[1]
    if sheet <= 0.0:
        return NO_BUMP
    coefficients, left = _fit(np.column_stack([basis, bump]), values)
    chance = 1.0 / (count - terms)
    share = float(max((1.0 - left / sheet - chance) / (1.0 - chance), 0.0))
    push = coefficients[-1] / size
    return NoseBump(share, (float(push[0]), float(push[1])))


def nose_lead(bump: NoseBump, motion: tuple[float, float]) -> float | None:
    """How far the nose's push goes along the face's own motion, as a share of that motion.

    A head turning on its neck, or sliding, carries its nose further than its cheeks and the
    same way: the nose leads (0.22 and 0.49 at the median of the moving clips' nose pairs,
    92-95 % of them above 0). A highlight sliding over a glossy sheet bends the tracks into
    a bump that is pushed any way (about half of a printed face's bumps go against the
    motion). None when the face did not move or no bump was fitted.
    """
    shift = float(np.hypot(*motion))
    if bump.share < 0.0 or shift <= 0.0:
        return None
    return (bump.push[0] * motion[0] + bump.push[1] * motion[1]) / shift**2
