"""The live guard: whatever goes in, what comes out passes the generated scenes' bounds."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.audit import analyse
from asmr_desktop.visual.colour import LINEAR_OF_CODE, relative_luminance
from asmr_desktop.visual.guard import (
    CODE_OF_LINEAR,
    NOTE_BRIGHT,
    NOTE_FLASH,
    NOTE_RED,
    FrameGuard,
    encode,
    saturated_red_count,
)

FPS = 30
H, W = 45, 80


def linear(rgb: tuple[float, float, float]) -> NDArray[np.float32]:
    """A frame of one linear colour, in planes (3, H, W) as the guard takes them."""
    return np.broadcast_to(np.asarray(rgb, dtype=np.float32)[:, None, None], (3, H, W)).copy()


def run(guard: FrameGuard, frames: list[NDArray[np.float32]]) -> list[NDArray[np.uint8]]:
    return [guard.process(f).rgb for f in frames]


def test_encoding_never_brightens() -> None:
    # Every table entry's code is at or below the light it stands for, and the next code up
    # would be above it: rounding down, as tightly as 8 bits allow.
    steps = np.arange(CODE_OF_LINEAR.size) / (CODE_OF_LINEAR.size - 1)
    assert np.all(LINEAR_OF_CODE[CODE_OF_LINEAR] <= steps + 1e-7)
    up = np.minimum(CODE_OF_LINEAR.astype(int) + 1, 255)
    assert np.all((LINEAR_OF_CODE[up] > steps) | (CODE_OF_LINEAR == 255))


def test_a_white_frame_is_capped_at_the_luminance_bound() -> None:
    for cap in (safety.MAX_PIXEL_LUMINANCE, safety.MAX_PIXEL_LUMINANCE_MIGRAINE):
        guard = FrameGuard(FPS, cap, start=(cap, cap, cap))  # start at the cap: no fade
        shown = guard.process(linear((1.0, 1.0, 1.0)))
        top = float(relative_luminance(shown.rgb).max())
        assert top <= cap
        assert top > cap - 0.01  # dimmed to the cap, not to black
        assert shown.notes == (NOTE_BRIGHT,)


def test_saturated_red_is_softened_and_says_so() -> None:
    guard = FrameGuard(FPS, start=(0.2, 0.0, 0.0))
    frames = [linear((0.2, 0.0, 0.0))] * (3 * FPS)
    results = [guard.process(f) for f in frames]
    assert saturated_red_count(results[-1].rgb) == 0
    assert all(saturated_red_count(r.rgb) == 0 for r in results)
    assert NOTE_RED in {r.note for r in results}
    # the red part is kept where it is not saturated: the pixel is still reddish
    r, g, b = (LINEAR_OF_CODE[results[-1].rgb[0, 0, i]] for i in range(3))
    assert r / (r + g + b) == pytest.approx(0.75, abs=0.03)


@pytest.mark.parametrize("hz", [3.0, 5.0, 10.0])
def test_full_screen_flashes_are_faded_through(hz: float) -> None:
    white, black = linear((0.3, 0.3, 0.3)), linear((0.0, 0.0, 0.0))
    frames = [white if (i / FPS * hz) % 1 < 0.5 else black for i in range(4 * FPS)]
    unguarded = analyse([encode(f) for f in frames], FPS)
    assert unguarded.general_flashes_per_s >= 3  # the input breaks the bound ...
    guard = FrameGuard(FPS)
    results = [guard.process(f) for f in frames]
    report = analyse([r.rgb for r in results], FPS)
    assert report.violations(speed=1.0) == []  # ... what is shown does not
    assert NOTE_FLASH in {r.note for r in results}


def test_a_cut_fades_through_slowly_then_catches_up() -> None:
    start = linear((0.01, 0.01, 0.01))
    guard = FrameGuard(FPS, start=(0.01, 0.01, 0.01))
    dark = [start] * FPS
    bright = [linear((0.05, 0.05, 0.05))] * (5 * FPS)
    results = [guard.process(f) for f in dark + bright]
    report = analyse([r.rgb for r in results], FPS)
    assert report.max_region_change_per_s < safety.MAX_REGION_LUMINANCE_CHANGE_PER_S
    mixes = [r.mix for r in results]
    assert min(mixes[FPS : FPS + 5]) < 0.5  # held back right after the cut
    assert mixes[-1] == 1.0  # and showing the video itself once the band allows
    assert np.array_equal(results[-1].rgb, encode(bright[-1]))


def test_a_steady_picture_passes_unchanged() -> None:
    rng = np.random.default_rng(1)
    grey = rng.random((1, H, W)) * 0.05
    picture = (grey * np.asarray([1.0, 0.9, 0.8])[:, None, None]).astype(np.float32)  # warm
    mean = tuple(float(v) for v in picture.reshape(3, -1).mean(axis=1))
    guard = FrameGuard(FPS, start=(mean[0], mean[1], mean[2]))
    results = [guard.process(picture) for _ in range(FPS)]
    assert all(r.mix == 1.0 and r.note == "" for r in results)
    assert all(np.array_equal(r.rgb, encode(picture)) for r in results)


def test_the_guard_holds_a_frame_that_fails_its_own_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # If the softening steps ever let a bright frame through, the final measurement holds
    # the last shown frame instead: break the cap step and check.
    import asmr_desktop.visual.guard as guard_module

    guard = FrameGuard(FPS, start=(1.0, 1.0, 1.0))
    monkeypatch.setattr(guard_module, "_cap_luminance", lambda *args: False)
    result = guard.process(linear((1.0, 1.0, 1.0)))
    assert result.held
    assert float(relative_luminance(result.rgb).max()) <= safety.MAX_PIXEL_LUMINANCE


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(VisualError):
        FrameGuard(0)
    with pytest.raises(VisualError):
        FrameGuard(FPS, luminance_cap=0.5)
    with pytest.raises(VisualError):
        FrameGuard(FPS).process(np.zeros((4, 4), dtype=np.float32))
    with pytest.raises(VisualError):
        FrameGuard(FPS).process(np.zeros((4, 4, 3), dtype=np.float32))
