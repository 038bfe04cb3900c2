"""The stateful numpy filters equal scipy's lfilter, whatever the block sizes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import signal

from asmr_desktop.soundscapes import filters

RATE = 48000
DESIGNS = {
    "lowpass 300 Hz": filters.lowpass(300.0, RATE),
    "highpass 25 Hz": filters.highpass(25.0, RATE),
    "bandpass 2 kHz Q 25": filters.bandpass(2000.0, RATE, q=25.0),
    "one-pole 20 Hz": filters.one_pole_lowpass(20.0, RATE),
    "pink": filters.pink(RATE),
    "K-weighting shelf": filters.k_weighting_48k()[0],
    "three formants": filters.parallel(
        [filters.bandpass(f, RATE, q=4.0) for f in (750.0, 1200.0, 2500.0)]
    ),
}


@pytest.fixture(scope="module")
def noise():
    return np.random.default_rng(5).standard_normal((2, 3 * RATE))


@pytest.mark.parametrize("name", DESIGNS)
def test_matches_lfilter_in_one_go_and_in_ragged_blocks(name, noise):
    b, a = DESIGNS[name]
    reference = signal.lfilter(b, a, noise, axis=1)
    scale = np.abs(reference).max()
    whole = filters.make((b, a), 2).process(noise)
    f = filters.make((b, a), 2)
    cuts = [0, 1, 64, 65, 1000, 2048, 4095, 4096, 50000, 100001, noise.shape[1]]
    pieces = np.concatenate([f.process(noise[:, s:e]) for s, e in itertools.pairwise(cuts)], axis=1)
    # Parallel formants go through one 6th-order polynomial: rounding is larger, still tiny.
    tolerance = 1e-3 if name == "three formants" else 1e-9
    assert np.abs(whole - reference).max() < tolerance * scale
    assert np.abs(pieces - reference).max() < tolerance * scale


def test_state_carries_across_calls_so_there_is_no_click():
    """A steady low tone through a low-pass, in 100 tiny blocks: no step at any boundary."""
    t = np.arange(RATE) / RATE
    tone = np.sin(2 * np.pi * 50 * t)[None, :]
    f = filters.make(filters.lowpass(200.0, RATE), 1)
    out = np.concatenate([f.process(tone[:, i : i + 480]) for i in range(0, RATE, 480)], axis=1)
    steps = np.abs(np.diff(out[0, RATE // 2 :]))
    assert steps.max() < 2 * np.pi * 50 / RATE * 1.05  # the tone's own slope, nothing more


def test_wrong_shape_is_refused():
    f = filters.make(filters.lowpass(300.0, RATE), 2)
    with pytest.raises(ValueError, match="expected"):
        f.process(np.zeros((100, 2)))


def test_designs_refuse_frequencies_beyond_nyquist():
    with pytest.raises(ValueError, match="outside"):
        filters.lowpass(30000.0, RATE)


def test_noise_power_of_a_butterworth_lowpass():
    # Noise-equivalent bandwidth of a 2nd-order Butterworth: pi/(2*sqrt(2)) * fc = 1.11 fc.
    assert filters.noise_power([filters.lowpass(1000.0, RATE)]) == pytest.approx(
        1.1107 * 1000 / (RATE / 2), rel=0.01
    )
