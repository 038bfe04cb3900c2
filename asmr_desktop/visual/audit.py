"""Measure frames against the visual safety bounds: flashes (WCAG 2.3.1), brightness,
saturated red, region luminance change and motion. No Qt; frames are uint8 RGB arrays.

Regions. WCAG counts a flash when it covers at least 25 % of the screen. The frame is cut
into an 8 x 8 grid of blocks, and every 4 x 4 block window (25 windows, each a quarter of
the frame, overlapping in steps of an eighth) is a region; the mean relative luminance of
each region is tracked frame by frame.

Flashes. A transition is a change of a region's mean luminance of at least
FLASH_LUMINANCE_DELTA away from the last extreme, in the opposite direction to the
previous transition, where the darker state is below FLASH_DARK_BELOW; a flash is a pair
of transitions. The reported rate is the most flashes counted inside any one-second
window. A red flash is the same with the WCAG 2.2 red measure: the region mean of
max(0, (R - G - B) * 320) over saturated red pixels (linear light), transitions of 20.

Saturated red. A pixel counts when R / (R + G + B) >= SATURATED_RED_RATIO in linear light
(stricter than on encoded values), unless its red code is below NEAR_BLACK_CODE: such a
pixel is perceptually black and its hue is rounding noise.

Region change. The largest change of any region's mean luminance over one second (over the
whole clip if shorter), per second.

Motion. Luminance is block-averaged to 320-640 px wide, lightly blurred, and cut into
tiles an eighth of the width square. For frame pairs a tenth of a second apart, a regularised
Lucas-Kanade fit gives each tile's displacement: exact for a translating soft shape, the
normal speed for an edge (a growing disc), and unbiased by 8-bit rounding. Tiles with
less than a tenth of the gradient energy of the frame's most structured tile are left
out: their motion is barely visible and their fit is ill-posed. The report gives the
fastest counted tile, in screen widths per second.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.colour import LINEAR_OF_CODE, LUMINANCE_WEIGHTS, NEAR_BLACK_CODE

#: WCAG 2.2 red flash: a change of this much in (R - G - B) * 320 of saturated red.
RED_FLASH_DELTA = 20.0
RED_FLASH_SCALE = 320.0

_BLOCKS = 8  # the region grid: 8 x 8 blocks, regions of 4 x 4 blocks
_REGION_BLOCKS = _BLOCKS // 2
_MOTION_WIDTH = 320  # analysis width for motion, pixels
_MOTION_TILES = 8  # tiles across
_MOTION_LAG_S = 0.1
_MOTION_MIN_ENERGY_SHARE = 0.1


def _max_other_code() -> NDArray[np.uint8]:
    """For each red code, the highest green (or blue) code a saturated red pixel can have.

    R >= ratio * (R + G + B) implies G <= R * (1 - ratio) / ratio; near-black red codes
    get -1 (no code), so they never pass.
    """
    share = (1 - safety.SATURATED_RED_RATIO) / safety.SATURATED_RED_RATIO
    limit = np.searchsorted(LINEAR_OF_CODE, LINEAR_OF_CODE * share, side="right") - 1
    limit[:NEAR_BLACK_CODE] = -1
    return limit.astype(np.int16)


_MAX_OTHER_CODE = _max_other_code()
#: Linear light of each code times its luminance weight: luminance is three lookups.
_LUMA_R, _LUMA_G, _LUMA_B = (LINEAR_OF_CODE * np.float32(w) for w in LUMINANCE_WEIGHTS)


@dataclass(frozen=True)
class VisualReport:
    """What the analyser measured over a clip."""

    frames: int
    fps: float
    general_flashes_per_s: int
    red_flashes_per_s: int
    max_pixel_luminance: float
    max_region_change_per_s: float
    saturated_red_pixels: int
    max_motion_widths_per_s: float

    @property
    def seconds(self) -> float:
        return self.frames / self.fps

    def violations(
        self, luminance_cap: float = safety.MAX_PIXEL_LUMINANCE, speed: float = 1.0
    ) -> list[str]:
        """Each bound of DESIGN.md this clip breaks, in words; empty when it is safe.

        ``speed`` is the slow-motion factor the clip was drawn at: motion must stay under
        the bound scaled by it.
        """
        found = []
        if self.general_flashes_per_s > safety.MAX_FLASHES_PER_S:
            found.append(f"{self.general_flashes_per_s} general flashes in one second")
        if self.red_flashes_per_s > safety.MAX_FLASHES_PER_S:
            found.append(f"{self.red_flashes_per_s} red flashes in one second")
        if self.max_pixel_luminance > luminance_cap:
            found.append(
                f"a pixel reaches luminance {self.max_pixel_luminance:.3f} (cap {luminance_cap})"
            )
        if self.max_region_change_per_s >= safety.MAX_REGION_LUMINANCE_CHANGE_PER_S:
            found.append(
                f"a quarter of the screen changes by {self.max_region_change_per_s:.4f}/s "
                f"(bound {safety.MAX_REGION_LUMINANCE_CHANGE_PER_S}/s)"
            )
        if self.saturated_red_pixels:
            found.append(f"{self.saturated_red_pixels} saturated red pixels")
        motion_bound = safety.MAX_MOTION_SCREEN_WIDTHS_PER_S * speed
        if self.max_motion_widths_per_s > motion_bound:
            found.append(
                f"motion of {self.max_motion_widths_per_s:.4f} screen widths/s "
                f"(bound {motion_bound:.4f})"
            )
        return found


def _edges(n: int, parts: int) -> NDArray[np.intp]:
    return np.linspace(0, n, parts + 1).round().astype(np.intp)[:-1]


def _block_sums(image: NDArray[np.float32], rows: int, cols: int) -> NDArray[np.float64]:
    """Sums of ``image`` over a rows x cols grid of near-equal blocks."""
    summed = np.add.reduceat(image, _edges(image.shape[0], rows), axis=0)
    return np.add.reduceat(summed.astype(np.float64), _edges(image.shape[1], cols), axis=1)


def _windows(blocks: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sums over every 4 x 4 window of an 8 x 8 block grid, flattened (25,)."""
    c = np.pad(blocks.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    k = _REGION_BLOCKS
    return np.asarray(c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]).ravel()


def region_means(image: NDArray[np.float32]) -> NDArray[np.float64]:
    """Means of an image (H, W) over the 25 overlapping quarter-frame regions.

    The live guard calls this twice a video frame, so the block sums are two matrix
    products with the blocks' 0/1 masks, made once a frame size: 0.15-0.23 ms at 320x180
    here, against 1.1 ms for two ``reduceat`` and the areas computed again each time. The
    sums agree with :func:`_block_sums` to 1e-8.
    """
    down, across, area = _region_masks(image.shape[0], image.shape[1])
    blocks = (down @ image).astype(np.float64) @ across
    return _windows(blocks) / area


@functools.lru_cache(maxsize=8)
def _region_masks(
    rows: int, cols: int
) -> tuple[NDArray[np.float32], NDArray[np.float64], NDArray[np.float64]]:
    """For an image rows x cols: which rows make each block row (8, rows), which columns
    each block column (cols, 8), and the pixel count of each region (25,)."""
    down = np.zeros((_BLOCKS, rows), dtype=np.float32)
    across = np.zeros((cols, _BLOCKS), dtype=np.float64)
    for mask, n in ((down, rows), (across.T, cols)):
        edges = [int(e) for e in _edges(n, _BLOCKS)]
        for i, (start, stop) in enumerate(zip(edges, [*edges[1:], n], strict=True)):
            # as reduceat: a block that would be empty is the one row (column) at its start
            mask[i, start : max(stop, start + 1)] = 1.0
    area = _windows(np.outer(down.sum(axis=1), across.sum(axis=0)))
    for array in (down, across, area):
        array.flags.writeable = False
    return down, across, area


def _count_transitions(
    series: NDArray[np.float64], window: int, delta: float, dark_below: float
) -> int:
    """The most opposing transitions of at least ``delta`` in any ``window`` frames.

    ``series`` is (regions, frames). All windows of all regions run at once, one frame
    step at a time.
    """
    frames = series.shape[1]
    window = min(window, frames)
    if window < 2:
        return 0
    starts = frames - window + 1
    lo = series[:, :starts].copy()
    hi = lo.copy()
    last = np.zeros(lo.shape, dtype=np.int8)
    count = np.zeros(lo.shape, dtype=np.int32)
    for j in range(1, window):
        v = series[:, j : j + starts]
        np.minimum(lo, v, out=lo)
        np.maximum(hi, v, out=hi)
        rise = (v - lo >= delta) & (last != 1) & (lo < dark_below)
        fall = (hi - v >= delta) & (last != -1) & (v < dark_below) & ~rise
        moved = rise | fall
        count += moved
        last = np.where(rise, 1, np.where(fall, -1, last)).astype(np.int8)
        lo = np.where(moved, v, lo)
        hi = np.where(moved, v, hi)
    return int(count.max())


class FrameAnalyser:
    """Feed frames one by one with :meth:`add` (they are not kept); then :meth:`report`."""

    def __init__(self, fps: float) -> None:
        if not fps > 0:
            raise VisualError(f"Frames need a positive frame rate, not {fps}.")
        self.fps = fps
        self._shape: tuple[int, ...] | None = None
        self._luma: list[NDArray[np.float64]] = []
        self._red: list[NDArray[np.float64]] = []
        self._max_luminance = 0.0
        self._red_pixels = 0
        self._lag = max(1, round(fps * _MOTION_LAG_S))
        self._previous: NDArray[np.float32] | None = None
        self._motion = 0.0
        self._index = 0

    def add(self, frame: NDArray[np.uint8]) -> None:
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] < 3:
            raise VisualError(f"Frames must be (H, W, 3) uint8 arrays, not {frame.shape}.")
        if self._shape is None:
            self._shape = frame.shape
            self._block_area = _block_sums(np.ones(frame.shape[:2], np.float32), _BLOCKS, _BLOCKS)
            self._region_area = _windows(self._block_area)
        elif frame.shape != self._shape:
            raise VisualError("All frames of one clip must have the same size.")
        luma = _LUMA_R[frame[..., 0]]
        luma += _LUMA_G[frame[..., 1]]
        luma += _LUMA_B[frame[..., 2]]
        self._max_luminance = max(self._max_luminance, float(luma.max()))
        self._luma.append(_windows(_block_sums(luma, _BLOCKS, _BLOCKS)) / self._region_area)
        self._red.append(self._red_regions(frame))
        self._track_motion(luma)
        self._index += 1

    def _red_regions(self, frame: NDArray[np.uint8]) -> NDArray[np.float64]:
        """Region means of the WCAG red measure; counts saturated red pixels on the way."""
        # Cheap pre-check on codes: saturated red needs green and blue each far below red.
        limit = _MAX_OTHER_CODE[frame[..., 0]]
        maybe = (frame[..., 1] <= limit) & (frame[..., 2] <= limit)
        if not maybe.any():
            return np.zeros_like(self._region_area)
        r, g, b = (LINEAR_OF_CODE[frame[..., i]] for i in range(3))
        red = maybe & (r >= safety.SATURATED_RED_RATIO * (r + g + b))
        self._red_pixels += int(np.count_nonzero(red))
        q = np.where(red, np.maximum(r - g - b, 0.0) * RED_FLASH_SCALE, 0.0).astype(np.float32)
        return _windows(_block_sums(q, _BLOCKS, _BLOCKS)) / self._region_area

    # -- motion ----------------------------------------------------------------------------
    def _track_motion(self, luma: NDArray[np.float32]) -> None:
        """Every ``lag`` frames, the motion since the frame ``lag`` before."""
        if self._index % self._lag:
            return  # only frames at multiples of the lag are compared
        h, w = luma.shape
        f = max(1, w // _MOTION_WIDTH)
        rows, cols = h // f, w // f
        small = np.zeros((rows, cols), dtype=np.float32)
        for dy in range(f):  # block average as f*f strided adds: quicker than a reshape-mean
            for dx in range(f):
                small += luma[dy : rows * f : f, dx : cols * f : f]
        small /= f * f
        small = _blur(small)
        if self._previous is not None:
            speed_px = _lucas_kanade_max(self._previous, small)
            widths_per_s = speed_px / small.shape[1] * self.fps / self._lag
            self._motion = max(self._motion, widths_per_s)
        self._previous = small

    def report(self) -> VisualReport:
        n = len(self._luma)
        if n == 0:
            raise VisualError("There are no frames to analyse.")
        luma = np.stack(self._luma, axis=1)
        red = np.stack(self._red, axis=1)
        window = math.floor(self.fps) + 1  # frames spanning one second
        general = _count_transitions(
            luma, window, safety.FLASH_LUMINANCE_DELTA, safety.FLASH_DARK_BELOW
        )
        red_transitions = _count_transitions(red, window, RED_FLASH_DELTA, math.inf)
        lag = min(max(1, round(self.fps)), n - 1)
        change = 0.0
        if lag >= 1:
            change = float(np.abs(luma[:, lag:] - luma[:, :-lag]).max()) / (lag / self.fps)
        return VisualReport(
            frames=n,
            fps=self.fps,
            general_flashes_per_s=general // 2,
            red_flashes_per_s=red_transitions // 2,
            max_pixel_luminance=self._max_luminance,
            max_region_change_per_s=change,
            saturated_red_pixels=self._red_pixels,
            max_motion_widths_per_s=self._motion,
        )


def _blur(image: NDArray[np.float32]) -> NDArray[np.float32]:
    """A binomial blur (sigma 1 px): gradients of tiny specks then come out right."""
    p = np.pad(image, 2, mode="edge")
    rows = (p[:-4] + 4 * p[1:-3] + 6 * p[2:-2] + 4 * p[3:-1] + p[4:]) / 16
    out = (
        rows[:, :-4] + 4 * rows[:, 1:-3] + 6 * rows[:, 2:-2] + 4 * rows[:, 3:-1] + rows[:, 4:]
    ) / 16
    return np.asarray(out, dtype=np.float32)


def _lucas_kanade_max(before: NDArray[np.float32], after: NDArray[np.float32]) -> float:
    """Fastest tile displacement between two luminance images, in pixels."""
    h, w = before.shape
    mean = 0.5 * (before + after)
    gy, gx = np.gradient(mean)
    gt = after - before
    cols = _MOTION_TILES
    rows = max(1, round(cols * h / w))
    sums = [
        _block_sums(np.asarray(a, dtype=np.float32), rows, cols)
        for a in (gx * gx, gx * gy, gy * gy, gx * gt, gy * gt)
    ]
    axx, axy, ayy, bx, by = sums
    pixels = _block_sums(np.ones_like(before), rows, cols)
    energy = (axx + ayy) / pixels
    # A tile with too little structure shows no motion to speak of, and its fit is
    # ill-posed (between two soft shapes the gradients cancel): only tiles with at least
    # a tenth of the frame's strongest structure count. The ridge term keeps edges to
    # the motion across them (the aperture problem) and near-flat frames at zero.
    counted = energy >= max(_MOTION_MIN_ENERGY_SHARE * float(energy.max()), 1e-9)
    ridge = 0.005 * (axx + ayy) + pixels * 1e-9
    a11, a22 = axx + ridge, ayy + ridge
    det = a11 * a22 - axy * axy
    vx = -(a22 * bx - axy * by) / det
    vy = -(a11 * by - axy * bx) / det
    vx, vy = vx[counted], vy[counted]
    if vx.size == 0:
        return 0.0
    return float(np.sqrt(vx * vx + vy * vy).max())


def analyse(frames: Iterable[NDArray[np.uint8]], fps: float) -> VisualReport:
    """Measure a clip of uint8 RGB frames shown at ``fps``."""
    analyser = FrameAnalyser(fps)
    for frame in frames:
        analyser.add(frame)
    return analyser.report()
