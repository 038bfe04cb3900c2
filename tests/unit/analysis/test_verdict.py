"""The verdict and its plain-words explanation follow the documented thresholds."""

from __future__ import annotations

import pytest

from asmr_desktop.analysis.meter import Measurement
from asmr_desktop.analysis.sudden import SuddenSound
from asmr_desktop.analysis.verdict import Verdict, clock, judge


def _m(
    lufs: float | None = -30.0,
    peak: float | None = -12.0,
    bright: float | None = 0.05,
    sudden: tuple[float, ...] = (),
) -> Measurement:
    return Measurement(
        duration_s=1800.0,
        rate_hz=44100,
        channels=2,
        integrated_lufs=lufs,
        loudness_range_lu=3.0,
        true_peak_dbtp=peak,
        bright_share=bright,
        sudden_sounds=tuple(SuddenSound(t, 20.0, -30.0) for t in sudden),
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(7.4, "0:07"), (3.991, "0:04"), (59.6, "1:00"), (724.0, "12:04"), (3725.0, "1:02:05")],
)
def test_clock(seconds, text):
    assert clock(seconds) == text


def test_quiet_dark_steady_track_is_gentle():
    verdict, concerns, text = judge(_m())
    assert verdict is Verdict.GENTLE
    assert concerns == ()
    assert text.startswith("Gentle")


def test_sudden_sounds_are_counted_with_the_first_time():
    verdict, _, text = judge(_m(sudden=(724.2, 800.0, 900.0)))
    assert verdict is Verdict.SUDDEN
    assert text == "3 sudden sounds, first at 12:04."
    assert judge(_m(sudden=(42.0,)))[2] == "1 sudden sound, at 0:42."


@pytest.mark.parametrize(
    ("lufs", "peak", "loud"),
    [
        (-18.0, -20.0, True),  # pop-music loudness
        (-18.1, -20.0, False),
        (-23.0, -1.0, True),  # broadcast loudness with peaks at R 128's limit
        (-23.0, -1.1, False),
        (-23.1, 0.0, False),  # quiet track with a full-scale peak: not "loud"
        (None, 0.0, False),  # silent
    ],
)
def test_loud_thresholds(lufs, peak, loud):
    verdict, _, _ = judge(_m(lufs=lufs, peak=peak))
    assert (verdict is Verdict.LOUD) is loud


def test_bright_above_20_percent():
    assert judge(_m(bright=0.21))[0] is Verdict.BRIGHT
    assert judge(_m(bright=0.20))[0] is Verdict.GENTLE


def test_sudden_outranks_loud_outranks_bright_and_all_are_explained():
    verdict, concerns, text = judge(_m(lufs=-14.0, peak=-0.5, bright=0.4, sudden=(65.0,)))
    assert verdict is Verdict.SUDDEN
    assert concerns == (Verdict.SUDDEN, Verdict.LOUD, Verdict.BRIGHT)
    assert "1 sudden sound, at 1:05." in text
    assert "-14.0 LUFS" in text
    assert "40%" in text
    assert judge(_m(lufs=-14.0, bright=0.4))[0] is Verdict.LOUD


def test_silence_is_gentle_and_says_so():
    verdict, _, text = judge(_m(lufs=None, peak=None, bright=None))
    assert verdict is Verdict.GENTLE
    assert "silent" in text.lower()
