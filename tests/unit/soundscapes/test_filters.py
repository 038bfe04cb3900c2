"""The generators' filters (dsp designs on dsp's engine) equal scipy's, whatever the blocks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import signal

from asmr_desktop.dsp import design
from asmr_desktop.soundscapes import filters

RATE = 48000
FORMANTS = (750.0, 1200.0, 2500.0)
LEVELS = (1.0, 0.6, 0.35)
DESIGNS = {
    "lowpass 300 Hz": design.lowpass(300.0, RATE),
    "highpass 25 Hz": design.highpass(25.0, RATE),
    "bandpass 2 kHz Q 25": design.bandpass(2000.0, RATE, q=25.0),
    "one-pole 20 Hz": design.one_pole_lowpass(20.0, RATE),
    "pink": design.pink(RATE),
    "K-weighting": design.k_weighting(RATE),
    "brown bed": [
        design.one_pole_lowpass(20.0, RATE),
        design.highpass(25.0, RATE),
        design.lowpass(500.0, RATE),
    ],
    "three formants": filters.bank([design.bandpass(f, RATE, q=4.0) for f in FORMANTS], LEVELS),
}


def _reference(name: str, x: np.ndarray) -> np.ndarray:
    """scipy's sosfilt; the bank as three filters whose outputs are summed."""
    if name == "three formants":
        return sum(
            level * signal.sosfilt(design.bandpass(f, RATE, q=4.0), x, axis=1)
            for f, level in zip(FORMANTS, LEVELS, strict=True)
        )
    d = DESIGNS[name]
    sos = np.vstack(d) if isinstance(d, list) else d
    return signal.sosfilt(sos, x, axis=1)


@pytest.fixture(scope="module")
def noise():
    return np.random.default_rng(5).standard_normal((2, 3 * RATE))


@pytest.mark.parametrize("name", DESIGNS)
def test_matches_scipy_in_one_go_and_in_ragged_blocks(name, noise):
    reference = _reference(name, noise)
    scale = np.abs(reference).max()
    whole = filters.make(DESIGNS[name], 2).process(noise)
    f = filters.FilterChain(DESIGNS[name], 2)
    cuts = [0, 1, 64, 65, 1000, 2048, 4095, 4096, 50000, 100001, noise.shape[1]]
    pieces = np.concatenate([f.process(noise[:, s:e]) for s, e in itertools.pairwise(cuts)], axis=1)
    assert np.abs(whole - reference).max() < 1e-9 * scale
    assert np.abs(pieces - reference).max() < 1e-9 * scale


def test_a_chain_is_one_filter_of_all_its_sections():
    chain = filters.make(DESIGNS["brown bed"], 2)
    assert chain.order == 6  # three sections of two states (the one-pole's too), one pass


def test_noise_power_of_a_butterworth_lowpass():
    # Noise-equivalent bandwidth of a 2nd-order Butterworth: pi/(2*sqrt(2)) * fc = 1.11 fc.
    assert filters.noise_power([design.lowpass(1000.0, RATE)]) == pytest.approx(
        1.1107 * 1000 / (RATE / 2), rel=0.01
    )
    assert filters.noise_power(design.lowpass(1000.0, RATE)) == filters.noise_power(
        [design.lowpass(1000.0, RATE)]
    )
