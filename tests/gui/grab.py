"""What Qt painted, as an RGB array (a copy: the QImage's memory goes with it)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget


def image_pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return raw.reshape(h, image.bytesPerLine())[:, : 3 * w].reshape(h, w, 3).copy()


def grab_pixels(widget: QWidget) -> np.ndarray:
    """``widget`` as it paints now, in logical pixels times the screen's ratio."""
    return image_pixels(widget.grab().toImage())
