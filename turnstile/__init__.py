"""Turnstile: offline face-recognition access control for turnstiles and doors."""

import os
import sys

__version__ = "0.1.0"

#: The most pixels any decoded image may have (50 megapixels: far above any camera or
#: badge photo, far below the gigabytes a crafted header can ask for).
MAX_IMAGE_PIXELS = 50_000_000


def _limit_image_decoding() -> bool:
    """Make OpenCV refuse oversized images in every format it decodes (it checks the size
    from the header before allocating); True when the limit is in force.

    OpenCV reads these variables once, when cv2 is loaded, so this runs before anything of
    Turnstile imports cv2. A smaller limit already set by the user is kept.
    """
    for name, value in (("OPENCV_IO_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS),
                        ("OPENCV_IO_MAX_IMAGE_WIDTH", 1 << 16),
                        ("OPENCV_IO_MAX_IMAGE_HEIGHT", 1 << 16)):
        current = os.environ.get(name, "")
        if not current.isdigit() or int(current) > value:
            os.environ[name] = str(value)
    return "cv2" not in sys.modules


#: False only when something loaded cv2 before Turnstile (then imageio says so once).
IMAGE_LIMIT_ACTIVE = _limit_image_decoding()
