"""VisualView: keys, clicks, cursor, timer, and that what Qt paints stays inside the bounds."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.ui.visual import HINT_FADE_S, HINT_S, TWO_STAGE_FROM, VisualView
from asmr_desktop.visual.audit import analyse
from asmr_desktop.visual.pace import MAX_STEP_PX, MIN_FPS, step_px
from asmr_desktop.visual.palette import PALETTE_NAMES
from asmr_desktop.visual.scenes import SCENE_NAMES
from tests.gui.grab import grab_pixels


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def view(qtbot, clock) -> VisualView:
    widget = VisualView("orbs", "warm", clock=clock)
    qtbot.addWidget(widget)
    widget.resize(640, 360)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def pixels(widget: VisualView) -> np.ndarray:
    return grab_pixels(widget)


def test_constructor_takes_the_settings(qtbot):
    widget = VisualView("waves", "green", 0.5, 0.4, migraine=True, breaths_per_min=4.0)
    qtbot.addWidget(widget)
    assert (widget.scene, widget.palette_name, widget.speed, widget.brightness) == (
        "waves",
        "green",
        0.5,
        0.4,
    )
    with pytest.raises(VisualError, match="no scene"):
        VisualView("strobe")
    with pytest.raises(VisualError, match="no palette"):
        VisualView("orbs", "red")


def test_escape_and_any_click_ask_to_leave(qtbot, view):
    with qtbot.waitSignal(view.exit_requested, timeout=1000):
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    for button in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
        with qtbot.waitSignal(view.exit_requested, timeout=1000):
            qtbot.mouseClick(view, button)


def test_arrows_change_scene_and_speed(qtbot, view):
    with qtbot.waitSignal(view.scene_changed, timeout=1000) as changed:
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert changed.args == [SCENE_NAMES[1]]
    with qtbot.waitSignal(view.scene_changed, timeout=1000) as changed:
        qtbot.keyClick(view, Qt.Key.Key_Left)
    assert changed.args == [SCENE_NAMES[0]]
    with qtbot.waitSignal(view.speed_changed, timeout=1000) as slowed:
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert slowed.args[0] < 1.0
    with qtbot.waitSignal(view.speed_changed, timeout=1000) as sped:
        qtbot.keyClick(view, Qt.Key.Key_Up)
    assert sped.args == [1.0]
    with qtbot.assertNotEmitted(view.speed_changed):
        qtbot.keyClick(view, Qt.Key.Key_Up)  # already at 1x: nothing faster


def test_plus_and_minus_change_brightness(qtbot, view):
    start = view.brightness
    with qtbot.waitSignal(view.brightness_changed, timeout=1000) as brighter:
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert brighter.args[0] == pytest.approx(start + 0.1)
    with qtbot.waitSignal(view.brightness_changed, timeout=1000) as dimmer:
        qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert dimmer.args[0] == pytest.approx(start)


def test_timer_follows_motion_and_runs_only_while_shown(qtbot, view):
    assert view.frame_interval_ms >= 1000 / safety.MAX_FPS
    assert view.running
    view.resize(1920, 1080)  # the frame rate follows the screen's width and the speed
    assert view.frames_per_second == pytest.approx(9.6)
    full_speed = view.frame_interval_ms
    view.set_speed(0.25)  # slow motion needs fewer frames
    assert view.frame_interval_ms > full_speed
    assert view.frame_interval_ms <= 1000 / MIN_FPS
    view.set_speed(1.0)
    drawn = view.frames_drawn
    qtbot.waitUntil(lambda: view.frames_drawn > drawn + 2, timeout=2000)
    view.hide()
    assert not view.running
    view.show()
    assert view.running


def test_frame_rate_cap_can_be_lowered_never_raised(qtbot):
    slow = VisualView(max_fps=15)
    fast = VisualView(max_fps=120)
    qtbot.addWidget(slow)
    qtbot.addWidget(fast)
    assert slow.frame_interval_ms >= 1000 / 15
    assert fast.frame_interval_ms >= 1000 / safety.MAX_FPS


def test_cursor_hides_when_still_and_returns_on_movement(qtbot, clock):
    widget = VisualView(cursor_hide_ms=50, clock=clock)
    qtbot.addWidget(widget)
    widget.resize(320, 200)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.cursor_hidden, timeout=2000)
    qtbot.mouseMove(widget, QPoint(10, 10))
    qtbot.mouseMove(widget, QPoint(40, 30))
    qtbot.waitUntil(lambda: not widget.cursor_hidden, timeout=2000)


def test_key_hint_shows_once_then_fades(qtbot, view, clock):
    assert view.hint_opacity == 1.0
    clock.now += HINT_S + HINT_FADE_S / 2
    assert 0.0 < view.hint_opacity < 1.0
    clock.now += HINT_FADE_S
    assert view.hint_opacity == 0.0
    view.hide()
    view.show()
    assert view.hint_opacity == 0.0  # only once


@pytest.mark.parametrize(("palette", "migraine"), [("warm", False), ("green", True)])
def test_painted_frames_stay_inside_the_bounds(qtbot, clock, palette, migraine):
    """What Qt paints, scaled up and with the hint over it, keeps the cap and has no red."""
    widget = VisualView("particles", palette, brightness=1.0, migraine=migraine, clock=clock)
    qtbot.addWidget(widget)
    widget.resize(960, 540)
    widget.show()
    qtbot.waitExposed(widget)
    frames = []
    for _ in range(4):
        clock.now += 2.0
        drawn = widget.frames_drawn
        qtbot.waitUntil(lambda d=drawn: widget.frames_drawn > d, timeout=2000)
        frames.append(pixels(widget))
    cap = safety.MAX_PIXEL_LUMINANCE_MIGRAINE if migraine else safety.MAX_PIXEL_LUMINANCE
    report = analyse(frames, 0.5)
    assert report.max_pixel_luminance <= cap
    assert report.saturated_red_pixels == 0
    assert report.general_flashes_per_s == 0
    assert report.max_pixel_luminance > 0.5 * cap  # it is not black: the scene is there


#: Painted at a size that takes the two-stage paint (smooth to half size, then doubled).
PAINT_SIZE = (1280, 720)


@pytest.mark.parametrize("palette", PALETTE_NAMES)
@pytest.mark.parametrize("scene", SCENE_NAMES)
def test_what_qt_paints_at_the_paced_rate_keeps_every_bound(qtbot, clock, scene, palette):
    """Every scene and palette, at 1x and full brightness, as Qt paints it at the frame
    rate the view picks: every bound of DESIGN.md holds, and no feature steps more than
    MAX_STEP_PX screen pixels from one frame to the next (measured by the analyser)."""
    migraine = palette == "green"
    widget = VisualView(scene, palette, brightness=1.0, migraine=migraine, clock=clock)
    qtbot.addWidget(widget)
    widget.resize(*PAINT_SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.width() >= TWO_STAGE_FROM * 320
    fps = widget.frames_per_second
    interval_s = widget.frame_interval_ms / 1000
    for _ in range(150):  # past the fade-in (about 20 s), without painting
        clock.now += 2 * interval_s
        widget.next_frame()
    frames = []
    for _ in range(24):
        clock.now += interval_s
        widget.next_frame()
        frames.append(pixels(widget))
    report = analyse(frames, 1 / interval_s)
    cap = safety.MAX_PIXEL_LUMINANCE_MIGRAINE if migraine else safety.MAX_PIXEL_LUMINANCE
    assert report.violations(cap) == []
    assert report.max_pixel_luminance > 0.3 * cap  # it is not black: the scene is there
    assert fps < safety.MAX_FPS / 2, "it draws far fewer frames than the cap"
    step = step_px(report.max_motion_widths_per_s, 1 / interval_s, PAINT_SIZE[0])
    assert step <= MAX_STEP_PX, f"{scene} steps {step:.2f} px a frame"
