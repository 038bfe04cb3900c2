"""The block IIR filter equals sample-by-sample filtering; the designs match the references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from asmr_desktop.analysis.filters import BlockFilter, butterworth_highpass, k_weighting

#: ITU-R BS.1770-4 Table 1 and 2: K-weighting at 48 kHz (shelf, then RLB high-pass).
BS1770_48K_SOS = np.array(
    [
        [
            1.53512485958697,
            -2.69169618940638,
            1.19839281085285,
            1.0,
            -1.69065929318241,
            0.73248077421585,
        ],
        [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621],
    ]
)


def _run_in_pieces(filt: BlockFilter, x: np.ndarray, sizes: list[int]) -> np.ndarray:
    out, pos = [], 0
    for size in [*sizes, x.shape[1]]:
        out.append(filt.process(x[:, pos : pos + size]))
        pos += size
        if pos >= x.shape[1]:
            break
    return np.concatenate(out, axis=1)


def test_k_weighting_at_48k_is_the_standard_filter_across_odd_block_splits():
    x = np.random.default_rng(5).standard_normal((2, 70001))
    filt = BlockFilter(k_weighting(48000), channels=2)
    y = _run_in_pieces(filt, x, [1, 7, 31, 32, 33, 1000, 4096, 17])
    expected = signal.sosfilt(BS1770_48K_SOS, x, axis=1)
    # The standard prints 14 digits; what is left is that rounding, not the method.
    assert np.max(np.abs(y - expected)) < 1e-9 * np.max(np.abs(expected))


@pytest.mark.parametrize("rate", [22050, 44100, 96000])
def test_k_weighting_gain_at_1khz_and_in_the_bass_at_other_rates(rate):
    """The curve, not just the 48 kHz numbers: +0.69 dB near 1 kHz, steep cut below 38 Hz."""
    system = k_weighting(rate)
    impulse = np.zeros((1, 1 << 16))
    impulse[0, 0] = 1.0
    h = BlockFilter(system, channels=1).process(impulse)[0]
    spectrum = np.abs(np.fft.rfft(h))
    freqs = np.fft.rfftfreq(h.size, 1.0 / rate)

    def gain_db(f: float) -> float:
        return float(20 * np.log10(np.interp(f, freqs, spectrum)))

    assert gain_db(997.0) == pytest.approx(0.69, abs=0.05)  # bilinear warping at 22 kHz
    assert gain_db(20.0) < -10.0
    assert gain_db(8000.0) == pytest.approx(4.0, abs=0.3)  # the +4 dB head shelf


def test_butterworth_highpass_matches_scipy():
    rate = 44100
    x = np.random.default_rng(6).standard_normal((1, 30000))
    y = _run_in_pieces(BlockFilter(butterworth_highpass(8, 6000.0, rate), 1), x, [100, 5000])
    expected = signal.sosfilt(
        signal.butter(8, 6000.0, "highpass", fs=rate, output="sos"), x, axis=1
    )
    assert np.max(np.abs(y - expected)) < 1e-10


def test_fast_mode_stays_within_a_millionth_of_exact_filtering():
    x = np.random.default_rng(8).standard_normal((2, 50000)).astype(np.float32)
    exact = BlockFilter(k_weighting(44100), channels=2).process(x)
    fast = _run_in_pieces(BlockFilter(k_weighting(44100), channels=2, fast=True), x, [999, 20000])
    assert np.max(np.abs(fast - exact)) < 1e-5 * np.max(np.abs(exact))
    energy_db = 10 * np.log10(np.sum(fast**2) / np.sum(exact**2))
    assert abs(energy_db) < 1e-4
