"""Face quality measures: size, sharpness, brightness and head pose from landmarks."""

from __future__ import annotations

import cv2
import numpy as np

from turnstile.types import Face, Image, Quality


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
    grey = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY)
    # Variance of the Laplacian: low for blurred or out-of-focus faces.
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    brightness = float(grey.mean())
    yaw, pitch = estimate_pose(face)
    return Quality(face.box.size, sharpness, brightness, yaw, pitch)
