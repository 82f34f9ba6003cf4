"""Five-point similarity alignment of a face to the embedder's 112x112 template."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from turnstile.types import Face, Image

#: Where the eyes, nose tip and mouth corners sit in a 112x112 ArcFace/SFace crop.
TEMPLATE_112 = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ],
    dtype=np.float32,
)


def similarity_transform(
    source: npt.NDArray[np.float32], target: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    """Least-squares rotation, uniform scale and translation (Umeyama) mapping source to target."""
    src_mean, dst_mean = source.mean(axis=0), target.mean(axis=0)
    src, dst = source - src_mean, target - dst_mean
    covariance = dst.T @ src / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[-1] = -1.0
    rotation = u @ np.diag(sign) @ vt
    variance = float((src**2).sum() / len(source))
    scale = float((singular * sign).sum() / variance) if variance > 0 else 1.0
    matrix = np.zeros((2, 3), dtype=np.float64)
    matrix[:, :2] = scale * rotation
    matrix[:, 2] = dst_mean - scale * rotation @ src_mean
    return matrix


def align(image: Image, face: Face, size: int = 112) -> Image:
    """Warp the face so its landmarks land on the template, scaled to `size` pixels."""
    target = TEMPLATE_112 * (size / 112.0)
    matrix = similarity_transform(face.landmark_array(), target)
    return np.asarray(
        cv2.warpAffine(image, matrix, (size, size), flags=cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE),
        dtype=np.uint8,
    )


def center_crop(image: Image, size: int = 112) -> Image:
    """Explicit fallback when no face is found: the central square, resized (LFW is centred)."""
    height, width = image.shape[:2]
    side = min(height, width) // 2
    top, left = (height - side) // 2, (width - side) // 2
    crop = image[top : top + side, left : left + side]
    return np.asarray(cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA), np.uint8)
