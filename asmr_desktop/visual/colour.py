"""sRGB <-> linear light and WCAG relative luminance, for drawing and for measuring."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: WCAG 2.x relative luminance weights of linear R, G and B.
LUMINANCE_WEIGHTS: tuple[float, float, float] = (0.2126, 0.7152, 0.0722)


def srgb_to_linear(encoded: NDArray[np.floating] | float) -> NDArray[np.float64]:
    """Linear light (0..1) from sRGB-encoded values (0..1), per the sRGB/WCAG formula."""
    c = np.asarray(encoded, dtype=np.float64)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: NDArray[np.floating] | float) -> NDArray[np.float64]:
    """sRGB-encoded values (0..1) from linear light (0..1)."""
    c = np.clip(np.asarray(linear, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1.0 / 2.4) - 0.055)


def _table() -> NDArray[np.float32]:
    table = srgb_to_linear(np.arange(256) / 255.0).astype(np.float32)
    table.flags.writeable = False
    return table


#: Linear light of each 8-bit sRGB code (read-only).
LINEAR_OF_CODE: NDArray[np.float32] = _table()


def luminance_of_linear(rgb_linear: NDArray[np.floating]) -> NDArray[np.float64]:
    """Relative luminance of linear RGB triples (last axis)."""
    out = np.asarray(rgb_linear, dtype=np.float64) @ np.asarray(LUMINANCE_WEIGHTS)
    return np.asarray(out, dtype=np.float64)


def relative_luminance(frame: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Per-pixel WCAG relative luminance (0..1) of an 8-bit sRGB frame (H, W, 3)."""
    r, g, b = (LINEAR_OF_CODE[frame[..., i]] for i in range(3))
    wr, wg, wb = LUMINANCE_WEIGHTS
    return np.asarray(wr * r + wg * g + wb * b, dtype=np.float32)


def encode_floor(rgb_linear: NDArray[np.floating]) -> NDArray[np.uint8]:
    """8-bit sRGB codes of linear colours, rounded down so luminance never rises."""
    codes = np.floor(linear_to_srgb(rgb_linear) * 255.0 + 1e-9)
    return np.clip(codes, 0, 255).astype(np.uint8)


#: A pixel whose red code is below this is treated as black when looking for saturated
#: red: its hue is quantisation noise (relative luminance under 0.0012) and cannot be seen.
NEAR_BLACK_CODE = 16


def saturated_red_mask(frame: NDArray[np.uint8], ratio: float) -> NDArray[np.bool_]:
    """Pixels with R / (R + G + B) >= ``ratio`` in linear light, near-black ones excepted.

    Linear light is used because it is the stricter reading: it flags more reddish pixels
    than the same ratio on encoded values would.
    """
    r, g, b = (LINEAR_OF_CODE[frame[..., i]] for i in range(3))
    total = r + g + b
    return np.asarray((r >= ratio * total) & (frame[..., 0] >= NEAR_BLACK_CODE))
