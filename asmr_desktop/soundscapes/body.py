"""Slow bodily rhythms: a guided breathing pacer, a distant heartbeat, a cat's purr."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from asmr_desktop.dsp import design
from asmr_desktop.soundscapes import filters
from asmr_desktop.soundscapes.base import (
    CHANNELS,
    RATE_HZ,
    EventClock,
    Generator,
    GrainBus,
    SettingSpec,
    SmoothPath,
)
from asmr_desktop.soundscapes.filters import FilterChain, Signal
from asmr_desktop.soundscapes.textures import EVENT_ABOVE_BED_DB


class Breathing(Generator):
    """A breathing guide: a soft airy swell and a low tone that rise as you breathe in."""

    NAME = "breathing"
    TITLE = "Breathing pacer"
    DESCRIPTION = "Breathe in as the sound swells and rises, out as it settles; 6 breaths a minute."
    SPECS = (
        SettingSpec("pace", "Breaths", 6.0, 3.0, 12.0, "breaths/min"),
        SettingSpec("inhale_pct", "Breathing in", 40.0, 30.0, 50.0, "% of a breath"),
    )
    LEVEL_DB = -19.9
    _FLOOR = 0.35
    _TONE_HZ = 110.0

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        breath_s = 60.0 / self.settings["pace"]
        inhale = round(breath_s * self.settings["inhale_pct"] / 100.0 * RATE_HZ)
        exhale = round(breath_s * RATE_HZ) - inhale
        self._dark = FilterChain(
            [design.pink(RATE_HZ), design.highpass(60.0, RATE_HZ), design.lowpass(500.0, RATE_HZ)],
            CHANNELS,
        )
        self._airy = FilterChain(
            [design.bandpass(900.0, RATE_HZ, q=0.7), design.lowpass(2500.0, RATE_HZ)], CHANNELS
        )
        rising = [False]
        floor = self._FLOOR

        def step() -> tuple[int, float]:
            # The pace is exact (a guide must be steady); only the noise texture varies.
            rising[0] = not rising[0]
            return (inhale, 1.0) if rising[0] else (exhale, floor)

        self._breath = SmoothPath(floor, step)
        self._phase = 0.0

    def render(self, frames: int) -> Signal:
        breath = self._breath.render(frames)
        white = self._noise.standard_normal((CHANNELS, frames))
        dark = self._dark.process(white)
        airy = self._airy.process(white)
        # A low tone that glides up a fifth on the in-breath and back down on the out-breath.
        freq = self._TONE_HZ * (1.0 + 0.5 * (breath - self._FLOOR) / (1.0 - self._FLOOR))
        phase = self._phase + np.cumsum(2 * np.pi * freq / RATE_HZ)
        self._phase = float(phase[-1] % (2 * np.pi))
        tone = (np.sin(phase) + 0.25 * np.sin(2 * phase)) * breath
        result: Signal = dark * (0.6 + 0.4 * breath) + 1.2 * airy * breath + 0.1 * tone
        return result


class Heartbeat(Generator):
    """A slow, muffled heartbeat heard from a distance, over a warm hush."""

    NAME = "heartbeat"
    TITLE = "Distant heartbeat"
    DESCRIPTION = "A slow, muffled heartbeat, as if heard from across a quiet room."
    SPECS = (SettingSpec("rate_bpm", "Heart rate", 56.0, 40.0, 72.0, "beats/min"),)
    LEVEL_DB = -2.8
    _BEAT_S = 0.6

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        beats = self.rng()
        self._beats = beats
        bed = [
            design.one_pole_lowpass(40.0, RATE_HZ),
            design.highpass(30.0, RATE_HZ),
            design.lowpass(400.0, RATE_HZ),
        ]
        self._bed = FilterChain(bed, CHANNELS)
        self._bed_power = filters.noise_power(bed)
        period = RATE_HZ * 60.0 / self.settings["rate_bpm"]
        # A living heart is not a metronome: each beat varies by a few per cent.
        self._clock = EventClock(round(0.2 * RATE_HZ), lambda: period * beats.normal(1.0, 0.03))
        self._bus = GrainBus(round(self._BEAT_S * RATE_HZ))
        t = np.arange(round(self._BEAT_S * RATE_HZ)) / RATE_HZ
        self._shape = self._thump(t, 55.0, 0.05) + 0.6 * self._thump(t - 0.22, 70.0, 0.04)
        energy = float(np.sum(self._shape**2))
        target = self._bed_power * 0.1 * RATE_HZ * 10 ** (EVENT_ABOVE_BED_DB / 10.0)
        self._shape *= math.sqrt(target / energy)

    @staticmethod
    def _thump(t: Signal, freq_hz: float, decay_s: float) -> Signal:
        """A low, rounded thump: 15 ms rise, then a damped sine, tapered to zero at 0.5 s."""
        on = t >= 0.0
        tt = np.where(on, t, 0.0)
        onset = 0.5 - 0.5 * np.cos(np.pi * np.minimum(tt / 0.015, 1.0))
        taper = 0.5 + 0.5 * np.cos(np.pi * np.clip((tt - 0.25) / 0.25, 0.0, 1.0))
        sound: Signal = (
            on * onset * taper * np.exp(-tt / decay_s) * np.sin(2 * np.pi * freq_hz * tt)
        )
        return sound

    def render(self, frames: int) -> Signal:
        for offset in self._clock.offsets(frames):
            level = self._beats.uniform(0.85, 1.0)
            self._bus.add(offset, np.stack([self._shape, self._shape]) * level)
        bed = self._bed.process(self._noise.standard_normal((CHANNELS, frames)))
        return bed + self._bus.take(frames)


class Purr(Generator):
    """A contented cat's purr: low, fluttering rumble in slow breaths."""

    NAME = "purr"
    TITLE = "Purring"
    DESCRIPTION = "A contented cat purring close by: a low, fluttering rumble."
    SPECS = (SettingSpec("rate_hz", "Purr speed", 25.0, 20.0, 30.0, "Hz"),)
    LEVEL_DB = -10.9

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        breaths = self.rng()
        self._rate = self.settings["rate_hz"]
        self._rumble = FilterChain(
            [design.highpass(50.0, RATE_HZ), design.lowpass(800.0, RATE_HZ)], 1
        )
        self._room = FilterChain(
            [
                design.one_pole_lowpass(60.0, RATE_HZ),
                design.highpass(40.0, RATE_HZ),
                design.lowpass(400.0, RATE_HZ),
            ],
            CHANNELS,
        )
        inhaling = [False]

        def breath() -> tuple[int, float]:
            # A purr goes on through breathing in (softer) and out (fuller).
            inhaling[0] = not inhaling[0]
            length = breaths.uniform(1.2, 2.0) * RATE_HZ
            return round(length), (0.65 if inhaling[0] else 1.0) * breaths.uniform(0.9, 1.0)

        self._breath = SmoothPath(0.8, breath)
        self._phase = 0.0

    def render(self, frames: int) -> Signal:
        white = self._noise.standard_normal((CHANNELS + 1, frames))
        breath = self._breath.render(frames)
        # Pulses at the purr rate (a little slower on the in-breath), shaped as smooth bumps.
        step = 2 * np.pi * self._rate * (0.92 + 0.08 * breath) / RATE_HZ
        phase = self._phase + np.cumsum(step)
        self._phase = float(phase[-1] % (2 * np.pi))
        pulses = 0.25 + 0.75 * (0.5 + 0.5 * np.cos(phase)) ** 2
        purr = self._rumble.process(white[CHANNELS:])[0] * pulses * breath
        room = self._room.process(white[:CHANNELS])
        result: Signal = np.stack([purr, 0.9 * purr]) + 0.12 * room
        return result
