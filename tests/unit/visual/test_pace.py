"""The frame rate of visual-only mode: as low as the motion bound allows, never a big step."""

from __future__ import annotations

import pytest

from asmr_desktop.core import safety
from asmr_desktop.visual.pace import (
    MAX_STEP_PX,
    MIN_FPS,
    frame_interval_ms,
    frame_rate,
    step_px,
)
from asmr_desktop.visual.render import SPEED_MAX, SPEED_MIN


def test_a_1920_screen_at_1x_needs_under_ten_frames_not_thirty() -> None:
    assert frame_rate(1.0, 1920) == pytest.approx(9.6)
    assert frame_rate(SPEED_MIN, 1920) == MIN_FPS


@pytest.mark.parametrize("width", [640, 1280, 1920, 2560, 3840, 7680])
@pytest.mark.parametrize("speed", [SPEED_MIN, 0.35, 0.5, 0.7, SPEED_MAX])
def test_no_step_is_larger_than_the_threshold_within_the_cap(width: int, speed: float) -> None:
    fps = frame_rate(speed, width)
    interval_fps = 1000 / frame_interval_ms(fps)
    assert MIN_FPS <= fps <= safety.MAX_FPS
    assert interval_fps >= fps, "the timer never runs slower than the rate asked for"
    moved = step_px(safety.MAX_MOTION_SCREEN_WIDTHS_PER_S * speed, interval_fps, width)
    at_cap = fps == safety.MAX_FPS  # an 8K screen at 1x: the cap wins, steps grow
    assert moved <= MAX_STEP_PX + 1e-9 or at_cap


def test_the_cap_can_be_lowered_never_raised() -> None:
    assert frame_rate(1.0, 7680, max_fps=15) == 15
    assert frame_rate(1.0, 7680, max_fps=120) == safety.MAX_FPS
    assert frame_rate(1.0, 1920, max_fps=1) == MIN_FPS
