"""Matrix products kept small enough that BLAS stays on the calling thread.

OpenBLAS splits a product over threads once M*N*K passes about 262 000 multiply-adds, and
its helper threads spin while they wait. For the engine's thin products that made
migraine mode cost 8x the CPU on a busy two-core machine (measured), for no speed-up.
Splitting the rows keeps every call under the threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Multiply-adds per BLAS call (OpenBLAS threads above 65536 * 4).
MAX_WORK = 200_000


def matmul(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    """``a @ b`` for 2-D arrays, in row slices of ``a`` small enough to stay single-threaded.

    The result has numpy's type for the product (float32 in, float32 out: the fast meters
    rely on single-precision BLAS).
    """
    rows, inner = a.shape
    cols = b.shape[1]
    step = max(1, MAX_WORK // max(1, inner * cols))
    if rows <= step:
        return np.asarray(a @ b)
    out = np.empty((rows, cols), dtype=np.result_type(a, b))
    for start in range(0, rows, step):
        np.matmul(a[start : start + step], b, out=out[start : start + step])
    return out


def scale_frames(x: NDArray[Any], gains: NDArray[Any]) -> NDArray[np.float64]:
    """``x * gains[:, None]`` for (frames, channels) ``x``, channel by channel: the same
    numbers, about three times as fast (numpy's broadcast over a 2-wide last axis took
    ~100 us for 0.2 s of stereo, a channel's strided product ~18 us)."""
    out = np.empty(x.shape, dtype=np.result_type(x, gains))
    for channel in range(x.shape[1]):
        np.multiply(x[:, channel], gains, out=out[:, channel])
    return out
