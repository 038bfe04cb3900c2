"""Colour palettes: a ramp from a near-black background to one dim highlight colour.

Every scene draws a scalar field in 0..1 and a palette turns it into colour through a
lookup table, so the luminance cap and the ban on saturated red hold by construction:
every entry of the table is checked here, and nothing else reaches the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.colour import (
    encode_floor,
    luminance_of_linear,
    relative_luminance,
    saturated_red_mask,
    srgb_to_linear,
)

#: Entries in a palette's lookup table (field 0..1 is quantised to this many steps).
LUT_SIZE = 1024

#: name -> (label, background sRGB, highlight hue sRGB). The highlight is scaled down in
#: linear light until its luminance is exactly the cap; the background stays near black.
_SPECS: dict[str, tuple[str, tuple[int, int, int], tuple[int, int, int]]] = {
    "warm": ("dim warm", (13, 9, 6), (255, 178, 102)),
    "green": ("low-light green", (5, 12, 8), (70, 255, 140)),
    "grey": ("grey", (9, 10, 11), (255, 255, 255)),
}

#: The palettes, in the order the UI offers them.
PALETTE_NAMES: tuple[str, ...] = tuple(_SPECS)


@dataclass(frozen=True, eq=False)
class Palette:
    """A checked colour ramp. ``lut[i]`` is the 8-bit sRGB colour of field value i/(N-1).

    ``rgbx`` holds the same colours packed as R, G, B, 255 bytes in one uint32 each, so a
    whole frame is coloured with one gather; ``rgb32`` as 0xFFRRGGBB words, the pixel
    format Qt's raster engine scales fastest.
    """

    name: str
    label: str
    migraine: bool
    cap: float
    lut: NDArray[np.uint8]
    rgbx: NDArray[np.uint32]
    rgb32: NDArray[np.uint32]


def palette(name: str, migraine: bool = False) -> Palette:
    """The named palette; ``migraine`` lowers its luminance cap to the migraine bound."""
    spec = _SPECS.get(name)
    if spec is None:
        raise VisualError(
            f"There is no palette called {name!r}. Choose one of: {', '.join(PALETTE_NAMES)}."
        )
    label, background, highlight = spec
    cap = safety.MAX_PIXEL_LUMINANCE_MIGRAINE if migraine else safety.MAX_PIXEL_LUMINANCE
    bg = srgb_to_linear(np.asarray(background) / 255.0)
    hue = srgb_to_linear(np.asarray(highlight) / 255.0)
    hi = hue * (cap / float(luminance_of_linear(hue)))
    steps = np.linspace(0.0, 1.0, LUT_SIZE)[:, None]
    lut = encode_floor(bg + steps * (hi - bg))
    lut.flags.writeable = False
    _check(name, lut, cap)
    rgbx = np.full(LUT_SIZE, 0xFFFFFFFF, dtype=np.uint32)
    rgbx.view(np.uint8).reshape(LUT_SIZE, 4)[:, :3] = lut
    rgbx.flags.writeable = False
    wide = lut.astype(np.uint32)
    rgb32 = np.asarray(
        0xFF000000 | (wide[:, 0] << 16) | (wide[:, 1] << 8) | wide[:, 2], dtype=np.uint32
    )
    rgb32.flags.writeable = False
    return Palette(
        name=name, label=label, migraine=migraine, cap=cap, lut=lut, rgbx=rgbx, rgb32=rgb32
    )


def _check(name: str, lut: NDArray[np.uint8], cap: float) -> None:
    """Refuse a palette that could break a bound, whatever a scene draws with it."""
    table = lut[None, :, :]
    if float(relative_luminance(table).max()) > cap:
        raise VisualError(f"Palette {name!r} is brighter than its cap {cap}; fix its colours.")
    if saturated_red_mask(table, safety.SATURATED_RED_RATIO).any():
        raise VisualError(f"Palette {name!r} contains saturated red; fix its colours.")
    if np.any(np.diff(lut.astype(np.int16), axis=0) < 0):
        raise VisualError(f"Palette {name!r} is not a monotonic ramp; fix its colours.")
