"""How fast a person's own video moves, measured from the frames shown (issue 21).

The generated scenes are drawn at the fewest frames a second that keep every step under
:data:`asmr_desktop.visual.pace.MAX_STEP_PX` screen pixels, because their motion is bounded
(:mod:`asmr_desktop.visual.pace`). A video's motion is not bounded, so it is measured:
between two shown frames, on a copy about SMALL_WIDTH pixels wide, by Lucas-Kanade least squares in
each of BLOCKS x BLOCKS blocks (brightness constancy: Ix u + Iy v + It = 0). The fastest
block counts. The measure is only used to show fewer frames of a slow video; every frame
shown is guarded all the same (:mod:`asmr_desktop.visual.guard`).

An even change of brightness over a block (a fade) is taken out first: it is no motion.
Where the picture changes in a way that is not a small shift (a cut, a flash, motion of
more than about a pixel of the small copy), the least squares leave much of the change
unexplained: then the motion counts as fast (infinite), and the full frame rate is used.
No Qt.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from numpy.typing import NDArray

#: The measuring copy is about this many pixels wide (a whole-number shrink of the frame).
SMALL_WIDTH = 80
#: The blocks, each way, whose motions are measured separately.
BLOCKS = 4
#: Least squares need some texture: a block's gradient energy is lifted by this share of
#: the frame's mean, so a flat block (or a fade) reads as still, not as noise.
_REGULARISE = 0.05
#: A block that changes visibly (mean absolute change of linear light at least
#: _CUT_CHANGE) and whose change a shift explains less than this share of is a cut (or a
#: flash): fast. Smaller unexplained changes are the encoder's noise.
_EXPLAINED_AT_LEAST = 0.5
_CUT_CHANGE = 0.01
#: Beyond this many pixels of the small copy a shift is not measured reliably: fast.
_LARGEST_SHIFT = 1.0


def shrink_factor(width: int) -> int:
    """How many times smaller, each way, the measuring copy of a frame ``width`` wide is."""
    return max(1, width // SMALL_WIDTH)


def shrink(plane: NDArray[np.float32], k: int | None = None) -> NDArray[np.float32]:
    """The mean of each block of ``plane`` (H, W), ``k`` (shrink_factor(W)) pixels each
    way (edges cropped)."""
    k = shrink_factor(plane.shape[1]) if k is None else k
    h, w = plane.shape[0] // k, plane.shape[1] // k
    if k == 1 or h < 2:
        return plane.astype(np.float32, copy=True)
    # rows first, then columns: two sums over neighbouring memory (a 4-axis mean over
    # strided axes cost 3.5 times as much here)
    rows = plane[: h * k, : w * k].reshape(h, k, w * k).sum(axis=1)
    out: NDArray[np.float32] = rows.reshape(h, w, k).sum(axis=2)
    out *= np.float32(1.0 / k**2)
    return out


def _block_sums(image: NDArray[np.float32], blocks: int) -> NDArray[np.float64]:
    """Sums over blocks x blocks equal blocks (the last rows and columns left over are
    left out: a few pixels of the small copy)."""
    h, w = image.shape[0] // blocks, image.shape[1] // blocks
    cropped = image[: h * blocks, : w * blocks].reshape(blocks, h, blocks, w)
    out: NDArray[np.float64] = cropped.sum(axis=(1, 3), dtype=np.float64)
    return out


def shift_px(before: NDArray[np.float32], after: NDArray[np.float32]) -> float:
    """The largest shift of any block from ``before`` to ``after`` (small copies of the
    same shape), in pixels of those copies; infinite where it is not a small shift."""
    if before.shape != after.shape or min(before.shape) < 2 * BLOCKS + 2:
        return math.inf
    mean = before + after
    mean *= np.float32(0.5)
    # central differences inside a one-pixel border: every term on the same pixels
    ix = (mean[1:-1, 2:] - mean[1:-1, :-2]) * np.float32(0.5)
    iy = (mean[2:, 1:-1] - mean[:-2, 1:-1]) * np.float32(0.5)
    it = after[1:-1, 1:-1] - before[1:-1, 1:-1]
    # an even change of brightness over a block (a fade) is not motion: take it out
    h, w = it.shape[0] // BLOCKS, it.shape[1] // BLOCKS
    ix, iy = ix[: h * BLOCKS, : w * BLOCKS], iy[: h * BLOCKS, : w * BLOCKS]
    it = it[: h * BLOCKS, : w * BLOCKS].copy()
    grid = it.reshape(BLOCKS, h, BLOCKS, w)
    grid -= grid.mean(axis=(1, 3), keepdims=True)
    sxx, syy, sxy = (_block_sums(p, BLOCKS) for p in (ix * ix, iy * iy, ix * iy))
    sxt, syt, stt = (_block_sums(p, BLOCKS) for p in (ix * it, iy * it, it * it))
    change = _block_sums(np.abs(it), BLOCKS) / (it.size / BLOCKS**2)
    lift = _REGULARISE * float(np.mean(sxx + syy)) + 1e-12
    sxx, syy = sxx + lift, syy + lift
    det = sxx * syy - sxy * sxy
    u = (-syy * sxt + sxy * syt) / det
    v = (sxy * sxt - sxx * syt) / det
    explained = -(u * sxt + v * syt)  # the drop in squared residual the shift gives
    if not stt.any():
        return 0.0
    cut = (change >= _CUT_CHANGE) & (explained < _EXPLAINED_AT_LEAST * stt)
    largest = float(np.hypot(u, v).max())
    if cut.any() or largest > _LARGEST_SHIFT:
        return math.inf
    return largest


class MotionMeter:
    """The video's motion in screen pixels a second, from frames as they are shown: the
    fastest measured over the last WINDOW_S seconds, and unknown (infinite: as if fast)
    until SETTLE_S seconds have been measured, so a pause in a movement, or the first
    frames of a file, never lower the frame rate."""

    WINDOW_S = 2.0
    SETTLE_S = 1.0

    def __init__(self, screen_width_px: int) -> None:
        self.screen_width_px = max(1, screen_width_px)
        self._last: list[NDArray[np.float32]] | None = None
        self._seen: deque[tuple[float, float]] = deque()  # (seconds, px/s) a pair
        self._seen_s = 0.0

    @property
    def px_per_s(self) -> float:
        if self._seen_s < self.SETTLE_S:
            return math.inf
        return max(speed for _seconds, speed in self._seen)

    def reset(self) -> None:
        """A new file or a new speed: unknown again."""
        self._last = None
        self._seen.clear()
        self._seen_s = 0.0

    def update(self, plane: NDArray[np.float32], seconds: float) -> float:
        """Take the next shown frame's plane (H, W), shown ``seconds`` after the last."""
        fine = shrink(plane)
        smalls = [fine, shrink(fine, 2)]  # the coarser copy: a fine still texture over a
        # moving light pulls the least squares towards no motion; averaged away there
        last, self._last = self._last, smalls
        if last is None or seconds <= 0:
            return self.px_per_s
        px = max(
            shift_px(before, after) * self.screen_width_px / after.shape[1]
            for before, after in zip(last, smalls, strict=True)
        )
        self._seen.append((seconds, px / seconds))
        self._seen_s += seconds
        while self._seen_s - self._seen[0][0] >= self.WINDOW_S:
            self._seen_s -= self._seen.popleft()[0]
        return self.px_per_s
