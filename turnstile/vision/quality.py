"""Face quality measures: size, sharpness, brightness and head pose from landmarks."""

from __future__ import annotations

import cv2
import numpy as np

from turnstile.types import Face, Image, Quality
from turnstile.vision.light import luminance, side_ratio


def estimate_pose(face: Face) -> tuple[float, float]:
    """Rough yaw and pitch in degrees from the five landmarks (0, 0 is looking straight).

    Yaw: how far the nose sits from the eyes' midpoint, relative to the eye distance.
    Pitch: where the nose sits between the eye line and the mouth line (about 0.45 frontal).
    """
    points = face.landmark_array()
    eye_right, eye_left, nose, mouth_right, mouth_left = points
    eye_mid = (eye_right + eye_left) / 2.0
    mouth_mid = (mouth_right + mouth_left) / 2.0
    eye_distance = float(np.linalg.norm(eye_left - eye_right)) or 1.0
    yaw_ratio = float(nose[0] - eye_mid[0]) / eye_distance
    span = float(mouth_mid[1] - eye_mid[1]) or 1.0
    pitch_ratio = float(nose[1] - eye_mid[1]) / span - 0.45
    yaw = float(np.degrees(np.arcsin(np.clip(yaw_ratio * 2.0, -1.0, 1.0))))
    pitch = float(np.degrees(np.arcsin(np.clip(pitch_ratio * 2.0, -1.0, 1.0))))
    return yaw, pitch


def measure(face: Face, aligned: Image) -> Quality:
    """Quality of a detected face, measured on its aligned crop."""
    grey = luminance(aligned)
    # Variance of the Laplacian: low for blurred or out-of-focus faces.
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    brightness = float(grey.mean())
    yaw, pitch = estimate_pose(face)
    return Quality(face.box.size, sharpness, brightness, yaw, pitch, side_ratio(aligned))


#: Landmark geometry a real face satisfies: eye distance as a share of the box width, and the
#: largest yaw and pitch (degrees) a face found by a low-confidence look may show.
EYE_SPAN = (0.25, 0.75)
PLAUSIBLE_YAW = 40.0
PLAUSIBLE_PITCH = 35.0


def plausible_landmarks(face: Face) -> bool:
    """Whether the five landmarks sit as on a face seen from the front: eyes side by side in
    the right order and a sensible distance apart, the nose between eye line and mouth, the
    mouth below the eyes, all inside the box, and a moderate head pose."""
    points = face.landmark_array()
    eye_right, eye_left, nose, mouth_right, mouth_left = points
    box = face.box
    if box.w <= 0 or box.h <= 0 or not 0.8 <= box.h / box.w <= 2.0:
        return False
    margin_x, margin_y = 0.1 * box.w, 0.1 * box.h
    inside = ((points[:, 0] >= box.x - margin_x) & (points[:, 0] <= box.x + box.w + margin_x)
              & (points[:, 1] >= box.y - margin_y) & (points[:, 1] <= box.y + box.h + margin_y))
    span = float(eye_left[0] - eye_right[0])
    eye_y = (eye_right[1] + eye_left[1]) / 2.0
    mouth_y = (mouth_right[1] + mouth_left[1]) / 2.0
    ordered = (EYE_SPAN[0] * box.w <= span <= EYE_SPAN[1] * box.w
               and mouth_right[0] < mouth_left[0]
               and eye_y < nose[1] < mouth_y and mouth_y - eye_y >= 0.5 * span)
    if not (bool(inside.all()) and ordered):
        return False
    yaw, pitch = estimate_pose(face)
    return abs(yaw) <= PLAUSIBLE_YAW and abs(pitch) <= PLAUSIBLE_PITCH
