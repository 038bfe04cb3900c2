"""From a scene's field to 8-bit RGB frames, cheaply, at a low internal resolution.

Everything drawn is soft, so frames are drawn about :data:`INTERNAL_WIDTH` pixels wide
and scaled up smoothly: by Qt in the app, by :func:`upscale_field` for files. Bilinear
scaling only mixes neighbouring values of one monotonic palette ramp, so no scaled pixel
is brighter than the brightest of its neighbours: the luminance cap survives scaling.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.palette import LUT_SIZE, Palette
from asmr_desktop.visual.scenes import Field, Grid, Scene

#: An 8-bit sRGB frame, (H, W, 3); the app also uses (H, W, 4) RGBX frames.
Frame = NDArray[np.uint8]

#: Width of the drawing buffer, in pixels (never more than the output's width).
INTERNAL_WIDTH = 320

#: The slow-motion factor: 1x at most (the motion bound holds at 1x), down to 0.25x.
SPEED_MIN = 0.25
SPEED_MAX = 1.0
#: Brightness scales the palette's highlight: 1 reaches the luminance cap.
BRIGHTNESS_MIN = 0.1
BRIGHTNESS_MAX = 1.0


def clamp_speed(speed: float) -> float:
    """A slow-motion factor within SPEED_MIN..SPEED_MAX (NaN gives 1x)."""
    if speed != speed:
        return SPEED_MAX
    return max(SPEED_MIN, min(SPEED_MAX, speed))


def clamp_brightness(brightness: float) -> float:
    """A brightness within BRIGHTNESS_MIN..BRIGHTNESS_MAX (NaN gives the minimum)."""
    if brightness != brightness:
        return BRIGHTNESS_MIN
    return max(BRIGHTNESS_MIN, min(BRIGHTNESS_MAX, brightness))


def internal_size(size: tuple[int, int], internal_width: int = INTERNAL_WIDTH) -> tuple[int, int]:
    """The (width, height) frames are drawn at for an output of ``size`` (width, height)."""
    width, height = size
    if width < 1 or height < 1:
        raise VisualError(f"A frame needs a positive size, not {width}x{height}.")
    w = min(width, internal_width)
    return w, max(1, round(height * w / width))


def _lut_index(field: Field, brightness: float) -> NDArray[np.intp]:
    """Palette entries of a field; brightness scales it (dims towards the background)."""
    scale = np.float32((LUT_SIZE - 1) * clamp_brightness(brightness))
    return (np.clip(field, 0.0, 1.0) * scale).astype(np.intp)  # truncation: never brighter


def colourise_rgbx(field: Field, palette: Palette, brightness: float) -> Frame:
    """RGBX bytes (H, W, 4) of a field through the palette's checked ramp."""
    packed = palette.rgbx[_lut_index(field, brightness)]
    return packed.view(np.uint8).reshape(*field.shape, 4)


def colourise_rgb32(field: Field, palette: Palette, brightness: float) -> NDArray[np.uint32]:
    """0xFFRRGGBB words (H, W) of a field: the same colours, in Qt's fastest format."""
    return palette.rgb32[_lut_index(field, brightness)]


def colourise(field: Field, palette: Palette, brightness: float) -> Frame:
    """RGB (H, W, 3) of a field; see :func:`colourise_rgbx`."""
    return colourise_rgbx(field, palette, brightness)[..., :3]


def _axis(n_in: int, n_out: int) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float32]]:
    """Bilinear source indices and weights along one axis (pixel centres aligned)."""
    pos = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0.0, n_in - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, n_in - 1)
    return lo, hi, (pos - lo).astype(np.float32)


def upscale_field(field: Field, size: tuple[int, int]) -> Field:
    """Bilinear resize of a field to ``size`` (width, height), like Qt's smooth scaling."""
    width, height = size
    h, w = field.shape
    if (w, h) == (width, height):
        return field
    y0, y1, wy = _axis(h, height)
    x0, x1, wx = _axis(w, width)
    across = np.take(field, x0, axis=1)
    step = np.take(field, x1, axis=1)
    step -= across
    step *= wx
    across += step
    out = np.take(across, y0, axis=0)
    step = np.take(across, y1, axis=0)
    step -= out
    step *= wy[:, None]
    out += step
    return out


class Renderer:
    """Draws frames of any scene for one output size; keeps the pixel grid between frames."""

    def __init__(self, size: tuple[int, int], internal_width: int = INTERNAL_WIDTH) -> None:
        self.size = size
        self.internal = internal_size(size, internal_width)
        self.grid = Grid.of(*self.internal)

    def field(self, scene: Scene, tau_s: float) -> Field:
        """The scene's field at scene time ``tau_s``, at the internal size."""
        return scene.field(tau_s, self.grid)

    def frame(
        self,
        scene: Scene,
        t_s: float,
        palette: Palette,
        speed: float = SPEED_MAX,
        brightness: float = BRIGHTNESS_MAX,
    ) -> Frame:
        """The internal-size RGB frame at time ``t_s``; a pure function of its arguments."""
        field = self.field(scene, t_s * clamp_speed(speed))
        return colourise(field, palette, brightness)

    def full_frame(
        self,
        scene: Scene,
        t_s: float,
        palette: Palette,
        speed: float = SPEED_MAX,
        brightness: float = BRIGHTNESS_MAX,
    ) -> Frame:
        """The RGB frame at the output size: drawn small, scaled up smoothly."""
        field = upscale_field(self.field(scene, t_s * clamp_speed(speed)), self.size)
        return colourise(field, palette, brightness)


def render(
    scene: Scene,
    t_s: float,
    size: tuple[int, int],
    palette: Palette,
    speed: float = SPEED_MAX,
    brightness: float = BRIGHTNESS_MAX,
) -> Frame:
    """One RGB frame (H, W, 3) at the output ``size``; a pure function of its arguments."""
    return Renderer(size).full_frame(scene, t_s, palette, speed, brightness)
