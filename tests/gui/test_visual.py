"""VisualView: keys, clicks, cursor, timer, and that what Qt paints stays inside the bounds."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.ui.visual import HINT_FADE_S, HINT_S, MIN_FPS, VisualView
from asmr_desktop.visual.audit import analyse
from asmr_desktop.visual.scenes import SCENE_NAMES


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
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return raw.reshape(h, image.bytesPerLine())[:, : 3 * w].reshape(h, w, 3).copy()


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


def test_timer_is_capped_and_runs_only_while_shown(qtbot, view):
    assert view.frame_interval_ms >= 1000 / safety.MAX_FPS
    assert view.running
    full_speed = view.frame_interval_ms
    view.set_speed(0.25)  # slow motion needs fewer frames
    assert view.frame_interval_ms > full_speed
    assert view.frame_interval_ms <= 1000 / MIN_FPS + 1
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
