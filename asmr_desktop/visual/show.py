"""What visual-only mode shows over time: one scene, changed only by safe, slow steps.

The frame of a moment is a pure function of the scene time, but the person changes
things while watching: the scene, the speed, the brightness. Each change is spread over
time so that no quarter of the screen changes its mean luminance faster than a share of
the bound (the scene's own motion uses the rest), measured on the actual frames each
step: a scene change is a crossfade, a brightness change a ramp, a speed change only
changes how fast scene time runs (nothing jumps). The mode also starts with a fade in.
No Qt: the app calls :meth:`Show.advance` from a timer and paints :meth:`Show.frame_rgb32`.
"""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.visual.audit import region_means
from asmr_desktop.visual.colour import relative_luminance
from asmr_desktop.visual.palette import Palette, palette
from asmr_desktop.visual.render import (
    BRIGHTNESS_MAX,
    BRIGHTNESS_MIN,
    SPEED_MAX,
    SPEED_MIN,
    Frame,
    Renderer,
    clamp_brightness,
    clamp_speed,
    colourise_rgb32,
    colourise_rgbx,
)
from asmr_desktop.visual.scenes import (
    BREATHS_PER_MIN_DEFAULT,
    SCENE_NAMES,
    Field,
    Scene,
    make_scene,
)

log = logging.getLogger(__name__)

#: The speeds the arrow keys step through (slow-motion factors).
SPEED_STEPS: tuple[float, ...] = (SPEED_MIN, 0.35, 0.5, 0.7, SPEED_MAX)
#: One press of + or - changes the brightness by this much.
BRIGHTNESS_STEP = 0.1
#: Shares of the region-change bound that a crossfade and a brightness ramp may use each;
#: the scenes' own motion stays under half of it (their tests show it).
FADE_SHARE = 0.25
BRIGHTNESS_SHARE = 0.25


class _Blank:
    """The empty scene the mode fades in from: the palette's background everywhere."""

    name = ""

    def field(self, tau_s: float, grid: object) -> Field:
        del tau_s, grid
        return np.zeros((1, 1), dtype=np.float32)


class Show:
    """The scene, speed and brightness being shown, and the transitions between them."""

    def __init__(
        self,
        scene: str = SCENE_NAMES[0],
        palette_name: str = "warm",
        speed: float = SPEED_MAX,
        brightness: float = 0.7,
        *,
        migraine: bool = False,
        breaths_per_min: float = BREATHS_PER_MIN_DEFAULT,
        seed: int = 0,
        size: tuple[int, int] = (1920, 1080),
        fade_in: bool = True,
    ) -> None:
        self._seed = seed
        self._breaths_per_min = breaths_per_min
        self.palette: Palette = palette(palette_name, migraine)
        target = make_scene(scene, seed, breaths_per_min)  # VisualError for a bad name
        self._renderer = Renderer(size)
        self._tau_s = 0.0
        self._speed = clamp_speed(speed)
        self._brightness_target = clamp_brightness(brightness)
        self._brightness = self._brightness_target
        ramp = relative_luminance(self.palette.lut[None, [0, -1]])[0]
        self._luminance_span = float(ramp[1] - ramp[0])  # luminance per unit of field
        self._current: Scene = target
        self._incoming: Scene | None = None
        self._pending: str | None = None
        self._mix = 1.0
        if fade_in:
            self._current, self._incoming, self._mix = _Blank(), target, 0.0
        self._field = self._compose()

    # -- state -----------------------------------------------------------------------------
    @property
    def scene(self) -> str:
        """The scene shown, or being faded to (the last one asked for)."""
        if self._pending is not None:
            return self._pending
        return (self._incoming or self._current).name

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def brightness(self) -> float:
        """The brightness asked for; the shown one ramps towards it."""
        return self._brightness_target

    @property
    def shown_brightness(self) -> float:
        return self._brightness

    @property
    def settled(self) -> bool:
        """True when no crossfade or brightness ramp is running."""
        return self._incoming is None and self._brightness == self._brightness_target

    @property
    def internal_size(self) -> tuple[int, int]:
        return self._renderer.internal

    def resize(self, size: tuple[int, int]) -> None:
        """Draw for a new output size (the scene keeps its place and time)."""
        if size != self._renderer.size:
            self._renderer = Renderer(size)
            self._field = self._compose()

    # -- changes ---------------------------------------------------------------------------
    def set_scene(self, name: str) -> None:
        """Crossfade to scene ``name`` (after the running crossfade, if any)."""
        make_scene(name, self._seed, self._breaths_per_min)  # check the name now
        if self._incoming is not None:
            self._pending = name
        elif name != self._current.name:
            self._incoming = make_scene(name, self._seed, self._breaths_per_min)
            self._mix = 0.0

    def step_scene(self, step: int) -> str:
        """Go ``step`` scenes on (negative: back), wrapping round; returns the new name."""
        index = SCENE_NAMES.index(self.scene) if self.scene in SCENE_NAMES else 0
        name = SCENE_NAMES[(index + step) % len(SCENE_NAMES)]
        self.set_scene(name)
        return name

    def set_speed(self, speed: float) -> None:
        self._speed = clamp_speed(speed)

    def step_speed(self, step: int) -> float:
        """Next faster (step > 0) or slower speed of SPEED_STEPS; returns it."""
        if step > 0:
            faster = [s for s in SPEED_STEPS if s > self._speed + 1e-9]
            self._speed = faster[0] if faster else SPEED_MAX
        elif step < 0:
            slower = [s for s in SPEED_STEPS if s < self._speed - 1e-9]
            self._speed = slower[-1] if slower else SPEED_MIN
        return self._speed

    def set_brightness(self, brightness: float) -> None:
        """Ramp towards ``brightness`` (BRIGHTNESS_MIN..BRIGHTNESS_MAX)."""
        self._brightness_target = clamp_brightness(brightness)

    def step_brightness(self, step: int) -> float:
        """One step brighter (step > 0) or dimmer; returns the new target."""
        target = round(self._brightness_target + step * BRIGHTNESS_STEP, 2)
        self.set_brightness(min(BRIGHTNESS_MAX, max(BRIGHTNESS_MIN, target)))
        return self._brightness_target

    # -- time ------------------------------------------------------------------------------
    def advance(self, dt_s: float) -> None:
        """Move on by ``dt_s`` seconds of real time: scene time, crossfade, brightness."""
        dt_s = max(0.0, dt_s)
        self._tau_s += dt_s * self._speed
        budget = safety.MAX_REGION_LUMINANCE_CHANGE_PER_S * dt_s
        base = self._scene_field(self._current)
        if self._incoming is not None:
            new = self._scene_field(self._incoming)
            # luminance change of the most changed region per unit of mix
            gap = self._region_luminance(new - base) * self._brightness
            step = FADE_SHARE * budget / gap if gap > 0 else 1.0
            self._mix = min(1.0, self._mix + step)
            base = base + np.float32(self._mix) * (new - base)
            if self._mix >= 1.0:
                self._current, self._incoming, self._mix = self._incoming, None, 1.0
                if self._pending is not None:
                    pending, self._pending = self._pending, None
                    self.set_scene(pending)
        if self._brightness != self._brightness_target:
            per_unit = self._region_luminance(np.clip(base, 0.0, 1.0))
            step = BRIGHTNESS_SHARE * budget / per_unit if per_unit > 0 else 1.0
            gap = self._brightness_target - self._brightness
            self._brightness += max(-step, min(step, gap))
            if abs(self._brightness - self._brightness_target) < 1e-6:
                self._brightness = self._brightness_target
        self._field = np.asarray(base * np.float32(self._brightness), dtype=np.float32)

    def frame_rgbx(self) -> Frame:
        """The current frame at the internal size, RGBX bytes (H, W, 4) for Qt."""
        return colourise_rgbx(self._field, self.palette, 1.0)

    def frame_rgb32(self) -> NDArray[np.uint32]:
        """The current frame at the internal size as 0xFFRRGGBB words (H, W) for Qt."""
        return colourise_rgb32(self._field, self.palette, 1.0)

    def frame(self) -> Frame:
        """The current frame at the internal size, RGB (H, W, 3)."""
        return self.frame_rgbx()[..., :3]

    # -- helpers ---------------------------------------------------------------------------
    def _scene_field(self, scene: Scene) -> Field:
        field = scene.field(self._tau_s, self._renderer.grid)
        h, w = self._renderer.internal[1], self._renderer.internal[0]
        return np.asarray(np.broadcast_to(field, (h, w)), dtype=np.float32)

    def _compose(self) -> Field:
        """The field shown now: crossfaded scenes, scaled by brightness (0..1 = ramp)."""
        field = self._scene_field(self._current)
        if self._incoming is not None:
            new = self._scene_field(self._incoming)
            field = field + np.float32(self._mix) * (new - field)
        return np.asarray(field * np.float32(self._brightness), dtype=np.float32)

    def _region_luminance(self, field: Field) -> float:
        """Largest |region mean| of a field (or field difference), in luminance."""
        means = region_means(np.asarray(field, dtype=np.float32))
        return float(np.abs(means).max()) * self._luminance_span
