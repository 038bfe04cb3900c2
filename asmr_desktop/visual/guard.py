"""The live guard: every frame of a person's own video passes the generated scenes' bounds.

A video is not drawn from a checked palette ramp, so nothing holds by construction: each
frame is checked, and softened where it would break a bound, before it is shown. The
guard works in linear light (where luminance, region means and blends are all linear):

1. Saturated red (R / (R + G + B) >= SATURATED_RED_RATIO): such pixels are blended towards
   the grey of the same luminance until they sit at RED_RATIO_LIMIT (a margin under the
   bound for 8-bit rounding). No saturated red is left, so no red flash can happen.
2. Luminance cap: a pixel brighter than the cap is scaled down to it, hue kept.
3. Region change: the mean luminance of every quarter-screen region (the analyser's 25
   regions, :func:`asmr_desktop.visual.audit.region_means`) must stay within
   REGION_BUDGET_SHARE x MAX_REGION_LUMINANCE_CHANGE_PER_S of every frame shown in the last
   second. Where the new frame would leave that band, the guard shows a cross-fade from
   the last shown frame towards it instead, as far as the band allows: a cut or a flash
   fades through slowly, a steady picture passes unchanged. A change of 0.1 (a WCAG
   flash transition) cannot happen inside one second when no two frames of that second
   differ by 0.02, so no general flash is left either.
4. The encoded 8-bit frame (rounded down: never brighter) is measured again, the way the
   analyser measures it: luminance, saturated red and the region band. A frame that
   fails is not shown; the last shown frame is held instead.

What the guard did is reported per frame (:attr:`GuardedFrame.note`), so the window can say
"Softened a flash" briefly. Motion is not limited: a person's own video of hands moving
moves faster than the generated scenes' 2 % of the width a second by nature, and slowing
it to that would freeze it; the speed control (1x, 0.5x, 0.25x) is there for that.
No Qt.
"""

from __future__ import annotations

import logging
import math
import sys
from collections import deque
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.audit import _MAX_OTHER_CODE, region_means  # the analyser's own table
from asmr_desktop.visual.colour import LINEAR_OF_CODE, LUMINANCE_WEIGHTS, NEAR_BLACK_CODE

log = logging.getLogger(__name__)

#: A linear-light frame in planes (3, H, W): red, green, blue, float32, 0..1. Planes
#: keep every step on contiguous memory (twice as quick as interleaved pixels here).
Linear = NDArray[np.float32]

#: Reddish pixels are brought down to this share of red (the bound is 0.8): 8-bit rounding
#: moves the share by at most a few hundredths for codes above NEAR_BLACK_CODE.
RED_RATIO_LIMIT = 0.75
#: The region band uses this share of the bound, leaving room for 8-bit rounding and
#: for a timer that shows frames a little faster than planned.
REGION_BUDGET_SHARE = 0.8
#: Below this the cross-fade towards the video counts as "softening" worth a note.
SOFTENED_BELOW = 0.5

#: The fade in at the start is not announced: notes begin once the picture has caught up
#: with the video, or after this long.
NOTES_AFTER_S = 2.0

NOTE_FLASH = "Softened a flash"
NOTE_CHANGE = "Softened a quick change"
NOTE_BRIGHT = "Dimmed a bright light"
NOTE_RED = "Softened strong red"

_STEPS = 65536


def _code_of_linear() -> NDArray[np.uint8]:
    """For i in 0..65535, the highest 8-bit code whose linear light is <= i / 65535."""
    steps = np.arange(_STEPS, dtype=np.float64) / (_STEPS - 1)
    codes = np.searchsorted(LINEAR_OF_CODE.astype(np.float64), steps, side="right") - 1
    table = np.clip(codes, 0, 255).astype(np.uint8)
    table.flags.writeable = False
    return table


#: Linear light (quantised down to 1/65535) -> 8-bit sRGB code, rounded down.
CODE_OF_LINEAR = _code_of_linear()
#: The same, already in place in a 0xFFRRGGBB word, for red, green and blue.
_WORD_R, _WORD_G, _WORD_B = (
    (CODE_OF_LINEAR.astype(np.uint32) << shift) | np.uint32(alpha)
    for shift, alpha in ((16, 0xFF000000), (8, 0), (0, 0))
)
_LUMA_R, _LUMA_G, _LUMA_B = (LINEAR_OF_CODE * np.float32(w) for w in LUMINANCE_WEIGHTS)
#: The luminance terms of the encoded code, straight from the 16-bit index: the same
#: float32 values as _LUMA_* of CODE_OF_LINEAR, one lookup instead of two.
_INDEX_LUMA = tuple(np.take(table, CODE_OF_LINEAR) for table in (_LUMA_R, _LUMA_G, _LUMA_B))
#: For each 16-bit index of red, the highest index of green (or blue) whose code the
#: analyser's quick red test lets through (-1: none): CODE_OF_LINEAR never decreases, so
#: "code of g <= limit of code of r" is "index of g <= this".
_INDEX_RED_LIMIT = (
    np.searchsorted(CODE_OF_LINEAR, np.take(_MAX_OTHER_CODE, CODE_OF_LINEAR), side="right") - 1
).astype(np.int32)
_WEIGHTS = np.asarray(LUMINANCE_WEIGHTS, dtype=np.float32)
#: Where R, G and B sit among the four bytes of a 0xFFRRGGBB word in memory.
_BYTE_OF = (2, 1, 0) if sys.byteorder == "little" else (1, 2, 3)


def _indices(linear: Linear, clip: bool = True) -> NDArray[np.uint16]:
    if clip:
        linear = np.clip(linear, 0.0, 1.0)
    scaled = linear * np.float32(_STEPS - 1)
    return scaled.astype(np.uint16)


def encode(linear: Linear) -> NDArray[np.uint8]:
    """8-bit sRGB codes (H, W, 3) of a linear frame (3, H, W), never brighter than it."""
    return np.moveaxis(np.take(CODE_OF_LINEAR, _indices(linear)), 0, -1)


def encode_rgb32(linear: Linear, *, clip: bool = True) -> NDArray[np.uint32]:
    """The same codes as :func:`encode`, as 0xFFRRGGBB words (H, W) for Qt.

    ``clip=False`` when ``linear`` is known to be within 0..1 already (saves a pass).
    """
    return _words(_indices(linear, clip))


def _words(index: NDArray[np.uint16]) -> NDArray[np.uint32]:
    """0xFFRRGGBB words (H, W) of 16-bit linear indices (3, H, W)."""
    # mode="clip": every uint16 is a valid index, and numpy's bounds check costs more
    words: NDArray[np.uint32] = np.take(_WORD_R, index[0], mode="clip")
    words |= np.take(_WORD_G, index[1], mode="clip")
    words |= np.take(_WORD_B, index[2], mode="clip")
    return words


def _index_luminance(index: NDArray[np.uint16]) -> NDArray[np.float32]:
    """The luminance (H, W) the analyser measures for the codes of 16-bit indices
    (3, H, W): equal to :func:`_luminance` of those codes."""
    luma: NDArray[np.float32] = np.take(_INDEX_LUMA[0], index[0], mode="clip")
    luma += np.take(_INDEX_LUMA[1], index[1], mode="clip")
    luma += np.take(_INDEX_LUMA[2], index[2], mode="clip")
    return luma


def _index_red_count(index: NDArray[np.uint16], rgb32: NDArray[np.uint32]) -> int:
    """:func:`_red_count` of the codes of ``index`` (their words ``rgb32``), with the
    analyser's quick test done on the indices."""
    limit = np.take(_INDEX_RED_LIMIT, index[0], mode="clip")
    maybe = index[1] <= limit
    maybe &= index[2] <= limit
    if not maybe.any():
        return 0
    return _red_count(*channels(rgb32))


def channels(rgb32: NDArray[np.uint32]) -> tuple[NDArray[np.uint8], ...]:
    """Views of the red, green and blue codes (H, W) of 0xFFRRGGBB words."""
    data = rgb32.view(np.uint8).reshape(*rgb32.shape, 4)
    return tuple(data[..., i] for i in _BYTE_OF)


def linear_of_rgb32(rgb32: NDArray[np.uint32]) -> Linear:
    """Linear light in planes (3, H, W) of 0xFFRRGGBB words."""
    return np.stack([np.take(LINEAR_OF_CODE, c) for c in channels(rgb32)])


def pack_rgb32(rgb: NDArray[np.uint8]) -> NDArray[np.uint32]:
    """0xFFRRGGBB words (H, W) of an RGB frame: the pixel format Qt scales fastest."""
    wide = rgb.astype(np.uint32)
    return np.asarray(
        0xFF000000 | (wide[..., 0] << 16) | (wide[..., 1] << 8) | wide[..., 2], dtype=np.uint32
    )


def luminance_of_codes(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Relative luminance (H, W) of an 8-bit frame, as the analyser computes it."""
    return _luminance(rgb[..., 0], rgb[..., 1], rgb[..., 2])


def _luminance(
    r: NDArray[np.uint8], g: NDArray[np.uint8], b: NDArray[np.uint8]
) -> NDArray[np.float32]:
    luma = np.take(_LUMA_R, r)
    luma += np.take(_LUMA_G, g)
    luma += np.take(_LUMA_B, b)
    return luma


def saturated_red_count(rgb: NDArray[np.uint8]) -> int:
    """Pixels the analyser counts as saturated red (linear ratio, near-black excepted)."""
    return _red_count(rgb[..., 0], rgb[..., 1], rgb[..., 2])


def _red_count(r: NDArray[np.uint8], g: NDArray[np.uint8], b: NDArray[np.uint8]) -> int:
    # The analyser's own quick test on codes first: almost every frame stops here.
    limit = np.take(_MAX_OTHER_CODE, r)
    maybe = (g <= limit) & (b <= limit)
    if not maybe.any():
        return 0
    lr, lg, lb = (np.take(LINEAR_OF_CODE, c) for c in (r, g, b))
    red = maybe & (lr >= safety.SATURATED_RED_RATIO * (lr + lg + lb)) & (r >= NEAR_BLACK_CODE)
    return int(np.count_nonzero(red))


@dataclass(frozen=True)
class GuardedFrame:
    """A frame that passed the guard, and what the guard did to it ('' when nothing)."""

    #: The frame as 0xFFRRGGBB words (H, W), ready for Qt.
    rgb32: NDArray[np.uint32]
    #: The part of the way from the last shown frame to the video's frame that was shown
    #: (1: the video's frame itself; 0: the last frame held).
    mix: float
    #: Everything the guard did, most important first; ``note`` is the first.
    notes: tuple[str, ...] = ()
    held: bool = False
    #: Frame intervals (at the guard's fps) the frame stays on the screen.
    ticks: int = 1

    @property
    def note(self) -> str:
        return self.notes[0] if self.notes else ""

    @property
    def rgb(self) -> NDArray[np.uint8]:
        """The frame as RGB codes (H, W, 3) (a copy)."""
        return np.stack(channels(self.rgb32), axis=-1)


class FrameGuard:
    """Checks and softens a stream of linear frames shown at ``fps``; keeps what it showed.

    ``start`` is the colour (linear RGB) the screen shows before the first frame: the
    guard fades in from it, like the generated scenes fade in from their background.
    """

    def __init__(
        self,
        fps: float,
        luminance_cap: float = safety.MAX_PIXEL_LUMINANCE,
        start: tuple[float, float, float] = (0.0, 0.0, 0.0),
    ) -> None:
        if not fps > 0:
            raise VisualError(f"The guard needs a positive frame rate, not {fps}.")
        if not 0.0 < luminance_cap <= safety.MAX_PIXEL_LUMINANCE:
            raise VisualError(
                f"A luminance cap must be above 0 and at most {safety.MAX_PIXEL_LUMINANCE}."
            )
        self.fps = fps
        self.cap = luminance_cap
        self.band = REGION_BUDGET_SHARE * safety.MAX_REGION_LUMINANCE_CHANGE_PER_S
        # Frames one second apart are compared by the analyser; keep one more to be safe.
        self._history: deque[NDArray[np.float64]] = deque(maxlen=math.ceil(fps) + 2)
        # The start colour obeys the bounds as well: it is what a held first frame shows.
        first = np.clip(np.asarray(start, dtype=np.float32), 0.0, 1.0).reshape(3, 1, 1)
        _soften_red(first)
        _cap_luminance(first, _luma(first), luminance_cap)
        self._start = first.reshape(3)
        self._shown: Linear | None = None
        self._shown_means: NDArray[np.float64] | None = None
        self._shown_rgb32: NDArray[np.uint32] | None = None
        self._caught_up = False  # notes wait until the fade in has reached the video
        self.frames = 0
        self.softened = 0
        self.held = 0

    def start_from(self, frame: Linear) -> None:
        """Go on from a frame already on the screen (a scene, or another video's last
        frame): the next frames fade from it, never jump. It is checked like any other."""
        work = np.clip(frame, 0.0, 1.0, dtype=np.float32)
        _soften_red(work)
        _cap_luminance(work, _luma(work), self.cap)
        rgb32 = encode_rgb32(work, clip=False)
        self._shown, self._shown_means, self._shown_rgb32 = work, region_means(_luma(work)), rgb32
        self._history.clear()
        self._history.append(region_means(_luminance(*channels(rgb32))))

    def process(self, frame: Linear, ticks: int = 1) -> GuardedFrame:
        """The frame to show for ``frame`` (3, H, W linear light): it, or a softened one.

        ``frame`` is not changed (the caller may show it blended again). ``ticks``: the
        frame stays on the screen that many frame intervals (a slow video is shown at a
        lower rate); the guard counts it as that many equal frames, which is what the
        analyser sees at the guard's fps, so every bound holds as at the full rate.
        """
        if frame.ndim != 3 or frame.shape[0] != 3:
            raise VisualError(f"The guard takes (3, H, W) frames, not {frame.shape}.")
        if ticks < 1:
            raise VisualError(f"A frame is shown for at least one interval, not {ticks}.")
        work = np.clip(frame, 0.0, 1.0, dtype=np.float32)  # a new array, changed in place
        notes: list[str] = []
        if _soften_red(work):
            notes.append(NOTE_RED)
        luma = _luma(work)
        if _cap_luminance(work, luma, self.cap):
            notes.append(NOTE_BRIGHT)
        previous, before = self._previous(work.shape)
        target = region_means(luma)
        mix, flash = self._mix(before, target)
        if mix >= 1.0:
            shown, shown_means = work, target
        else:
            shown = work - previous
            shown *= np.float32(mix)
            shown += previous
            shown_means = before + mix * (target - before)
        index = _indices(shown, clip=False)  # both sides of a blend are within 0..1
        rgb32 = _words(index)
        shown_luma = _index_luminance(index)
        means = region_means(shown_luma)
        held = not self._passes(shown_luma, _index_red_count(index, rgb32), means)
        if held:
            log.warning("a guarded frame failed its own check; holding the last one")
            rgb32 = self._held_rgb32(work.shape)
            means = region_means(_luminance(*channels(rgb32)))
            shown, shown_means, mix = previous, before, 0.0
        if mix >= 1.0 or self.frames >= NOTES_AFTER_S * self.fps:
            self._caught_up = True
        if mix < SOFTENED_BELOW and self._caught_up:
            notes.insert(0, NOTE_FLASH if flash else NOTE_CHANGE)
        self._shown, self._shown_means, self._shown_rgb32 = shown, shown_means, rgb32
        self._history.extend([means] * ticks)
        self.frames += ticks
        self.softened += bool(notes)
        self.held += held
        told = tuple(notes) if self._caught_up else ()
        return GuardedFrame(rgb32=rgb32, mix=mix, notes=told, held=held, ticks=ticks)

    # -- steps -----------------------------------------------------------------------------
    def _previous(self, shape: tuple[int, ...]) -> tuple[Linear, NDArray[np.float64]]:
        """The last shown frame at ``shape`` (the start colour before the first), and its
        region means."""
        if self._shown is None or self._shown_means is None:
            start = _fill(self._start, shape)
            return start, region_means(_luma(start))
        if self._shown.shape != shape:
            self._shown = np.stack([_resize_nearest(p, shape[1], shape[2]) for p in self._shown])
            self._shown_means = region_means(_luma(self._shown))
        return self._shown, self._shown_means

    def _held_rgb32(self, shape: tuple[int, ...]) -> NDArray[np.uint32]:
        if self._shown_rgb32 is None:
            return encode_rgb32(_fill(self._start, shape))
        if self._shown_rgb32.shape != shape[1:]:
            self._shown_rgb32 = _resize_nearest(self._shown_rgb32, shape[1], shape[2])
        return self._shown_rgb32

    def _band(self) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
        """Lowest and highest region means allowed now (None before the first frame)."""
        if not self._history:
            return None
        stacked = np.stack(self._history)
        return stacked.max(axis=0) - self.band, stacked.min(axis=0) + self.band

    def _mix(self, before: NDArray[np.float64], target: NDArray[np.float64]) -> tuple[float, bool]:
        """How far from the last shown frame towards the new one the band allows, and
        whether the step would be a flash transition."""
        band = self._band()
        lo, hi = band if band is not None else (before - self.band, before + self.band)
        step = target - before
        flash = bool(np.any(np.abs(step) >= safety.FLASH_LUMINANCE_DELTA))
        with np.errstate(divide="ignore", invalid="ignore"):
            room = np.where(
                step > 0, (hi - before) / step, np.where(step < 0, (lo - before) / step, np.inf)
            )
        mix = float(np.clip(np.min(room), 0.0, 1.0))
        return mix, flash

    def _passes(
        self, luma: NDArray[np.float32], red_pixels: int, means: NDArray[np.float64]
    ) -> bool:
        """The encoded frame, measured as the analyser measures it, keeps every bound."""
        if float(luma.max()) > self.cap or red_pixels:
            return False
        band = self._band()
        if band is not None:
            slack = (1.0 - REGION_BUDGET_SHARE) * safety.MAX_REGION_LUMINANCE_CHANGE_PER_S / 2
            lo, hi = band
            if np.any(means < lo - slack) or np.any(means > hi + slack):
                return False
        return True


def _luma(work: Linear) -> NDArray[np.float32]:
    """Relative luminance (H, W) of a linear frame."""
    wr, wg, wb = (np.float32(w) for w in LUMINANCE_WEIGHTS)
    luma: NDArray[np.float32] = work[0] * wr
    luma += work[1] * wg
    luma += work[2] * wb
    return luma


def _fill(colour: NDArray[np.float32], shape: tuple[int, ...]) -> Linear:
    """A frame (3, H, W) of one linear colour."""
    return np.broadcast_to(colour.reshape(3, 1, 1), shape).astype(np.float32)


def _soften_red(work: Linear) -> bool:
    """Blend saturated-looking red pixels towards grey of the same luminance, in place."""
    # R > LIMIT (R + G + B)  <=>  R > LIMIT / (1 - LIMIT) (G + B): a quick test first
    others = work[1] + work[2]
    others *= np.float32(RED_RATIO_LIMIT / (1.0 - RED_RATIO_LIMIT))
    reddish = work[0] > others
    if not reddish.any():
        return False
    pixels = work[:, reddish].T  # (n, 3)
    y = (pixels @ _WEIGHTS)[:, None]
    over = (pixels[:, 0] - np.float32(RED_RATIO_LIMIT) * pixels.sum(axis=1))[:, None]
    # grey (y, y, y) has red share 1/3: at share t of the way, red - LIMIT * total is
    # over * (1 - t) + t * y * (1 - 3 * LIMIT); zero at t below.
    grey_gap = y * np.float32(1.0 - 3.0 * RED_RATIO_LIMIT)
    t = np.clip(over / (over - grey_gap + np.float32(1e-12)), 0.0, 1.0) * np.float32(1.0001)
    t = np.minimum(t, 1.0)
    work[:, reddish] = (pixels + t * (y - pixels)).T
    return True


def _cap_luminance(work: Linear, luma: NDArray[np.float32], cap: float) -> bool:
    """Scale pixels brighter than ``cap`` down to it (hue kept), in place; luma too."""
    bright = luma > cap
    if not bright.any():
        return False
    scale = np.float32(cap) / luma[bright]
    work[:, bright] *= scale[None, :]
    luma[bright] = cap
    return True


_A = TypeVar("_A", np.float32, np.uint32)


def _resize_nearest(image: NDArray[_A], height: int, width: int) -> NDArray[_A]:
    h, w = image.shape
    rows = np.minimum((np.arange(height) + 0.5) * h / height, h - 1).astype(np.intp)
    cols = np.minimum((np.arange(width) + 0.5) * w / width, w - 1).astype(np.intp)
    return np.ascontiguousarray(image[rows][:, cols])
