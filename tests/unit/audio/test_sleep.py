"""The sleep timer: the choice as a type (no sentinel numbers) and its countdown and fade."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asmr_desktop.audio.sleep import SleepCountdown, SleepMode, SleepTimer
from asmr_desktop.core import safety
from asmr_desktop.core.errors import AudioError

RATE = 100
FULL = round(safety.SLEEP_FADE_S * RATE)


def test_the_three_choices_are_distinct_values_not_numbers():
    assert SleepTimer.off() == SleepTimer(SleepMode.OFF)
    assert SleepTimer.after(90) == SleepTimer(SleepMode.AFTER, 90.0)
    assert SleepTimer.at_track_end().mode is SleepMode.TRACK_END
    assert len({SleepTimer.off(), SleepTimer.after(0), SleepTimer.at_track_end()}) == 3


@pytest.mark.parametrize("seconds", [-1.0, math.nan, math.inf])
def test_after_needs_a_real_number_of_seconds(seconds):
    with pytest.raises(AudioError, match="seconds"):
        SleepTimer.after(seconds)


def test_only_after_takes_seconds():
    with pytest.raises(AudioError):
        SleepTimer(SleepMode.TRACK_END, 5.0)
    with pytest.raises(AudioError):
        SleepTimer(SleepMode.AFTER)


def test_off_has_nothing_to_count_down():
    with pytest.raises(AudioError):
        SleepCountdown(SleepTimer.off(), RATE, None)


def test_after_counts_playback_frames_and_fades_over_the_last_minute():
    countdown = SleepCountdown(SleepTimer.after(90), RATE, track_left_frames=5)
    assert not countdown.at_track_end
    assert countdown.remaining_frames(None) == 90 * RATE  # the track does not matter
    assert countdown.fade_frames == FULL
    before = countdown.gains(30 * RATE, countdown.remaining_frames(None), counting=True)
    assert np.all(before == 1.0)  # 90 s -> 60 s: the fade has not begun
    half = countdown.gains(30 * RATE, countdown.remaining_frames(None), counting=True)
    assert half[-1] == pytest.approx(0.5**3)  # half way: -18 dB, the cubic fade
    assert np.all(np.diff(half) <= 0)
    assert countdown.remaining_frames(None) == 30 * RATE


def test_a_short_timer_fades_over_what_is_left():
    countdown = SleepCountdown(SleepTimer.after(10), RATE, None)
    assert countdown.fade_frames == 10 * RATE
    assert countdown.gains(1, countdown.remaining_frames(None), counting=True)[0] < 1.0


def test_paused_the_clock_and_the_fade_hold():
    countdown = SleepCountdown(SleepTimer.after(40), RATE, None)
    countdown.gains(10 * RATE, countdown.remaining_frames(None), counting=True)
    level = countdown.multiplier
    held = countdown.gains(10 * RATE, countdown.remaining_frames(None), counting=False)
    assert np.all(held == level) and countdown.remaining_frames(None) == 30 * RATE


def test_at_track_end_follows_the_track_and_fades_over_at_most_what_is_left():
    countdown = SleepCountdown(SleepTimer.at_track_end(), RATE, track_left_frames=20 * RATE)
    assert countdown.at_track_end and countdown.fade_frames == 20 * RATE
    assert countdown.remaining_frames(7 * RATE) == 7 * RATE
    assert countdown.remaining_frames(None) == math.inf  # an endless track has no end to wait for
    unknown = SleepCountdown(SleepTimer.at_track_end(), RATE, track_left_frames=None)
    assert unknown.fade_frames == FULL


def test_taking_the_multiplier_hands_it_over_once():
    countdown = SleepCountdown(SleepTimer.after(30), RATE, None)
    countdown.gains(15 * RATE, countdown.remaining_frames(None), counting=True)
    level = countdown.multiplier
    assert 0 < level < 1
    assert countdown.take_multiplier() == level
    assert countdown.multiplier == 1.0
