"""Weather and fire: soft rain, slow ocean waves, a fireplace without pops."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from asmr_desktop.dsp import design
from asmr_desktop.soundscapes import filters
from asmr_desktop.soundscapes.base import (
    CHANNELS,
    RATE_HZ,
    Generator,
    SettingSpec,
    SmoothPath,
    scatter_clicks,
)
from asmr_desktop.soundscapes.filters import FilterChain, Signal


def pan_gains(position: float) -> tuple[float, float]:
    """Equal-power gains (left, right) for a position from -1 (left) to 1 (right)."""
    angle = (position + 1.0) * math.pi / 4.0
    return math.cos(angle), math.sin(angle)


class Rain(Generator):
    """A soft hiss of rain with many small, rounded drops; no thunder, no gusts."""

    NAME = "rain"
    TITLE = "Soft rain"
    DESCRIPTION = "Steady soft rain: a gentle hiss with many small, rounded drops."
    SPECS = (
        SettingSpec("density", "Drops", 150.0, 30.0, 400.0, "drops/s"),
        SettingSpec("tone_hz", "Brightness", 2500.0, 1200.0, 4000.0, "Hz"),
    )
    LEVEL_DB = -8.4
    _RING_RATIOS = (0.55, 0.75, 1.0)

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        self._drops = self.rng()
        drift = self.rng()
        tone = self.settings["tone_hz"]
        self._density = self.settings["density"]
        self._tone = tone
        self._bed = FilterChain(
            [design.pink(RATE_HZ), design.highpass(150.0, RATE_HZ), design.lowpass(tone, RATE_HZ)],
            CHANNELS,
        )
        # Drops: soft clicks ringing three resonators (drop pitches), a little apart in tone.
        self._rings = [
            filters.make(design.bandpass(tone * ratio, RATE_HZ, q=25.0), CHANNELS)
            for ratio in self._RING_RATIOS
        ]
        self._soften = filters.make(design.lowpass(tone * 1.2, RATE_HZ), CHANNELS)
        # The rain thickens and thins a little over tens of seconds.
        self._swell = SmoothPath(
            0.9,
            lambda: (round(drift.uniform(5.0, 20.0) * RATE_HZ), drift.uniform(0.75, 1.0)),
        )
        # More drops each get quieter, so the total stays near the same loudness.
        self._drop_level = 12.0 * math.sqrt(150.0 / self._density)

    def render(self, frames: int) -> Signal:
        rng = self._drops
        drops = np.zeros((len(self._rings), CHANNELS, frames))
        count = rng.poisson(self._density * frames / RATE_HZ)
        where = rng.integers(0, frames, count)
        ring = rng.integers(0, len(self._rings), count)
        amp = self._drop_level * np.minimum(rng.lognormal(0.0, 0.4, count), 2.0)
        pan = (rng.uniform(-0.8, 0.8, count) + 1.0) * math.pi / 4.0
        drops[ring, 0, where] += amp * np.cos(pan)
        drops[ring, 1, where] += amp * np.sin(pan)
        rung = np.zeros((CHANNELS, frames))
        for ring_filter, impulses in zip(self._rings, drops, strict=True):
            rung += ring_filter.process(impulses)
        bed = self._bed.process(self._noise.standard_normal((CHANNELS, frames)))
        swell = self._swell.render(frames)
        result: Signal = swell * (bed + self._soften.process(rung))
        return result


class Ocean(Generator):
    """Slow waves on a sandy shore: a dark roll that brightens a little at each crest."""

    NAME = "ocean"
    TITLE = "Slow ocean waves"
    DESCRIPTION = "Slow waves rolling onto a sandy shore and drawing back."
    SPECS = (
        SettingSpec("pace", "Waves", 5.0, 2.0, 10.0, "waves/min"),
        SettingSpec("tone_hz", "Brightness", 1200.0, 400.0, 2500.0, "Hz"),
    )
    LEVEL_DB = -9.0

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        waves = self.rng()
        period = 60.0 / self.settings["pace"]
        tone = self.settings["tone_hz"]
        self._dark = FilterChain(
            [design.pink(RATE_HZ), design.highpass(40.0, RATE_HZ), design.lowpass(350.0, RATE_HZ)],
            CHANNELS,
        )
        wash = [design.highpass(250.0, RATE_HZ), design.lowpass(tone, RATE_HZ)]
        self._wash = FilterChain(wash, CHANNELS)
        # A brighter wash lets more noise through: keep its level, change only its colour.
        default = [design.highpass(250.0, RATE_HZ), design.lowpass(1200.0, RATE_HZ)]
        weighting = [design.k_weighting(RATE_HZ)]
        self._wash_gain = 0.5 * math.sqrt(
            filters.noise_power(default + weighting) / filters.noise_power(wash + weighting)
        )
        rising = [True]

        def segment() -> tuple[int, float]:
            # A wave rolls in over ~40 % of its period and draws back over the rest.
            length = period * waves.uniform(0.8, 1.2)
            rising[0] = not rising[0]
            if rising[0]:
                return round(0.4 * length * RATE_HZ), waves.uniform(0.75, 1.0)
            return round(0.6 * length * RATE_HZ), waves.uniform(0.28, 0.38)

        self._wave = SmoothPath(0.3, segment)

    def render(self, frames: int) -> Signal:
        white = self._noise.standard_normal((CHANNELS, frames))
        dark = self._dark.process(white)
        wash = self._wash.process(white)
        wave = self._wave.render(frames)
        return dark * (0.45 + 0.55 * wave) + self._wash_gain * wash * wave


class Fireplace(Generator):
    """A low, warm flicker with soft crackles; the loud pops of real fires are left out."""

    NAME = "fireplace"
    TITLE = "Fireplace"
    DESCRIPTION = "A warm fire: low flicker and soft crackles, without the loud pops."
    SPECS = (
        SettingSpec("density", "Crackles", 5.0, 1.0, 15.0, "crackles/s"),
        SettingSpec("tone_hz", "Brightness", 1800.0, 800.0, 3000.0, "Hz"),
    )
    LEVEL_DB = 2.1

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        self._sparks = self.rng()
        flicker = self.rng()
        self._density = self.settings["density"]
        tone = self.settings["tone_hz"]
        self._bed = FilterChain(
            [
                design.one_pole_lowpass(30.0, RATE_HZ),
                design.highpass(35.0, RATE_HZ),
                design.lowpass(500.0, RATE_HZ),
            ],
            CHANNELS,
        )
        self._crackle = FilterChain(
            [
                design.highpass(300.0, RATE_HZ),
                design.lowpass(tone, RATE_HZ, q=0.6),
                design.lowpass(tone, RATE_HZ, q=0.6),
            ],
            CHANNELS,
        )
        self._flicker = SmoothPath(
            0.85,
            lambda: (round(flicker.uniform(0.3, 1.5) * RATE_HZ), flicker.uniform(0.7, 1.0)),
        )
        self._crackle_level = 0.6 * math.sqrt(5.0 / self._density)

    def render(self, frames: int) -> Signal:
        # Scattered clicks, rounded off by the filters; the size cap keeps every one soft
        # (a real fire's pops are what this leaves out).
        clicks = scatter_clicks(self._sparks, frames, self._density * 3.0)
        impulses: Signal = clicks * self._crackle_level
        bed = self._bed.process(self._noise.standard_normal((CHANNELS, frames)))
        flicker = self._flicker.render(frames)
        result: Signal = flicker * bed + self._crackle.process(impulses)
        return result
