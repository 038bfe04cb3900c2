"""Visual-only mode over time: changes made while watching stay inside the bounds."""

from __future__ import annotations

import pytest

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.audit import FrameAnalyser
from asmr_desktop.visual.render import BRIGHTNESS_MAX, BRIGHTNESS_MIN, SPEED_MAX, SPEED_MIN
from asmr_desktop.visual.scenes import SCENE_NAMES
from asmr_desktop.visual.show import BRIGHTNESS_STEP, SPEED_STEPS, Show

FPS = safety.MAX_FPS
SIZE = (192, 108)  # small and quick; all measures are per screen


def watch(show: Show, seconds: float, actions=None) -> tuple[FrameAnalyser, FrameAnalyser]:
    """Play ``seconds`` at 30 fps, doing ``actions[frame_index](show)`` on the way.

    Returns an analyser of every frame and one of the frames shown since the show last
    settled (after its crossfades and brightness ramps).
    """
    every, settled = FrameAnalyser(FPS), FrameAnalyser(FPS)
    actions = actions or {}
    for i in range(round(seconds * FPS)):
        if i in actions:
            actions[i](show)
        show.advance(1 / FPS)
        frame = show.frame()
        every.add(frame)
        if show.settled:
            settled.add(frame)
        else:
            settled = FrameAnalyser(FPS)
    return every, settled


def test_starts_with_a_slow_fade_in():
    show = Show("orbs", "grey", brightness=BRIGHTNESS_MAX, size=SIZE)
    assert not show.settled
    every, _ = watch(show, 3.0)
    report = every.report()
    assert report.general_flashes_per_s == 0
    assert report.max_region_change_per_s < safety.MAX_REGION_LUMINANCE_CHANGE_PER_S


def test_scene_brightness_and_speed_changes_are_safe():
    """Changes pressed in quick succession: no flash, no fast change, never too bright.

    The motion measure assumes constant brightness, so it is not applied while a
    crossfade or a brightness ramp runs (it would call a fade "motion"); it is applied
    to the frames shown once settled.
    """
    show = Show("breathing", "warm", brightness=0.5, size=SIZE, fade_in=False)
    actions = {
        15: lambda s: s.set_scene("clouds"),
        20: lambda s: [s.step_brightness(+1) for _ in range(5)],
        30: lambda s: s.step_scene(+1),  # queued behind the running crossfade
        40: lambda s: s.step_speed(-1),
    }
    every, settled = watch(show, 40.0, actions)
    assert show.settled, "the changes should be done after 40 s"
    assert show.scene == "orbs"  # clouds is last; the step wraps round
    assert show.shown_brightness == pytest.approx(1.0)
    report = every.report()
    assert report.general_flashes_per_s == 0
    assert report.red_flashes_per_s == 0
    assert report.saturated_red_pixels == 0
    assert report.max_pixel_luminance <= safety.MAX_PIXEL_LUMINANCE
    assert report.max_region_change_per_s < safety.MAX_REGION_LUMINANCE_CHANGE_PER_S
    settled_report = settled.report()
    assert settled_report.seconds > 5
    assert settled_report.violations(show.palette.cap) == []


def test_crossfade_takes_as_long_as_the_luminance_change_needs():
    show = Show("waves", "grey", brightness=BRIGHTNESS_MAX, size=SIZE, fade_in=False)
    show.set_scene("orbs")
    seconds = 0.0
    while not show.settled:
        show.advance(0.5)
        seconds += 0.5
        assert seconds < 60
    assert show.scene == "orbs"
    assert seconds >= 2.0  # never a cut


def test_scene_steps_wrap_round():
    show = Show(SCENE_NAMES[0], size=SIZE, fade_in=False)
    assert show.step_scene(-1) == SCENE_NAMES[-1]
    assert show.scene == SCENE_NAMES[-1]
    show.set_scene(SCENE_NAMES[1])  # queued: the latest request wins
    assert show.scene == SCENE_NAMES[1]
    with pytest.raises(VisualError, match="no scene"):
        show.set_scene("strobe")


def test_speed_steps_between_quarter_and_full():
    show = Show(speed=SPEED_MAX, size=SIZE)
    seen = [show.step_speed(-1) for _ in range(len(SPEED_STEPS) + 1)]
    assert seen[-2:] == [SPEED_MIN, SPEED_MIN]
    assert seen == sorted(seen, reverse=True)
    assert [show.step_speed(+1) for _ in range(len(SPEED_STEPS) + 1)][-1] == SPEED_MAX
    show.set_speed(4.0)
    assert show.speed == SPEED_MAX


def test_speed_change_does_not_jump_the_scene():
    show = Show("orbs", "grey", size=SIZE, fade_in=False)
    show.advance(10.0)
    before = show.frame().astype(int)
    show.step_speed(-1)
    show.advance(1 / FPS)
    assert abs(show.frame().astype(int) - before).max() <= 2


def test_brightness_ramps_to_the_target_within_bounds():
    show = Show(brightness=0.5, size=SIZE, fade_in=False)
    assert show.step_brightness(+1) == pytest.approx(0.5 + BRIGHTNESS_STEP)
    show.advance(1 / FPS)
    assert 0.5 < show.shown_brightness < 0.5 + BRIGHTNESS_STEP  # ramping, not jumped
    for _ in range(20):
        show.step_brightness(-1)
    assert show.brightness == BRIGHTNESS_MIN
    for _ in range(20):
        show.step_brightness(+1)
    assert show.brightness == BRIGHTNESS_MAX


def test_resize_keeps_drawing():
    show = Show(size=(1920, 1080), fade_in=False)
    assert show.internal_size == (320, 180)
    show.resize((800, 800))
    assert show.internal_size == (320, 320)
    assert show.frame_rgbx().shape == (320, 320, 4)
