"""The scenes: soft, slow, dim shapes drawn as a scalar field in 0..1 with numpy.

A scene is a pure function of scene time: ``field(tau_s, grid)`` is the same every time
for the same arguments (all randomness is drawn from the seed when the scene is made).
Positions are in screen widths, so speeds are in screen widths per second, the unit of
the motion bound. Every moving feature keeps below :data:`MOTION_BUDGET`, with a margin
under the bound; blur and low contrast keep edges soft, and nothing repeats in stripes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError

Field = NDArray[np.float32]

#: Fastest speed of any drawn feature at 1x, in screen widths per second.
MOTION_BUDGET = 0.6 * safety.MAX_MOTION_SCREEN_WIDTHS_PER_S

#: The breathing pacer's pace: default and the range a person may set (breaths a minute).
BREATHS_PER_MIN_DEFAULT = 6.0
BREATHS_PER_MIN_MIN = 3.0
BREATHS_PER_MIN_MAX = 12.0


@dataclass(frozen=True, eq=False)
class Grid:
    """Pixel centres of a frame in screen widths: ``xs`` across (W,), ``ys`` down (H,)."""

    xs: NDArray[np.float32]
    ys: NDArray[np.float32]

    @classmethod
    def of(cls, width: int, height: int) -> Grid:
        xs = ((np.arange(width) + 0.5) / width).astype(np.float32)
        ys = ((np.arange(height) + 0.5) / width).astype(np.float32)
        return cls(xs=xs, ys=ys)

    @property
    def aspect(self) -> float:
        """Height over width."""
        return len(self.ys) / len(self.xs)

    @property
    def px(self) -> float:
        """One pixel, in screen widths."""
        return 1.0 / len(self.xs)


class Scene(Protocol):
    """Something that draws a soft field at a given scene time."""

    name: str

    def field(self, tau_s: float, grid: Grid) -> Field:
        """Brightness 0..1 of each pixel (H, W) at scene time ``tau_s``."""
        ...


def _gauss(values: NDArray[np.float32], centre: float, sigma: float) -> NDArray[np.float32]:
    out = np.exp(-0.5 * ((values - np.float32(centre)) / np.float32(sigma)) ** 2)
    return np.asarray(out, dtype=np.float32)


def _smooth_edge(distance: NDArray[np.float32], softness: float) -> NDArray[np.float32]:
    """1 well inside (distance < 0), 0 well outside, a smooth logistic ramp between."""
    out = 1.0 / (1.0 + np.exp(np.clip(distance / np.float32(softness), -30.0, 30.0)))
    return np.asarray(out, dtype=np.float32)


def _horizon_glow(grid: Grid, level: float, at: float, reach: float) -> Field:
    """A faint band of light fading away from height ``at`` (fraction of the height)."""
    y0 = at * grid.aspect
    column = level * np.exp(-np.abs(grid.ys - np.float32(y0)) / np.float32(reach))
    return np.broadcast_to(column[:, None], (len(grid.ys), len(grid.xs))).astype(np.float32)


class Orbs:
    """Soft glowing orbs, each drifting on a slow Lissajous path in its own part of the screen.

    Kept apart on purpose: soft shapes sliding through each other in different directions
    read as restless, muddy motion.
    """

    name = "orbs"

    #: Home of each orb: x, and y as a fraction of the height.
    _HOMES = ((0.25, 0.3), (0.72, 0.28), (0.3, 0.72), (0.75, 0.7), (0.5, 0.5))

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng([seed, 1])
        self._orbs = []
        for hx, hy in self._HOMES:
            ax, ay = rng.uniform(0.06, 0.12), rng.uniform(0.06, 0.12)
            # |velocity| <= sqrt((ax wx)^2 + (ay wy)^2) <= MOTION_BUDGET
            wx = MOTION_BUDGET / (math.sqrt(2.0) * ax) * rng.uniform(0.5, 1.0)
            wy = MOTION_BUDGET / (math.sqrt(2.0) * ay) * rng.uniform(0.5, 1.0)
            self._orbs.append(
                (
                    hx + rng.uniform(-0.03, 0.03),
                    hy + rng.uniform(-0.03, 0.03),
                    ax,
                    ay,
                    wx,
                    wy,
                    rng.uniform(0.0, 2 * math.pi),
                    rng.uniform(0.0, 2 * math.pi),
                    rng.uniform(0.045, 0.075),  # sigma, screen widths
                    rng.uniform(0.45, 0.9),  # strength
                )
            )

    def field(self, tau_s: float, grid: Grid) -> Field:
        total = np.zeros((len(grid.ys), len(grid.xs)), dtype=np.float32)
        for cx, cy, ax, ay, wx, wy, px, py, sigma, strength in self._orbs:
            x = cx + ax * math.sin(wx * tau_s + px)
            # y swing in screen widths, scaled with the height but never above ay
            y = cy * grid.aspect + ay * min(1.0, grid.aspect) * math.sin(wy * tau_s + py)
            gx = _gauss(grid.xs, x, sigma)
            gy = _gauss(grid.ys, y, sigma)
            total += np.float32(strength) * np.outer(gy, gx)
        return np.asarray(1.0 - np.exp(-total) + 0.02, dtype=np.float32)


class Breathing:
    """A breathing pacer: a soft disc that grows on the in-breath and shrinks on the out.

    The pace is set in breaths a minute. The size change is kept small enough that its
    edge never moves faster than half the motion bound, whatever the pace.
    """

    name = "breathing"

    def __init__(self, seed: int = 0, breaths_per_min: float = BREATHS_PER_MIN_DEFAULT) -> None:
        del seed  # nothing random: a pacer should look the same every time
        if not BREATHS_PER_MIN_MIN <= breaths_per_min <= BREATHS_PER_MIN_MAX:
            raise VisualError(
                f"The breathing pace must be {BREATHS_PER_MIN_MIN:g} to "
                f"{BREATHS_PER_MIN_MAX:g} breaths a minute, not {breaths_per_min:g}."
            )
        self.breaths_per_min = breaths_per_min
        self.period_s = 60.0 / breaths_per_min
        edge_speed = 0.5 * safety.MAX_MOTION_SCREEN_WIDTHS_PER_S
        self._amplitude = min(0.02, edge_speed * self.period_s / (2 * math.pi))
        self._radius = 0.1

    def radius(self, tau_s: float) -> float:
        """Disc radius in screen widths: smallest at the start of each in-breath."""
        phase = 2 * math.pi * tau_s / self.period_s
        return self._radius - self._amplitude * math.cos(phase)

    def field(self, tau_s: float, grid: Grid) -> Field:
        r = self.radius(tau_s)
        dx = grid.xs[None, :] - np.float32(0.5)
        dy = grid.ys[:, None] - np.float32(0.5 * grid.aspect)
        d = np.sqrt(dx * dx + dy * dy)
        disc = 0.45 * _smooth_edge(d - np.float32(r), 0.012)
        halo = 0.12 * np.exp(-0.5 * (np.maximum(d - np.float32(r), 0.0) / np.float32(0.07)) ** 2)
        return np.asarray(disc + halo + 0.03, dtype=np.float32)


class Waves:
    """Slow, low swells under a faintly lit horizon."""

    name = "waves"

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng([seed, 3])
        self._layers = []
        for i, (depth, level) in enumerate(((0.56, 0.34), (0.66, 0.25), (0.80, 0.17))):
            parts = []
            for _ in range(2):
                wavelength = rng.uniform(0.35, 0.8)
                amplitude = rng.uniform(0.006, 0.014) * (1 + 0.5 * i)
                # crest speed along the horizon; the slope 2*pi*a/lambda is < 1, so no
                # point of an edge moves faster than this.
                speed = MOTION_BUDGET * rng.uniform(0.4, 0.9) * rng.choice([-1.0, 1.0])
                parts.append((wavelength, amplitude, speed, rng.uniform(0, 2 * math.pi)))
            self._layers.append((depth, level, parts))

    def field(self, tau_s: float, grid: Grid) -> Field:
        out = _horizon_glow(grid, 0.3, 0.55, 0.1).copy() + np.float32(0.02)
        ys = grid.ys[:, None]
        for depth, level, parts in self._layers:
            top = np.full(len(grid.xs), depth * grid.aspect, dtype=np.float32)
            for wavelength, amplitude, speed, phase in parts:
                k = 2 * math.pi / wavelength
                top += np.float32(amplitude) * np.sin(
                    np.float32(k) * (grid.xs - np.float32(speed * tau_s)) + np.float32(phase)
                )
            cover = _smooth_edge(top[None, :] - ys, 0.01)  # 1 below the crest line
            out = out * (1 - cover) + np.float32(level) * cover
        return np.asarray(out, dtype=np.float32)


class Particles:
    """Soft specks of light falling slowly, swaying a little, like snow at night."""

    name = "particles"

    def __init__(self, seed: int = 0, count: int = 48) -> None:
        rng = np.random.default_rng([seed, 4])
        self._margin = 0.05
        fall = MOTION_BUDGET * rng.uniform(0.3, 0.85, count)
        sway_speed = np.sqrt(MOTION_BUDGET**2 - fall**2) * 0.9  # so that |v| <= budget
        self._x0 = rng.uniform(0.0, 1.0, count)
        self._y0 = rng.uniform(0.0, 1.0, count)  # start, fraction of the fall span
        self._fall = fall
        self._sway = rng.uniform(0.005, 0.02, count)
        self._omega = sway_speed / self._sway
        self._phase = rng.uniform(0, 2 * math.pi, count)
        self._sigma = rng.uniform(0.005, 0.01, count)
        self._strength = rng.uniform(0.3, 0.65, count)

    def field(self, tau_s: float, grid: Grid) -> Field:
        out = _horizon_glow(grid, 0.07, 0.0, 0.3).copy() + np.float32(0.02)
        width, height = len(grid.xs), len(grid.ys)
        span = grid.aspect + 2 * self._margin
        x = self._x0 + self._sway * np.sin(self._omega * tau_s + self._phase)
        y = (self._y0 * span + self._fall * tau_s) % span - self._margin
        # Every speck is drawn in a square patch of the same size, computed all at once.
        reach = math.ceil(4 * float(self._sigma.max()) * width)
        offsets = np.arange(-reach, reach + 1)
        cols = np.floor(x * width).astype(np.intp)[:, None] + offsets
        rows = np.floor(y * width).astype(np.intp)[:, None] + offsets
        inv = 1.0 / (self._sigma[:, None] * width)
        gx = np.exp(-0.5 * (((cols + 0.5) / width - x[:, None]) * width * inv) ** 2)
        gy = np.exp(-0.5 * (((rows + 0.5) / width - y[:, None]) * width * inv) ** 2)
        gy *= self._strength[:, None]
        patches = (gy[:, :, None] * gx[:, None, :]).astype(np.float32)
        for i in range(len(x)):
            c0, r0 = cols[i, 0], rows[i, 0]
            c1, r1 = c0 + len(offsets), r0 + len(offsets)
            cc0, cc1, rr0, rr1 = max(c0, 0), min(c1, width), max(r0, 0), min(r1, height)
            if cc0 < cc1 and rr0 < rr1:
                out[rr0:rr1, cc0:cc1] += patches[i, rr0 - r0 : rr1 - r0, cc0 - c0 : cc1 - c0]
        return np.asarray(np.minimum(out, 1.0), dtype=np.float32)


class Clouds:
    """Large, faint clouds of light drifting across, like mist lit from behind."""

    name = "clouds"

    def __init__(self, seed: int = 0, count: int = 4) -> None:
        rng = np.random.default_rng([seed, 5])
        # One shared drift, and a small own drift per part so the clouds slowly change
        # shape. Parts moving far apart would read as fast, confusing motion.
        angle = rng.uniform(0, 2 * math.pi)
        drift = 0.55 * MOTION_BUDGET
        self._parts = []
        for _ in range(count):
            own_angle = rng.uniform(0, 2 * math.pi)
            own = 0.1 * MOTION_BUDGET * rng.uniform(0.5, 1.0)
            self._parts.append(
                (
                    rng.uniform(0.45, 1.1),  # wavelength across, screen widths
                    rng.uniform(0.5, 1.2),  # wavelength down
                    drift * math.cos(angle) + own * math.cos(own_angle),
                    drift * math.sin(angle) + own * math.sin(own_angle),
                    rng.uniform(0, 2 * math.pi),
                    rng.uniform(0, 2 * math.pi),
                )
            )

    def field(self, tau_s: float, grid: Grid) -> Field:
        total = np.zeros((len(grid.ys), len(grid.xs)), dtype=np.float32)
        for lx, ly, vx, vy, px, py in self._parts:
            sx = np.sin(np.float32(2 * math.pi / lx) * (grid.xs - np.float32(vx * tau_s)) + px)
            sy = np.sin(np.float32(2 * math.pi / ly) * (grid.ys - np.float32(vy * tau_s)) + py)
            total += np.outer(sy, sx).astype(np.float32)
        # mean of the parts, -1..1, mapped so that most of the screen stays dark
        light = (total * np.float32(0.5 / len(self._parts)) + np.float32(0.5)) ** 1.5
        return np.asarray(0.03 + 0.45 * light, dtype=np.float32)


#: Scene name -> class, in the order the UI steps through them.
SCENES: dict[str, type[Orbs | Breathing | Waves | Particles | Clouds]] = {
    "orbs": Orbs,
    "breathing": Breathing,
    "waves": Waves,
    "particles": Particles,
    "clouds": Clouds,
}
SCENE_NAMES: tuple[str, ...] = tuple(SCENES)


def make_scene(name: str, seed: int = 0, breaths_per_min: float = BREATHS_PER_MIN_DEFAULT) -> Scene:
    """A scene by name; VisualError lists the valid names for an unknown one."""
    if name == "breathing":
        return Breathing(seed, breaths_per_min)
    cls = SCENES.get(name)
    if cls is None:
        raise VisualError(
            f"There is no scene called {name!r}. Choose one of: {', '.join(SCENE_NAMES)}."
        )
    return cls(seed)
