"""Each design equals its reference: scipy's Butterworth, the RBJ cookbook, BS.1770."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import signal

from asmr_desktop.dsp import design
from asmr_desktop.dsp.iir import IirFilter

RATE = 48000

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


def _gain_db(sos: np.ndarray, freq_hz: float, rate: float = RATE) -> float:
    _, h = signal.sosfreqz(sos, worN=[freq_hz], fs=rate)
    return float(20 * np.log10(np.abs(h[0])))


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5, 6, 8])
@pytest.mark.parametrize("kind", ["lowpass", "highpass"])
@pytest.mark.parametrize(
    ("cutoff", "rate"), [(30.0, 48000), (4000.0, 44100), (6000.0, 44100), (6000.0, 22050)]
)
def test_butterworth_equals_scipy(order, kind, cutoff, rate):
    ours = (design.butter_lowpass if kind == "lowpass" else design.butter_highpass)(
        order, cutoff, rate
    )
    ref = signal.butter(order, cutoff, kind, fs=rate, output="sos")
    freqs = np.geomspace(5.0, rate / 2 * 0.999, 400)
    _, h_ref = signal.sosfreqz(ref, worN=freqs, fs=rate)
    h = design.frequency_response(ours, freqs, rate)
    np.testing.assert_allclose(np.abs(h), np.abs(h_ref), rtol=1e-9, atol=1e-12)
    # Same filter, not only the same magnitude: run both on noise.
    x = np.random.default_rng(order).standard_normal((1, 20000))
    y = IirFilter(ours, 1).process(x)
    np.testing.assert_allclose(y, signal.sosfilt(ref, x), atol=1e-9 * np.abs(y).max())


def _cookbook(kind: str, f0: float, fs: float, q: float, gain_db: float = 0.0) -> np.ndarray:
    """The Audio EQ Cookbook (R. Bristow-Johnson) formulas, transcribed as written there."""
    w0 = 2 * math.pi * f0 / fs
    c, alpha, amp = math.cos(w0), math.sin(w0) / (2 * q), 10 ** (gain_db / 40)
    sa = 2 * math.sqrt(amp) * alpha
    table = {
        "lowpass": ([(1 - c) / 2, 1 - c, (1 - c) / 2], [1 + alpha, -2 * c, 1 - alpha]),
        "highpass": ([(1 + c) / 2, -(1 + c), (1 + c) / 2], [1 + alpha, -2 * c, 1 - alpha]),
        "bandpass": ([alpha, 0, -alpha], [1 + alpha, -2 * c, 1 - alpha]),
        "peaking": (
            [1 + alpha * amp, -2 * c, 1 - alpha * amp],
            [1 + alpha / amp, -2 * c, 1 - alpha / amp],
        ),
        "low_shelf": (
            [
                amp * ((amp + 1) - (amp - 1) * c + sa),
                2 * amp * ((amp - 1) - (amp + 1) * c),
                amp * ((amp + 1) - (amp - 1) * c - sa),
            ],
            [
                (amp + 1) + (amp - 1) * c + sa,
                -2 * ((amp - 1) + (amp + 1) * c),
                (amp + 1) + (amp - 1) * c - sa,
            ],
        ),
        "high_shelf": (
            [
                amp * ((amp + 1) + (amp - 1) * c + sa),
                -2 * amp * ((amp - 1) + (amp + 1) * c),
                amp * ((amp + 1) + (amp - 1) * c - sa),
            ],
            [
                (amp + 1) - (amp - 1) * c + sa,
                2 * ((amp - 1) - (amp + 1) * c),
                (amp + 1) - (amp - 1) * c - sa,
            ],
        ),
    }
    b, a = table[kind]
    return np.array([[*b, *a]]) / a[0]


@pytest.mark.parametrize("f0", [25.0, 900.0, 3960.0, 15000.0])
@pytest.mark.parametrize("q", [0.6, math.sqrt(0.5), 4.0, 25.0])
def test_rbj_biquads_equal_the_cookbook(f0, q):
    np.testing.assert_allclose(design.lowpass(f0, RATE, q), _cookbook("lowpass", f0, RATE, q))
    np.testing.assert_allclose(design.highpass(f0, RATE, q), _cookbook("highpass", f0, RATE, q))
    np.testing.assert_allclose(design.bandpass(f0, RATE, q), _cookbook("bandpass", f0, RATE, q))
    for gain in (-12.0, 3.0, 9.5):
        for kind in ("peaking", "low_shelf", "high_shelf"):
            ours = getattr(design, kind)(f0, RATE, gain, q)
            np.testing.assert_allclose(ours, _cookbook(kind, f0, RATE, q, gain), atol=1e-15)


def test_rbj_biquads_do_what_their_names_say():
    """Independent of any transcription: the gains where the cookbook promises them."""
    assert _gain_db(design.bandpass(1000.0, RATE, 4.0), 1000.0) == pytest.approx(0.0, abs=1e-9)
    assert _gain_db(design.peaking(1000.0, RATE, 6.0, 2.0), 1000.0) == pytest.approx(6.0)
    assert _gain_db(design.peaking(1000.0, RATE, 6.0, 2.0), 20.0) == pytest.approx(0.0, abs=0.01)
    assert _gain_db(design.low_shelf(300.0, RATE, -9.0), 5.0) == pytest.approx(-9.0, abs=0.01)
    assert _gain_db(design.low_shelf(300.0, RATE, -9.0), 20000.0) == pytest.approx(0.0, abs=0.01)
    assert _gain_db(design.high_shelf(3000.0, RATE, 4.0), 23999.0) == pytest.approx(4.0, abs=0.01)
    assert _gain_db(design.high_shelf(3000.0, RATE, 4.0), 20.0) == pytest.approx(0.0, abs=0.01)
    # At the Butterworth Q the cookbook's low- and high-pass are scipy's second-order Butterworth.
    for f0 in (60.0, 2500.0):
        for kind, ours in (("lowpass", design.lowpass), ("highpass", design.highpass)):
            np.testing.assert_allclose(
                ours(f0, RATE), signal.butter(2, f0, kind, fs=RATE, output="sos"), atol=1e-12
            )


def test_k_weighting_at_48k_is_the_standard_filter():
    # The standard prints 14 digits; what is left is that rounding, not the method.
    np.testing.assert_allclose(design.k_weighting(48000), BS1770_48K_SOS, atol=1e-9)


def test_k_weighting_at_48k_filters_like_the_standard_across_odd_block_splits():
    x = np.random.default_rng(5).standard_normal((2, 70001))
    filt = IirFilter(design.k_weighting(48000), channels=2)
    pieces, pos = [], 0
    for size in [1, 7, 31, 32, 33, 1000, 4096, 17, x.shape[1]]:
        pieces.append(filt.process(x[:, pos : pos + size]))
        pos += size
    y = np.concatenate(pieces, axis=1)
    expected = signal.sosfilt(BS1770_48K_SOS, x, axis=1)
    assert np.max(np.abs(y - expected)) < 1e-9 * np.max(np.abs(expected))


@pytest.mark.parametrize("rate", [22050, 44100, 96000])
def test_k_weighting_gain_at_1khz_and_in_the_bass_at_other_rates(rate):
    """The curve, not just the 48 kHz numbers: +0.69 dB near 1 kHz, steep cut below 38 Hz."""
    sos = design.k_weighting(rate)
    assert _gain_db(sos, 997.0, rate) == pytest.approx(0.69, abs=0.05)
    assert _gain_db(sos, 20.0, rate) < -10.0
    assert _gain_db(sos, 8000.0, rate) == pytest.approx(4.0, abs=0.3)  # the +4 dB head shelf


def test_one_pole_lowpass_is_unity_at_dc_and_falls_6_db_per_octave():
    sos = design.one_pole_lowpass(100.0, RATE)
    assert _gain_db(sos, 0.01) == pytest.approx(0.0, abs=1e-6)
    assert _gain_db(sos, 4000.0) - _gain_db(sos, 2000.0) == pytest.approx(-6.0, abs=0.2)


def test_pink_equals_its_transfer_function_and_falls_3_db_per_octave():
    sos = design.pink(RATE)
    b = [0.049922035, -0.095993537, 0.050612699, -0.004408786]
    a = [1.0, -2.494956002, 2.017265875, -0.522189400]
    x = np.random.default_rng(2).standard_normal(RATE)
    np.testing.assert_allclose(signal.sosfilt(sos, x), signal.lfilter(b, a, x), atol=1e-9)
    for f in (100.0, 400.0, 1600.0):
        assert _gain_db(sos, 2 * f) - _gain_db(sos, f) == pytest.approx(-3.0, abs=0.5)


def test_designs_refuse_frequencies_beyond_nyquist():
    with pytest.raises(ValueError, match="outside"):
        design.lowpass(30000.0, RATE)
    with pytest.raises(ValueError, match="outside"):
        design.butter_highpass(4, 0.0, RATE)
    with pytest.raises(ValueError, match="order"):
        design.butter_lowpass(0, 1000.0, RATE)
