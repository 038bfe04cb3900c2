"""Scenes, palettes and rendering: deterministic, checked, and cheap to scale."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.colour import relative_luminance, saturated_red_mask
from asmr_desktop.visual.palette import LUT_SIZE, PALETTE_NAMES, palette
from asmr_desktop.visual.render import (
    INTERNAL_WIDTH,
    Renderer,
    clamp_brightness,
    clamp_speed,
    internal_size,
    render,
    upscale_field,
)
from asmr_desktop.visual.scenes import (
    BREATHS_PER_MIN_DEFAULT,
    SCENE_NAMES,
    Breathing,
    make_scene,
)

SMALL = (160, 90)


@pytest.mark.parametrize("scene_name", SCENE_NAMES)
def test_render_is_a_pure_function_of_its_arguments(scene_name):
    colours = palette("warm")
    first = render(make_scene(scene_name, seed=3), 7.5, SMALL, colours, 0.5, 0.8)
    again = render(make_scene(scene_name, seed=3), 7.5, SMALL, colours, 0.5, 0.8)
    assert first.dtype == np.uint8
    assert first.shape == (SMALL[1], SMALL[0], 3)
    np.testing.assert_array_equal(first, again)
    later = render(make_scene(scene_name, seed=3), 9.0, SMALL, colours, 0.5, 0.8)
    assert not np.array_equal(first, later)


def test_speed_is_slow_motion_of_the_same_scene():
    scene, colours = make_scene("orbs"), palette("grey")
    half = render(scene, 10.0, SMALL, colours, speed=0.5)
    np.testing.assert_array_equal(half, render(scene, 5.0, SMALL, colours, speed=1.0))


@pytest.mark.parametrize("scene_name", [n for n in SCENE_NAMES if n != "breathing"])
def test_seed_changes_the_layout(scene_name):
    colours = palette("grey")
    a = render(make_scene(scene_name, seed=1), 0.0, SMALL, colours)
    b = render(make_scene(scene_name, seed=2), 0.0, SMALL, colours)
    assert not np.array_equal(a, b)


def test_unknown_scene_lists_the_valid_names():
    with pytest.raises(VisualError) as caught:
        make_scene("disco")
    for name in SCENE_NAMES:
        assert name in str(caught.value)


def test_unknown_palette_lists_the_valid_names():
    with pytest.raises(VisualError) as caught:
        palette("red")
    for name in PALETTE_NAMES:
        assert name in str(caught.value)


@pytest.mark.parametrize("migraine", [False, True])
@pytest.mark.parametrize("name", PALETTE_NAMES)
def test_every_palette_entry_is_under_the_cap_and_not_red(name, migraine):
    colours = palette(name, migraine)
    cap = safety.MAX_PIXEL_LUMINANCE_MIGRAINE if migraine else safety.MAX_PIXEL_LUMINANCE
    lum = relative_luminance(colours.lut[None])[0]
    assert colours.lut.shape == (LUT_SIZE, 3)
    assert lum.max() <= cap
    assert lum.max() > 0.97 * cap  # full brightness does reach the cap
    assert lum[0] < 0.01  # the background is near black
    assert not saturated_red_mask(colours.lut[None], safety.SATURATED_RED_RATIO).any()
    assert np.all(np.diff(lum) >= 0)


def test_brightness_scales_down_and_is_clamped():
    scene, colours = make_scene("breathing"), palette("grey")
    bright = relative_luminance(render(scene, 0.0, SMALL, colours, brightness=1.0)).max()
    dim = relative_luminance(render(scene, 0.0, SMALL, colours, brightness=0.1)).max()
    assert dim < 0.2 * bright
    too_bright = render(scene, 0.0, SMALL, colours, brightness=5.0)
    np.testing.assert_array_equal(too_bright, render(scene, 0.0, SMALL, colours, brightness=1.0))
    assert clamp_brightness(float("nan")) == 0.1
    assert clamp_speed(3.0) == 1.0
    assert clamp_speed(0.0) == 0.25
    assert clamp_speed(float("nan")) == 1.0


def test_internal_size_is_small_and_keeps_the_aspect():
    assert internal_size((1920, 1080)) == (INTERNAL_WIDTH, 180)
    assert internal_size((1024, 768)) == (INTERNAL_WIDTH, 240)
    assert internal_size((200, 100)) == (200, 100)
    with pytest.raises(VisualError, match="positive size"):
        internal_size((0, 10))


def test_upscaled_frame_keeps_bounds_of_the_small_one():
    """Bilinear scaling never makes a pixel brighter than the brightest drawn one."""
    renderer = Renderer((1024, 768))
    colours = palette("warm")
    scene = make_scene("particles")
    small = renderer.frame(scene, 3.0, colours)
    large = renderer.full_frame(scene, 3.0, colours)
    assert large.shape == (768, 1024, 3)
    assert relative_luminance(large).max() <= relative_luminance(small).max()
    field = renderer.field(scene, 3.0)
    up = upscale_field(field, (1024, 768))
    assert up.min() >= field.min() - 1e-6
    assert up.max() <= field.max() + 1e-6


def test_breathing_follows_its_pace_and_limits_its_edge_speed():
    pacer = Breathing(breaths_per_min=BREATHS_PER_MIN_DEFAULT)
    assert pacer.period_s == pytest.approx(10.0)
    assert pacer.radius(0.0) == pytest.approx(pacer.radius(10.0))
    assert pacer.radius(5.0) > pacer.radius(0.0)  # breathing in: it grows
    for bpm in (3.0, 6.0, 12.0):
        pacer = Breathing(breaths_per_min=bpm)
        t = np.linspace(0, pacer.period_s, 2001)
        edge_speed = np.abs(np.gradient([pacer.radius(x) for x in t], t)).max()
        assert edge_speed <= 0.5 * safety.MAX_MOTION_SCREEN_WIDTHS_PER_S * 1.001
    with pytest.raises(VisualError, match="breaths a minute"):
        Breathing(breaths_per_min=30.0)
    assert math.isclose(make_scene("breathing", breaths_per_min=4.0).period_s, 15.0)  # type: ignore[attr-defined]
