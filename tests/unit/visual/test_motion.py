"""The motion measured in a person's own video, to show a slow one at fewer frames."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from asmr_desktop.visual.motion import MotionMeter, shift_px, shrink, shrink_factor

H, W = 180, 320


def pattern(dx: float, dy: float = 0.0) -> NDArray[np.float32]:
    """A soft texture (a few broad waves) moved by (dx, dy) pixels of the full frame."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    x, y = x - dx, y - dy
    waves = (
        np.sin(x / 23.0) * np.cos(y / 17.0)
        + 0.6 * np.sin((x + 2 * y) / 31.0)
        + 0.4 * np.cos((3 * x - y) / 41.0)
    )
    return (0.2 + 0.05 * waves).astype(np.float32)


@pytest.mark.parametrize(("dx", "dy"), [(0.8, 0.0), (0.0, 1.6), (2.0, -1.2)])
def test_a_small_shift_is_measured(dx: float, dy: float) -> None:
    measured = shift_px(shrink(pattern(0, 0)), shrink(pattern(dx, dy)))
    assert measured == pytest.approx(math.hypot(dx, dy) / shrink_factor(W), rel=0.25)


def test_a_still_picture_a_cut_and_a_flash() -> None:
    still = shrink(pattern(0, 0))
    assert shift_px(still, still.copy()) == 0.0
    other = shrink(np.random.default_rng(1).random((H, W), dtype=np.float32) * 0.4)
    assert shift_px(still, other) == math.inf  # a cut: no shift explains it
    # a slight, even change of brightness (a slow fade) is no motion
    assert shift_px(still, still + np.float32(0.002)) < 0.05
    flash = still.copy()
    flash[: flash.shape[0] // 2] += np.float32(0.5)
    assert shift_px(still, flash) == math.inf


def test_the_meter_is_unknown_at_first_then_keeps_the_fastest_for_a_while() -> None:
    meter = MotionMeter(screen_width_px=1920)
    frames = [pattern(0.8 * i) for i in range(40)]  # 0.8 px of 320 a frame
    step_s = 0.1
    for frame in frames[:5]:
        meter.update(frame, step_s)
    assert meter.px_per_s == math.inf  # under SETTLE_S measured
    for frame in frames[5:20]:
        meter.update(frame, step_s)
    expected = 0.8 * 1920 / W / step_s  # 48 px/s on a 1920 px screen
    assert meter.px_per_s == pytest.approx(expected, rel=0.25)
    for _ in range(10):  # stops moving: the fast part is remembered for WINDOW_S
        meter.update(frames[19], step_s)
    assert meter.px_per_s == pytest.approx(expected, rel=0.25)
    for _ in range(25):
        meter.update(frames[19], step_s)
    assert meter.px_per_s < 1.0
    meter.reset()
    assert meter.px_per_s == math.inf
