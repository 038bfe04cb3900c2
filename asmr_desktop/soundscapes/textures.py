"""Close, tactile sounds: slow wooden tapping, gentle brushing, soft crinkling, a whisper-like
breath. Each rides on a quiet bed of its own, so its quiet moments are never silence and no
single sound stands far above what came just before it.
"""

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
    scatter_clicks,
)
from asmr_desktop.soundscapes.filters import FilterChain, Signal
from asmr_desktop.soundscapes.nature import pan_gains

#: A tap, a crinkle gesture or a syllable at its loudest: this many dB above the bed
#: (energy over 100 ms), well below the 15 dB of a "sudden sound".
EVENT_ABOVE_BED_DB = 8.0


def _bed(tone_hz: float) -> list[filters.Design]:
    """A soft pink bed below ``tone_hz``: what fills the gaps between events."""
    return [
        design.pink(RATE_HZ),
        design.highpass(60.0, RATE_HZ),
        design.lowpass(tone_hz, RATE_HZ),
    ]


class Tapping(Generator):
    """Slow, irregular taps of a soft mallet on wood, each with a rounded onset."""

    NAME = "tapping"
    TITLE = "Slow soft tapping"
    DESCRIPTION = "Slow, irregular, soft taps on wood, never sharp, over a quiet hush."
    SPECS = (
        SettingSpec("density", "Taps", 1.2, 0.3, 3.0, "taps/s"),
        SettingSpec("pitch_hz", "Wood pitch", 500.0, 250.0, 1000.0, "Hz"),
    )
    LEVEL_DB = -8.25
    _TAP_S = 0.3
    #: Taps stay a little below the shared bound: a tap's peak is high for its energy.
    _ABOVE_BED_DB = EVENT_ABOVE_BED_DB - 1.5
    #: Wooden bar modes (ratios of a free bar), their levels and decay times (s).
    _MODES = ((1.0, 1.0, 0.065), (2.76, 0.45, 0.03), (5.40, 0.15, 0.012))

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        self._taps = self.rng()
        bed = _bed(1500.0)
        self._bed = FilterChain(bed, CHANNELS)
        self._bed_power = filters.noise_power(bed)
        self._bus = GrainBus(round(self._TAP_S * RATE_HZ))
        self._pitch = self.settings["pitch_hz"]
        mean_gap = RATE_HZ / self.settings["density"]
        # Gamma-distributed gaps: irregular, yet rarely two taps in a rush.
        self._clock = EventClock(
            round(0.3 * RATE_HZ),
            lambda: max(0.15 * RATE_HZ, self._taps.gamma(4.0, mean_gap / 4.0)),
        )
        self._t = np.arange(self._bus_frames()) / RATE_HZ

    def _bus_frames(self) -> int:
        return round(self._TAP_S * RATE_HZ)

    def _tap(self) -> Signal:
        rng, t = self._taps, self._t
        pitch = self._pitch * rng.uniform(0.94, 1.06)
        attack_s = rng.uniform(0.003, 0.006)  # a soft mallet: no instant onset
        onset = 0.5 - 0.5 * np.cos(np.pi * np.minimum(t / attack_s, 1.0))
        tail = 0.5 + 0.5 * np.cos(np.pi * np.clip((t - 0.7 * t[-1]) / (0.3 * t[-1]), 0.0, 1.0))
        sound = np.zeros_like(t)
        for ratio, level, decay in self._MODES:
            freq = pitch * ratio * rng.uniform(0.98, 1.02)
            if freq < 0.45 * RATE_HZ:
                sound += (
                    level
                    * np.exp(-t / (decay * rng.uniform(0.8, 1.2)))
                    * np.sin(2 * np.pi * freq * t)
                )
        sound *= onset * tail
        # Scale so that the tap's energy, spread over 100 ms, sits a bounded step above the bed.
        energy = float(np.sum(sound * sound))
        target = self._bed_power * 0.1 * RATE_HZ * 10 ** (self._ABOVE_BED_DB / 10.0)
        sound *= math.sqrt(target / energy) * rng.uniform(0.6, 1.0)
        left, right = pan_gains(rng.uniform(-0.6, 0.6))
        return np.stack([sound * left, sound * right]) * math.sqrt(2.0)

    def render(self, frames: int) -> Signal:
        for offset in self._clock.offsets(frames):
            self._bus.add(offset, self._tap())
        bed = self._bed.process(self._noise.standard_normal((CHANNELS, frames)))
        return bed + self._bus.take(frames)


class Brushing(Generator):
    """Slow brush strokes across a soft surface, drifting between left and right."""

    NAME = "brushing"
    TITLE = "Gentle brushing"
    DESCRIPTION = "Slow, soft brush strokes on fabric, drifting gently from side to side."
    SPECS = (
        SettingSpec("pace", "Strokes", 24.0, 8.0, 60.0, "strokes/min"),
        SettingSpec("tone_hz", "Brightness", 1800.0, 800.0, 3500.0, "Hz"),
    )
    LEVEL_DB = -20.3

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        strokes = self.rng()
        drift = self.rng()
        tone = self.settings["tone_hz"]
        period = 60.0 / self.settings["pace"]
        bristles = [
            design.bandpass(tone, RATE_HZ, q=0.8),
            design.lowpass(min(2.2 * tone, 5000.0), RATE_HZ),
        ]
        self._bristles = FilterChain(bristles, CHANNELS)
        # A brighter brush passes a wider band of noise: keep its level, change its colour.
        default = [design.bandpass(1800.0, RATE_HZ, q=0.8), design.lowpass(3960.0, RATE_HZ)]
        weighting = [design.k_weighting(RATE_HZ)]
        self._bristle_gain = math.sqrt(
            filters.noise_power(default + weighting) / filters.noise_power(bristles + weighting)
        )
        phase = [2]

        def stroke() -> tuple[int, float]:
            # Up over a third of the stroke, down over the rest, then a short rest.
            phase[0] = (phase[0] + 1) % 3
            length = period * strokes.uniform(0.8, 1.2)
            if phase[0] == 0:
                return round(0.3 * length * RATE_HZ), strokes.uniform(0.8, 1.0)
            if phase[0] == 1:
                return round(0.5 * length * RATE_HZ), 0.35
            return round(0.2 * length * RATE_HZ), 0.35

        self._stroke = SmoothPath(0.35, stroke)
        self._pan = SmoothPath(
            0.0, lambda: (round(drift.uniform(1.5, 4.0) * RATE_HZ), drift.uniform(-0.7, 0.7))
        )
        # The rustle of the bristles: a fast, shallow flutter in the level.
        self._flutter = filters.make(design.lowpass(25.0, RATE_HZ), 1)

    def render(self, frames: int) -> Signal:
        white = self._noise.standard_normal((CHANNELS + 1, frames))
        sound = self._bristles.process(white[:CHANNELS]) * self._bristle_gain
        flutter = 1.0 + 4.0 * self._flutter.process(white[CHANNELS:])[0]
        level = self._stroke.render(frames) * np.clip(flutter, 0.5, 1.5)
        angle = (self._pan.render(frames) + 1.0) * math.pi / 4.0
        gains = np.stack([np.cos(angle), np.sin(angle)]) * math.sqrt(2.0)
        result: Signal = sound * level * gains
        return result


class Crinkle(Generator):
    """Soft crinkling of thin paper in slow handfuls, its sharp top filtered away."""

    NAME = "crinkle"
    TITLE = "Soft crinkling"
    DESCRIPTION = "Thin paper crinkled slowly in the hands, kept soft and low."
    SPECS = (
        SettingSpec("pace", "Handfuls", 12.0, 4.0, 30.0, "handfuls/min"),
        SettingSpec("tone_hz", "Brightness", 2200.0, 1200.0, 3500.0, "Hz"),
    )
    LEVEL_DB = -11.9
    #: Crackles per second at the height of a handful.
    _PEAK_RATE = 1500.0

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        self._crackles = self.rng()
        gestures = self.rng()
        tone = self.settings["tone_hz"]
        period = 60.0 / self.settings["pace"]
        bed = _bed(1000.0)
        self._bed = FilterChain(bed, CHANNELS)
        # Two steep low-pass stages (24 dB per octave) keep the crackles well below 6 kHz.
        self._shape = FilterChain(
            [
                design.highpass(400.0, RATE_HZ),
                design.lowpass(tone, RATE_HZ, q=0.6),
                design.lowpass(tone, RATE_HZ, q=0.6),
            ],
            CHANNELS,
        )
        crackle_power = filters.noise_power(
            [
                design.highpass(400.0, RATE_HZ),
                design.lowpass(tone, RATE_HZ, q=0.6),
                design.lowpass(tone, RATE_HZ, q=0.6),
            ]
        )
        # At the height of a handful, the crackles sit EVENT_ABOVE_BED_DB over the bed.
        ratio = 10 ** (EVENT_ABOVE_BED_DB / 10.0) * filters.noise_power(bed)
        self._amp = math.sqrt(ratio / (crackle_power * self._PEAK_RATE / RATE_HZ * 1.6))
        phase = [1]

        def gesture() -> tuple[int, float]:
            phase[0] = 1 - phase[0]
            if phase[0] == 0:  # a handful: rise to a random height
                return round(period * gestures.uniform(0.2, 0.4) * RATE_HZ), gestures.uniform(
                    0.6, 1.0
                )
            return round(period * gestures.uniform(0.3, 0.6) * RATE_HZ), 0.08

        self._gesture = SmoothPath(0.08, gesture)

    def render(self, frames: int) -> Signal:
        rng = self._crackles
        level = self._gesture.render(frames)
        # Each crackle is one click; how many come depends on the handful's strength.
        clicks = scatter_clicks(rng, frames, self._PEAK_RATE, level, spread=0.35, cap=1.5)
        impulses: Signal = clicks * self._amp
        crackles = self._shape.process(impulses)
        bed = self._bed.process(self._noise.standard_normal((CHANNELS, frames)))
        result: Signal = bed + crackles
        return result


class Whisper(Generator):
    """Breathy, whisper-like murmur: shaped noise in syllable-like swells, with no words."""

    NAME = "whisper"
    TITLE = "Breathy whisper"
    DESCRIPTION = "A soft, breathy murmur in slow syllable-like swells, with no words."
    SPECS = (
        SettingSpec("pace", "Syllables", 2.5, 1.0, 4.0, "syllables/s"),
        SettingSpec("tone_hz", "Brightness", 3500.0, 2000.0, 5000.0, "Hz"),
    )
    LEVEL_DB = -13.2
    #: Formant frequencies (Hz) of three whispered vowels, roughly "ah", "ee", "oo".
    _VOWELS = ((750.0, 1200.0, 2500.0), (320.0, 2200.0, 2900.0), (380.0, 900.0, 2300.0))
    _FORMANT_LEVELS = (1.0, 0.6, 0.35)
    _FLOOR = 0.3

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        super().__init__(settings, seed, duration_s)
        self._noise = self.rng()
        syllables = self.rng()
        vowels = self.rng()
        drift = self.rng()
        tone = self.settings["tone_hz"]
        syllable_s = 1.0 / self.settings["pace"]
        # Each vowel is one filter: its three formant resonances side by side.
        self._banks = [
            filters.make(
                filters.bank(
                    [design.bandpass(f, RATE_HZ, q=4.0) for f in vowel], self._FORMANT_LEVELS
                ),
                1,
            )
            for vowel in self._VOWELS
        ]
        self._breath = FilterChain(
            [design.highpass(300.0, RATE_HZ), design.lowpass(tone, RATE_HZ)], 1
        )
        self._air = FilterChain(_bed(1200.0), CHANNELS)
        state = {"left": 0}
        floor = self._FLOOR

        def syllable() -> tuple[int, float]:
            # Phrases of 3 to 7 syllables, each a rise and a fall, then a pause.
            if state["left"] <= 0:
                state["left"] = int(syllables.integers(3, 8)) * 2
                return round(syllables.uniform(0.8, 2.0) * RATE_HZ), floor
            state["left"] -= 1
            length = syllable_s * syllables.uniform(0.7, 1.3)
            if state["left"] % 2 == 1:
                return round(0.4 * length * RATE_HZ), syllables.uniform(0.7, 1.0)
            return round(0.6 * length * RATE_HZ), floor * syllables.uniform(1.0, 1.5)

        self._syllable = SmoothPath(floor, syllable)
        self._vowel = SmoothPath(
            1.0,
            lambda: (round(syllable_s * vowels.uniform(0.6, 1.4) * RATE_HZ), vowels.uniform(0, 2)),
        )
        self._pan = SmoothPath(
            0.0, lambda: (round(drift.uniform(4.0, 10.0) * RATE_HZ), drift.uniform(-0.6, 0.6))
        )

    def render(self, frames: int) -> Signal:
        white = self._noise.standard_normal((CHANNELS + 1, frames))
        source = white[CHANNELS:]
        position = self._vowel.render(frames)
        voice = np.zeros(frames)
        weights_sq = np.zeros(frames)
        for index, bank in enumerate(self._banks):
            weight = np.clip(1.0 - np.abs(position - index), 0.0, 1.0)
            voice += weight * bank.process(source)[0]
            weights_sq += weight * weight
        voice /= np.sqrt(weights_sq)
        voice = self._breath.process(voice[None, :])[0] * self._syllable.render(frames)
        angle = (self._pan.render(frames) + 1.0) * math.pi / 4.0
        stereo = np.stack([np.cos(angle), np.sin(angle)]) * (math.sqrt(2.0) * voice)
        result: Signal = stereo + 0.08 * self._air.process(white[:CHANNELS])
        return result
