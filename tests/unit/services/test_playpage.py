"""The Play page's rules without Qt: the T key's cycle, the timer's words, the ceiling."""

from __future__ import annotations

import math

import pytest

from asmr_desktop.audio.timer import PRESET_MINUTES, SleepMode, SleepTimer
from asmr_desktop.core import safety
from asmr_desktop.services.playpage import (
    CeilingError,
    ceiling_words,
    check_ceiling_db,
    next_sleep_timer,
    preset_minutes,
    sleep_cycle,
    sleep_words,
)


def minutes(timer: SleepTimer) -> float | None:
    return None if timer.seconds is None else timer.seconds / 60.0


def test_t_cycles_off_then_every_preset_then_off() -> None:
    timer = SleepTimer.off()
    seen = []
    for _ in range(len(PRESET_MINUTES) + 1):
        timer = next_sleep_timer(timer)
        seen.append(minutes(timer) if timer.mode is SleepMode.AFTER else "off")
    assert seen == [15, 30, 45, 60, 90, "off"]
    assert [minutes(t) for t in sleep_cycle()[1:]] == list(PRESET_MINUTES)
    assert sleep_cycle()[0].mode is SleepMode.OFF


def test_a_custom_time_steps_to_the_next_longer_preset() -> None:
    assert minutes(next_sleep_timer(SleepTimer.after(25 * 60))) == 30
    assert minutes(next_sleep_timer(SleepTimer.after(30 * 60))) == 45
    assert next_sleep_timer(SleepTimer.after(120 * 60)).mode is SleepMode.OFF
    assert minutes(next_sleep_timer(SleepTimer.at_track_end())) == 15


def test_words_show_the_time_as_chosen() -> None:
    assert sleep_words(SleepTimer.off()) == "Off"
    assert sleep_words(SleepTimer.after(30 * 60)) == "30 min"
    assert sleep_words(SleepTimer.after(25 * 60)) == "Custom: 25 min"
    assert sleep_words(SleepTimer.at_track_end()) == "End of this track"
    assert preset_minutes(SleepTimer.after(45 * 60)) == 45
    assert preset_minutes(SleepTimer.after(44 * 60)) is None


@pytest.mark.parametrize("typed", [safety.CEILING_MAX_DB + 0.5, 0.0, 6.0])
def test_a_ceiling_above_the_bound_is_refused_with_the_bound_named(typed: float) -> None:
    with pytest.raises(CeilingError, match=r"never goes above -3 dBTP"):
        check_ceiling_db(typed)


@pytest.mark.parametrize("typed", [safety.CEILING_MIN_DB - 1, math.nan, math.inf])
def test_a_ceiling_below_the_range_or_not_a_number_is_refused(typed: float) -> None:
    with pytest.raises(CeilingError):
        check_ceiling_db(typed)


@pytest.mark.parametrize("typed", [safety.CEILING_MAX_DB, -12.0, safety.CEILING_MIN_DB])
def test_a_ceiling_within_the_bounds_is_kept_as_typed(typed: float) -> None:
    assert check_ceiling_db(typed) == typed


def test_the_ceiling_in_force_is_the_migraine_one_when_it_is_on() -> None:
    assert ceiling_words(-12.0, False) == "Ceiling in force: -12 dBTP"
    assert ceiling_words(-12.0, True) == "Ceiling in force: -24 dBTP (migraine mode)"
    assert safety.effective_ceiling_db(-12.0, True) == -12.0 - safety.MIGRAINE_CEILING_DROP_DB
    # Never above the bound, even when the stored value is.
    assert safety.effective_ceiling_db(0.0, False) == safety.CEILING_MAX_DB
    assert safety.effective_ceiling_db(safety.CEILING_MIN_DB, True) == safety.CEILING_MIN_DB
