"""README's safety section says the numbers safety.py enforces (fade from silence, startle
guard, quiet-passage lift): a number changed in one place fails here until the other says
the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asmr_desktop.core import safety

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_text() -> str:
    return re.sub(r"\s+", " ", README.read_text(encoding="utf-8"))


def fmt(value: float) -> str:
    return f"{value:g}"


@pytest.mark.parametrize(
    "phrase",
    [
        # Every start from silence: the floor, the rise, and what they make the fade last.
        f"begins at {fmt(safety.FADE_IN_FLOOR_LUFS)} LUFS",
        f"rises at most {fmt(safety.MAX_GAIN_RISE_DB_PER_S)} dB a second to its level",
        f"{fmt(safety.fade_in_s(safety.LOUDNESS_TARGET_DEFAULT_LUFS))} s at the default "
        f"{fmt(safety.LOUDNESS_TARGET_DEFAULT_LUFS)} LUFS",
        f"{fmt(safety.fade_in_s(safety.effective_loudness_target(-30.0, True)))} s in migraine "
        f"mode ({fmt(safety.effective_loudness_target(-30.0, True))})",
        f"{safety.fade_in_s(safety.LOUDNESS_TARGET_MAX_LUFS):.1f} s at the loudest target "
        f"({fmt(safety.LOUDNESS_TARGET_MAX_LUFS)})",
        f"a sound set at or below {fmt(safety.FADE_IN_FLOOR_LUFS)} LUFS simply starts there",
        # The startle guard.
        f"rises more than {fmt(safety.STARTLE_RISE_DB)} dB "
        f"({fmt(safety.STARTLE_RISE_MIGRAINE_DB)} dB in migraine mode) over the median of the "
        f"{fmt(safety.SUDDEN_CONTEXT_S)} s before it",
        # The quiet-passage lift.
        f"by at most {fmt(safety.QUIET_LIFT_MAX_DB)} dB, rising no faster than "
        f"{fmt(safety.QUIET_LIFT_RISE_DB_PER_S)} dB a second, to no more than "
        f"{fmt(safety.QUIET_LIFT_BELOW_DB)} dB under the loudness target",
        f"never beyond the {fmt(safety.MAX_NORMALISATION_BOOST_DB)} dB that normalisation may "
        "boost a track",
        f"a passage {fmt(safety.QUIET_LIFT_GATE_DB)} dB or more under the target, or under "
        f"{fmt(safety.QUIET_LIFT_GATE_LUFS)} LUFS, stays as it is",
        "it is off in migraine mode",
    ],
)
def test_the_readme_states_the_safety_numbers(phrase: str) -> None:
    assert phrase in readme_text()
