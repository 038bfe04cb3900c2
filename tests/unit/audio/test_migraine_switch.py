"""Switching migraine mode on and off on steady sound never dips, notches or rises faster than
6 dB/s (issue 15): the low-pass's cutoff glides instead of a crossfade between filtered and
unfiltered sound (which cancelled a 3 kHz tone half way). Measured on the engine's output
with the tests' BS.1770 meter (scipy, the standard's own coefficients).
"""

from __future__ import annotations

import numpy as np
import pytest

from asmr_desktop.audio.engine import Engine, EngineSettings
from asmr_desktop.audio.lowpass import LOWPASS_ORDER, MigraineFilter
from asmr_desktop.core import safety
from tests.unit.audio.helpers import array_item, reference_lufs, render, short_term_db, sine

RATE = 48000
DROP = safety.MIGRAINE_LOUDNESS_DROP_DB
RISE = safety.MAX_GAIN_RISE_DB_PER_S


def steady(kind: str, seconds: float) -> np.ndarray:
    if kind == "tone":
        return sine(3000.0, seconds, RATE, amp=0.05)
    rng = np.random.default_rng(8)
    return (rng.standard_normal((round(seconds * RATE), 2)) * 0.03).astype(np.float32)


#: Window (s) and slack (dB/s) of the meter: exact for a tone; white noise's own wobble
#: between 0.5 s windows is about 0.08 dB/s (one sigma).
METER = {"tone": (0.1, 0.3), "noise": (0.5, 0.5)}


def switched(kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(steady before, after switching on, after switching off), each from the engine."""
    x = steady(kind, 90.0)
    engine = Engine(RATE, 2, EngineSettings(volume=1.0, crossfade_s=0.0))
    engine.set_items([array_item(x, RATE, loudness_lufs=reference_lufs(x[: 10 * RATE]))])
    engine.play()
    render(engine, 6.0)  # past the fade in
    before = render(engine, 2.0)
    engine.set_migraine(True)
    on = render(engine, 5.0)
    engine.set_migraine(False)
    off = render(engine, 55.0)  # the voices' 12 dB (2 s), then the highs (about 44 s)
    return before, on, off


@pytest.mark.parametrize("kind", ["tone", "noise"])
def test_switching_migraine_mode_glides_without_a_dip_or_a_fast_rise(kind):
    before, on, off = switched(kind)
    window, slack = METER[kind]
    level = float(np.median(short_term_db(before, window)))
    down = short_term_db(on, window)
    up = short_term_db(off, window)
    # On: it only goes down, by the 12 dB of migraine mode (a 3 kHz tone passes the 4 kHz
    # low-pass; noise loses its highs as well).
    assert np.diff(down).max() / window <= slack
    assert down[-1] < level - DROP + 0.5
    if kind == "tone":
        assert down[-1] == pytest.approx(level - DROP, abs=0.3)
    # Off: it only goes up (no notch on the way), at most 6 dB/s, back to where it was.
    assert np.diff(up).min() >= -(0.15 if kind == "tone" else 0.1 + slack * window)
    assert np.diff(up).max() / window <= RISE + slack
    assert up[-1] == pytest.approx(level, abs=0.3)


def test_the_old_crossfade_notched_a_3_khz_tone():
    """The test can fail: the crossfade from filtered to unfiltered that switching off used
    to run (wet + w x (dry - wet), w rising) cancels a 3 kHz tone half way."""
    x = sine(3000.0, 4.0, RATE, amp=0.05).astype(np.float64)
    wet = MigraineFilter(RATE, 2, enabled=True).process(x)
    w = np.linspace(0.0, 1.0, len(x))[:, None]
    levels = short_term_db(wet + w * (x - wet), 0.1)
    assert levels.min() < levels[5] - 10


@pytest.mark.parametrize("freq", [6000.0, 12000.0, 18000.0])
def test_the_highs_come_back_no_faster_than_the_bound_at_any_frequency(freq):
    """The glide runs in warped frequency, where a sixth-order Butterworth's attenuation
    changes at most 36 dB per octave of cutoff, at every frequency."""
    assert LOWPASS_ORDER == 6
    flt = MigraineFilter(RATE, 1, enabled=True)
    x = sine(freq, 60.0, RATE, amp=0.1, channels=1).astype(np.float64)
    flt.process(x[: RATE // 2])
    flt.enabled = False
    out = np.concatenate([flt.process(x[i : i + 9600]) for i in range(RATE // 2, len(x), 9600)])
    assert not flt.rising, "back to the unfiltered sound within the minute"
    levels = 20 * np.log10(
        np.sqrt(np.mean(out[: len(out) // 4800 * 4800].reshape(-1, 4800) ** 2, axis=1))
    )
    assert levels[-1] == pytest.approx(20 * np.log10(0.1 / np.sqrt(2)), abs=0.05)
    assert levels[0] < levels[-1] - 10, "it was cut"
    assert np.diff(levels).max() / 0.1 <= RISE
