"""Sudden sounds: three knocks in quiet noise are three events; rain and a swell are none."""

from __future__ import annotations

import numpy as np
import pytest

from asmr_desktop.analysis.meter import measure_array

from .signals import brown, knock, white

RATE = 44100


def _at(base: np.ndarray, t: float, sound: np.ndarray) -> None:
    start = round(t * RATE)
    base[start : start + sound.shape[0]] += sound


def test_three_knocks_in_quiet_noise_are_three_events_at_their_times():
    quiet = brown(20.0, -45.0, RATE)
    times = [5.0, 9.53, 14.2]
    for t in times:
        _at(quiet, t, knock(RATE, amplitude=0.5))
    events = measure_array(quiet, RATE).sudden_sounds
    # A 20 ms knock flags about ten overlapping 100 ms windows; they must merge into one.
    assert len(events) == 3
    assert [e.time_s for e in events] == pytest.approx(times, abs=0.02)
    assert all(e.rise_db >= 15.0 for e in events)


def test_two_knocks_closer_than_a_window_are_one_event_but_far_apart_are_two():
    quiet = brown(12.0, -45.0, RATE)
    _at(quiet, 4.0, knock(RATE, 0.5))
    _at(quiet, 4.05, knock(RATE, 0.5, seed=4))
    _at(quiet, 8.0, knock(RATE, 0.5))
    assert [round(e.time_s) for e in measure_array(quiet, RATE).sudden_sounds] == [4, 8]


def test_a_knock_just_under_15_db_is_not_sudden():
    """The threshold itself: a burst that lifts the 100 ms level by about 12 dB passes."""
    bed = white(10.0, -40.0, RATE)
    burst = white(0.1, -28.0, RATE, seed=9)  # +12 dB for exactly one window
    _at(bed, 5.0, burst)
    assert measure_array(bed, RATE).sudden_sounds == ()
    louder = white(10.0, -40.0, RATE)
    _at(louder, 5.0, white(0.1, -22.0, RATE, seed=9))  # +18 dB
    assert len(measure_array(louder, RATE).sudden_sounds) == 1


def test_steady_rain_is_not_sudden():
    """Rain: a hiss with 10 sharp droplets a second, some peaking near full scale.

    Droplets lift the 100 ms level by up to about 10 dB (a 10 dB threshold finds six events
    here) and a 10 ms window would find dozens: the 100 ms level and the 15 dB are what
    keep rain calm.
    """
    rain = white(20.0, -40.0, RATE) + brown(20.0, -42.0, RATE)
    rng = np.random.default_rng(7)
    for t in rng.uniform(0.0, 19.9, size=200):
        drop = knock(RATE, amplitude=rng.uniform(0.1, 0.9), seconds=0.003, seed=int(t * 1000))
        _at(rain, float(t), drop)
    assert np.abs(rain).max() > 0.8
    assert measure_array(rain, RATE).sudden_sounds == ()


def test_a_slow_10_second_swell_is_not_sudden():
    """A wave: 50 dB louder over 10 s (5 dB/s), after 3 s of calm."""
    noise = brown(16.0, -20.0, RATE)
    gain_db = np.concatenate(
        [np.full(3 * RATE, -50.0), np.linspace(-50.0, 0.0, 10 * RATE), np.zeros(3 * RATE)]
    )
    swell = noise * (10.0 ** (gain_db / 20.0))[:, None].astype(np.float32)
    assert measure_array(swell, RATE).sudden_sounds == ()


def test_a_jump_from_calm_to_loud_is_sudden_once():
    """The same 36 dB, all at once: a sudden sound, reported once, when it starts."""
    noise = white(10.0, -14.0, RATE)
    noise[: 5 * RATE] *= 10.0 ** (-36.0 / 20.0)
    events = measure_array(noise, RATE).sudden_sounds
    assert len(events) == 1
    assert events[0].time_s == pytest.approx(5.0, abs=0.02)


def test_a_whisper_after_a_silent_gap_is_not_sudden_but_a_bang_is():
    track = np.zeros((10 * RATE, 2), dtype=np.float32)
    track[: 2 * RATE] = white(2.0, -45.0, RATE)  # soft sound, then 4 s of digital silence
    track[6 * RATE :] = white(4.0, -70.0, RATE, seed=5)  # about -67 LUFS: barely audible
    assert measure_array(track, RATE).sudden_sounds == ()
    track[6 * RATE :] = white(4.0, -30.0, RATE, seed=5)
    events = measure_array(track, RATE).sudden_sounds
    assert len(events) == 1
    assert events[0].time_s == pytest.approx(6.0, abs=0.02)


def test_digital_silence_before_the_first_sound_is_not_context():
    """A file that opens with 2 s of silence starts; it does not jump out of silence."""
    track = np.zeros((8 * RATE, 2), dtype=np.float32)
    track[2 * RATE :] = brown(6.0, -20.0, RATE)
    _at(track, 6.0, knock(RATE, amplitude=0.9))  # but a knock later on still counts
    events = measure_array(track, RATE).sudden_sounds
    assert [round(e.time_s, 1) for e in events] == [6.0]
