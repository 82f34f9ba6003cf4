"""The Qt screens; the only package that imports PySide6 (and it never imports cv2 itself)."""
