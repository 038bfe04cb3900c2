"""The analyser itself, on synthetic clips with known answers, before it judges the scenes."""

from __future__ import annotations

import numpy as np
import pytest

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.audit import FrameAnalyser, analyse
from asmr_desktop.visual.colour import linear_to_srgb

FPS = 30
SIZE = (120, 160)  # rows, columns: small and quick; the measures are per screen


def solid(rgb: tuple[int, int, int]) -> np.ndarray:
    return np.full((*SIZE, 3), rgb, dtype=np.uint8)


def flicker(hz: float, on: tuple[int, int, int], seconds: float = 2.0):
    """Full-screen square-wave flicker between ``on`` and black."""
    for i in range(int(seconds * FPS)):
        yield solid(on) if int(i / FPS * hz * 2) % 2 == 0 else solid((0, 0, 0))


def grey_of_luminance(luminance: float) -> int:
    return round(float(linear_to_srgb(luminance)) * 255)


def moving_blob(speed: float, sigma: float, seconds: float = 2.0, luminance: float = 0.3):
    """A soft grey blob moving right at ``speed`` screen widths a second."""
    h, w = SIZE
    xs = np.arange(w)[None, :] / w
    ys = np.arange(h)[:, None] / w
    for i in range(int(seconds * FPS)):
        cx = 0.3 + speed * i / FPS
        lum = luminance * np.exp(-((xs - cx) ** 2 + (ys - 0.37) ** 2) / (2 * sigma**2))
        code = np.round(linear_to_srgb(lum) * 255).astype(np.uint8)
        yield np.repeat(code[..., None], 3, axis=2)


def test_flags_4hz_black_white_flicker():
    report = analyse(flicker(4, (255, 255, 255)), FPS)
    assert report.general_flashes_per_s == 4
    assert report.red_flashes_per_s == 0
    assert report.max_pixel_luminance == pytest.approx(1.0)
    assert any("general flashes" in v for v in report.violations())


def test_flags_2hz_red_flash():
    report = analyse(flicker(2, (255, 0, 0)), FPS)
    assert report.red_flashes_per_s == 2
    assert report.general_flashes_per_s == 2  # red's luminance 0.21 also changes by > 0.1
    red_frames = report.saturated_red_pixels / (SIZE[0] * SIZE[1])
    assert red_frames == pytest.approx(report.frames / 2, abs=2)
    violations = report.violations()
    assert any("red flashes" in v for v in violations)
    assert any("saturated red" in v for v in violations)


def test_flash_over_a_quarter_of_the_screen_is_caught_anywhere():
    """A flicker over one quarter, off the region grid's centre, still counts."""

    def clips():
        for frame in flicker(3, (200, 200, 200)):
            out = solid((0, 0, 0))
            out[30:90, 50:130] = frame[30:90, 50:130]
            yield out

    assert analyse(clips(), FPS).general_flashes_per_s == 3


def test_small_flicker_is_not_a_general_flash():
    """Under 25 % of the screen: not a WCAG general flash (the scenes must still pass)."""

    def clips():
        for frame in flicker(4, (255, 255, 255)):
            out = solid((0, 0, 0))
            out[:20, :20] = frame[:20, :20]
            yield out

    assert analyse(clips(), FPS).general_flashes_per_s == 0


def test_small_luminance_wobble_is_not_a_flash():
    low, high = grey_of_luminance(0.10), grey_of_luminance(0.17)  # change 0.07 < 0.1
    assert analyse(flicker(4, (high,) * 3), FPS).general_flashes_per_s > 0
    clip = (solid((high,) * 3) if i % 8 < 4 else solid((low,) * 3) for i in range(60))
    assert analyse(clip, FPS).general_flashes_per_s == 0


def test_bright_flicker_above_dark_limit_is_not_a_flash():
    """WCAG: the darker state must be below 0.8; 0.85 <-> 1.0 is no flash."""
    grey = grey_of_luminance(0.85)
    clip = (solid((255,) * 3) if i % 8 < 4 else solid((grey,) * 3) for i in range(60))
    assert analyse(clip, FPS).general_flashes_per_s == 0


def test_passes_slow_fade():
    seconds, top = 10.0, 0.12  # 0.012 per second, under the 0.02 bound
    clip = (
        solid((grey_of_luminance(top * i / (seconds * FPS)),) * 3)
        for i in range(int(seconds * FPS))
    )
    report = analyse(clip, FPS)
    assert report.violations() == []
    assert report.max_region_change_per_s == pytest.approx(top / seconds, rel=0.2)
    assert report.max_pixel_luminance == pytest.approx(top, rel=0.05)


def test_fast_fade_breaks_region_change_bound():
    clip = (solid((grey_of_luminance(0.3 * i / 30),) * 3) for i in range(30))
    report = analyse(clip, FPS)
    assert report.max_region_change_per_s > safety.MAX_REGION_LUMINANCE_CHANGE_PER_S
    assert report.general_flashes_per_s == 0
    assert any("quarter of the screen" in v for v in report.violations())


def test_near_black_reddish_pixels_are_not_saturated_red():
    frame = solid((12, 0, 0))  # red ratio 1.0, but perceptually black
    frame[0, 0] = (40, 2, 2)
    assert analyse([frame], FPS).saturated_red_pixels == 1


def test_red_ratio_uses_linear_light():
    # (200, 70, 70): ratio 0.59 on codes, but 0.83 in linear light: flagged.
    assert analyse([solid((200, 70, 70))], FPS).saturated_red_pixels == SIZE[0] * SIZE[1]
    assert analyse([solid((200, 85, 85))], FPS).saturated_red_pixels == 0


def test_luminance_cap_is_reported():
    report = analyse([solid((grey_of_luminance(0.4),) * 3)], FPS)
    assert report.max_pixel_luminance == pytest.approx(0.4, rel=0.02)
    assert report.violations(luminance_cap=safety.MAX_PIXEL_LUMINANCE)
    assert report.violations(luminance_cap=1.0) == []


@pytest.mark.parametrize("sigma", [0.006, 0.05])
@pytest.mark.parametrize("speed", [0.005, 0.02, 0.06])
def test_motion_speed_of_a_moving_blob(speed, sigma):
    """Small specks and large soft orbs: never under by more than 5 %, over by 35 % at most."""
    measured = analyse(moving_blob(speed, sigma), FPS).max_motion_widths_per_s
    assert speed * 0.95 <= measured <= speed * 1.35


def test_still_frames_have_no_motion():
    frame = next(moving_blob(0.0, 0.05))
    assert analyse([frame] * 30, FPS).max_motion_widths_per_s == 0.0


def test_fast_motion_breaks_the_bound_and_slow_motion_passes():
    fast = analyse(moving_blob(0.06, 0.05), FPS)
    assert any("motion" in v for v in fast.violations())
    slow = analyse(moving_blob(0.01, 0.05), FPS)
    assert slow.violations() == []
    assert any("motion" in v for v in slow.violations(speed=0.25))


def test_streaming_analyser_rejects_bad_input():
    with pytest.raises(VisualError, match="frame rate"):
        FrameAnalyser(0)
    analyser = FrameAnalyser(FPS)
    with pytest.raises(VisualError, match="no frames"):
        analyser.report()
    with pytest.raises(VisualError, match="uint8"):
        analyser.add(np.zeros((4, 4, 3), dtype=np.float32))
    analyser.add(solid((0, 0, 0)))
    with pytest.raises(VisualError, match="same size"):
        analyser.add(np.zeros((4, 4, 3), dtype=np.uint8))


@pytest.mark.parametrize("shape", [(180, 320), (1080, 1920), (7, 5), (9, 33)])
def test_the_guards_region_means_equal_the_analysers_block_sums(shape: tuple[int, int]) -> None:
    """The live guard's matrix-product region means (5babff4) against the analyser's own
    reduceat sums, including frames smaller than the 8x8 blocks (reduceat's empty blocks)."""
    from asmr_desktop.visual import audit

    image = np.random.default_rng(sum(shape)).random(shape, dtype=np.float32)
    blocks = audit._BLOCKS
    expected = audit._windows(audit._block_sums(image, blocks, blocks)) / audit._windows(
        audit._block_sums(np.ones_like(image), blocks, blocks)
    )
    np.testing.assert_allclose(audit.region_means(image), expected, rtol=1e-6, atol=1e-7)
