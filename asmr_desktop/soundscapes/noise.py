"""Steady coloured noise: brown and pink, shaped by stateful filters."""

from __future__ import annotations

from collections.abc import Mapping

from asmr_desktop.dsp import design
from asmr_desktop.soundscapes.base import CHANNELS, RATE_HZ, Generator, SettingSpec
from asmr_desktop.soundscapes.filters import FilterChain, Signal

TONE_BROWN = SettingSpec("tone_hz", "Tone (upper frequency)", 600.0, 150.0, 1500.0, "Hz")
TONE_PINK = SettingSpec("tone_hz", "Tone (upper frequency)", 4000.0, 1500.0, 6000.0, "Hz")


class BrownNoise(Generator):
    """Deep, even rumble like a distant waterfall: noise falling 6 dB per octave."""

    NAME = "brown"
    TITLE = "Brown noise"
    DESCRIPTION = "Deep, even rumble, like a distant waterfall or a plane cabin."
    SPECS = (TONE_BROWN,)
    LEVEL_DB = 3.6

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        tone = self.settings["tone_hz"]
        self._chain = FilterChain(
            [
                design.one_pole_lowpass(20.0, RATE_HZ),
                design.highpass(25.0, RATE_HZ),
                design.lowpass(tone, RATE_HZ),
            ],
            CHANNELS,
        )

    def render(self, frames: int) -> Signal:
        return self._chain.process(self._noise.standard_normal((CHANNELS, frames)))


class PinkNoise(Generator):
    """Soft, balanced hiss with its top rolled off: every octave equally loud."""

    NAME = "pink"
    TITLE = "Pink noise"
    DESCRIPTION = "Soft, balanced hiss like steady rain on a window, with the top rolled off."
    SPECS = (TONE_PINK,)
    LEVEL_DB = -9.3

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        tone = self.settings["tone_hz"]
        self._chain = FilterChain(
            [design.pink(RATE_HZ), design.highpass(30.0, RATE_HZ), design.lowpass(tone, RATE_HZ)],
            CHANNELS,
        )

    def render(self, frames: int) -> Signal:
        return self._chain.process(self._noise.standard_normal((CHANNELS, frames)))
