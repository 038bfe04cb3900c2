"""Loudness, loudness range, true peak and brightness against the EBU test signals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asmr_desktop.analysis.meter import Meter, measure_array

from .signals import brown, sequence, sine, white

# EBU Tech 3341 (V4) minimum requirements, cases 1-5: integrated loudness of 1 kHz stereo
# sines, -23.0 or -33.0 LUFS within +-0.1 LU. Cases 3-5 exercise the absolute and relative gates.
EBU_3341 = {
    "case1": ([(-23.0, 20.0)], -23.0),
    "case2": ([(-33.0, 20.0)], -33.0),
    "case3": ([(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)], -23.0),
    "case4": ([(-72.0, 10.0), (-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0), (-72.0, 10.0)], -23.0),
    "case5": ([(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)], -23.0),
}


@pytest.mark.parametrize("case", sorted(EBU_3341))
def test_integrated_loudness_ebu_tech_3341(case):
    parts, expected = EBU_3341[case]
    m = measure_array(sequence(parts), 48000)
    assert m.integrated_lufs == pytest.approx(expected, abs=0.1)


def test_integrated_loudness_at_44k1_and_in_odd_blocks():
    m = measure_array(sequence([(-23.0, 20.0)], rate=44100), 44100, block_frames=12345)
    assert m.integrated_lufs == pytest.approx(-23.0, abs=0.1)


def test_mono_counts_one_channel():
    """BS.1770 sums channel powers: mono at the same amplitude is 3 dB below stereo."""
    m = measure_array(sine(-23.0, 10.0)[:, :1], 48000)
    assert m.integrated_lufs == pytest.approx(-26.01, abs=0.1)


# EBU Tech 3342 cases 1-4: loudness range of stepped 1 kHz stereo sines (tolerance +-1 LU;
# the steps are exact, so this implementation is held to 0.1 LU).
EBU_3342 = {
    "case1": ([(-20.0, 20.0), (-30.0, 20.0)], 10.0),
    "case2": ([(-20.0, 20.0), (-15.0, 20.0)], 5.0),
    "case3": ([(-40.0, 20.0), (-20.0, 20.0)], 20.0),
    "case4": ([(-50.0, 20.0), (-35.0, 20.0), (-20.0, 20.0), (-35.0, 20.0), (-50.0, 20.0)], 15.0),
}


@pytest.mark.parametrize("case", sorted(EBU_3342))
def test_loudness_range_ebu_tech_3342(case):
    parts, expected = EBU_3342[case]
    m = measure_array(sequence(parts), 48000)
    assert m.loudness_range_lu == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize("rate", [44100, 48000])
def test_true_peak_of_a_quarter_rate_sine_at_45_degrees(rate):
    """Samples sit at +-0.707 (-3 dBFS); the waveform between them reaches 0 dBTP."""
    n = np.arange(rate)
    x = np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32)
    m = measure_array(np.stack([x, x], axis=1), rate)
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-3.01, abs=0.01)
    assert m.true_peak_dbtp == pytest.approx(0.0, abs=0.2)


def test_true_peak_of_a_plain_sine_is_its_amplitude():
    m = measure_array(sine(-6.0, 2.0, freq=997.0), 48000)
    assert m.true_peak_dbtp == pytest.approx(-6.0, abs=0.05)


def test_white_noise_is_bright_with_the_expected_share():
    rate = 44100
    m = measure_array(white(5.0, -30.0, rate), rate)
    # White noise spreads evenly: the share above 6 kHz is (rate/2 - 6000) / (rate/2).
    assert m.bright_share == pytest.approx((rate / 2 - 6000) / (rate / 2), abs=0.02)
    assert m.bright_share > 0.20


def test_brown_noise_is_not_bright():
    m = measure_array(brown(5.0, -30.0, 44100), 44100)
    assert m.bright_share is not None
    assert m.bright_share < 0.01


def test_below_12khz_sample_rate_nothing_is_above_6khz():
    m = measure_array(white(2.0, -30.0, 11025), 11025)
    assert m.bright_share == 0.0


def test_digital_silence_has_no_loudness_and_no_peak():
    m = measure_array(np.zeros((48000 * 5, 2), dtype=np.float32), 48000)
    assert m.integrated_lufs is None
    assert m.loudness_range_lu is None
    assert m.true_peak_dbtp is None
    assert m.bright_share is None
    assert m.sudden_sounds == ()
    assert m.duration_s == 5.0


def test_shorter_than_one_gating_block_has_no_integrated_loudness():
    m = measure_array(sine(-23.0, 0.3), 48000)
    assert m.integrated_lufs is None
    assert m.true_peak_dbtp == pytest.approx(-23.0, abs=0.1)


def test_meter_rejects_blocks_of_the_wrong_shape():
    meter = Meter(48000, 2)
    with pytest.raises(ValueError, match="2"):
        meter.feed(np.zeros((100, 1), dtype=np.float32))
    assert math.isclose(meter.frames, 0)


@pytest.mark.parametrize("frames", [1, 7, 441, 4410])
def test_tiny_inputs_measure_without_errors(frames):
    x = np.full((frames, 2), 0.25, dtype=np.float32)
    m = measure_array(x, 44100, block_frames=3)
    assert m.integrated_lufs is None
    assert m.true_peak_dbtp == pytest.approx(20 * np.log10(0.25), abs=0.5)
    assert m.sudden_sounds == ()


def test_true_peak_skipping_quiet_stretches_changes_nothing():
    """Skipping is only allowed where no interpolated value can beat the peak so far."""
    from asmr_desktop.analysis.truepeak import TruePeakMeter

    rng = np.random.default_rng(11)
    rate = 48000
    n = rate * 4
    # Bursts of very different size, so some stretches are skippable and some are not.
    envelope = np.repeat(10.0 ** (rng.uniform(-60, 0, size=n // 1000) / 20.0), 1000)
    x = (rng.standard_normal((2, n)) * envelope * 0.2).astype(np.float32)
    x[:, n // 2 : n // 2 + 40] = np.sin(np.arange(40) * np.pi / 2 + np.pi / 4) * 0.99
    full, pruned = TruePeakMeter(2, prune=False), TruePeakMeter(2)
    for start in range(0, n, 7777):
        full.process(x[:, start : start + 7777])
        pruned.process(x[:, start : start + 7777])
    assert pruned.finish() == pytest.approx(full.finish(), rel=1e-6)
    assert pruned.positions_interpolated < 0.5 * full.positions_interpolated
