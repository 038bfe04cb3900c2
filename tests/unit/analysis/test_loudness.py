"""BS.1770 integrated loudness, checked against EBU Tech 3341 reference signals."""

from __future__ import annotations

import numpy as np
import pytest

from asmr_desktop.analysis.loudness import integrated_lufs, measure_file
from asmr_desktop.core.errors import DecodeError
from tests.unit.audio.helpers import ArraySource, sine, write


@pytest.mark.parametrize("rate", [44100, 48000])
def test_1khz_sine_at_minus_23_dbfs_measures_minus_23_lufs(rate):
    tone = sine(1000, 20, rate, amp=10 ** (-23 / 20))  # EBU Tech 3341 case 1
    assert integrated_lufs(ArraySource(tone, rate)) == pytest.approx(-23.0, abs=0.1)


def test_gating_ignores_silence_and_quiet_parts():
    rate = 48000
    loud = sine(1000, 16, rate, amp=10 ** (-23 / 20))
    quiet = sine(1000, 4, rate, amp=10 ** (-43 / 20))  # 20 LU lower: relative gate drops it
    x = np.concatenate([np.zeros((rate * 4, 2), np.float32), quiet, loud, quiet])
    assert integrated_lufs(ArraySource(x, rate)) == pytest.approx(-23.0, abs=0.1)
    assert integrated_lufs(ArraySource(np.zeros((rate * 3, 2)), rate)) is None


def test_files_measure_and_unreadable_files_are_named(tmp_path):
    path = write(tmp_path / "t.flac", sine(1000, 5, 48000, amp=10 ** (-23 / 20)), 48000)
    assert measure_file(path) == pytest.approx(-23.0, abs=0.2)
    with pytest.raises(DecodeError):
        measure_file(tmp_path / "nope.wav")
