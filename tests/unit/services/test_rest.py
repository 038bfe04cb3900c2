"""The rest's countdown and its end cue, on a clock the test moves."""

from __future__ import annotations

import itertools

import pytest

from asmr_desktop.services.rest import (
    END_DIM_LEVEL,
    END_DIM_S,
    END_LIFT_S,
    REST_LENGTHS_MIN,
    RestTimer,
    clock_text,
)


class Mono:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_countdown_shows_the_time_left_then_that_the_rest_is_over() -> None:
    mono = Mono()
    timer = RestTimer(15 * 60, mono)
    assert timer.text() == "15:00 left"
    mono.now += 0.4
    assert timer.text() == "15:00 left", "rounded up: a full minute shows as it starts"
    mono.now += 65
    assert timer.text() == "13:55 left"
    assert not timer.over
    mono.now += 15 * 60
    assert timer.over and timer.remaining_s() == 0.0
    assert timer.text() == "Rest is over. How does your head feel?"


def test_the_end_cue_dims_slowly_over_the_last_seconds_then_lifts() -> None:
    mono = Mono()
    length = 10 * 60
    timer = RestTimer(length, mono)
    samples = []
    for tenth in range(int((length + END_LIFT_S + 2) * 10)):
        mono.now = 1000.0 + tenth / 10
        samples.append(timer.dim())
    dims = samples
    start_of_ramp = int((length - END_DIM_S) * 10)
    assert max(dims[:start_of_ramp]) == 0.0, "nothing changes until the last seconds"
    assert dims[length * 10] == pytest.approx(END_DIM_LEVEL)
    steps = [abs(b - a) for a, b in itertools.pairwise(dims)]
    # Slow: never more than the level's share per tenth of a second of the shorter phase.
    assert max(steps) <= END_DIM_LEVEL / (min(END_DIM_S, END_LIFT_S) * 10) + 1e-9
    ramp = dims[start_of_ramp : length * 10 + 1]
    assert ramp == sorted(ramp), "the dim only deepens until the end"
    assert dims[-1] == 0.0 and timer.cue_done()


def test_a_short_rest_dims_over_its_length_and_lengths_are_sane() -> None:
    mono = Mono()
    timer = RestTimer(5.0, mono)
    assert timer.dim() == 0.0
    mono.now += 2.5
    assert timer.dim() == pytest.approx(END_DIM_LEVEL / 2)
    with pytest.raises(ValueError):
        RestTimer(0, mono)
    assert list(REST_LENGTHS_MIN) == sorted(REST_LENGTHS_MIN) and REST_LENGTHS_MIN[0] >= 5
    assert clock_text(0) == "0:00" and clock_text(59.01) == "1:00" and clock_text(600) == "10:00"
