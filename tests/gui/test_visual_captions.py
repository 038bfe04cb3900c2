"""Visual-only mode names each change briefly, its key hint reads at 4.5:1 and comes back
with F1, and the brightness range is one a person sees: all measured on what Qt paints, by
the project's own analyser (visual/audit.py)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from asmr_desktop.core import safety
from asmr_desktop.ui.visual import HINT_FADE_S, HINT_S, NOTE_FADE_S, NOTE_S, VisualView
from asmr_desktop.visual.audit import analyse
from asmr_desktop.visual.colour import relative_luminance
from asmr_desktop.visual.palette import PALETTE_NAMES
from asmr_desktop.visual.scenes import SCENE_NAMES
from tests.gui.grab import grab_pixels

#: WCAG 2.x AA for normal text.
MIN_CONTRAST = 4.5
SIZE = (1280, 720)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make_view(qtbot: QtBot, clock: Clock, scene: str = "clouds", **options: object) -> VisualView:
    view = VisualView(scene, clock=clock, **options)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(*SIZE)
    view.show()
    qtbot.waitExposed(view)
    return view


def settle_scene(view: VisualView, clock: Clock, seconds: float = 40.0) -> None:
    """Past the fade-in and any brightness ramp, drawing without painting."""
    step = view.frame_interval_ms / 1000
    for _ in range(int(seconds / step)):
        clock.now += step
        view.next_frame()


def lightness(luminance: float) -> float:
    """CIE L* of a relative luminance: how light it looks."""
    return 116 * luminance ** (1 / 3) - 16 if luminance > 0.008856 else 903.3 * luminance


def contrast(a: float, b: float) -> float:
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def caption_contrast(view: VisualView, clock: Clock) -> tuple[float, int]:
    """The caption's contrast on screen: its text's luminance against its plate's, from
    two grabs of one frame, with and without the caption (the frame does not change)."""
    with_caption = relative_luminance(grab_pixels(view))
    clock.now += 60.0  # every caption has faded; no next_frame, so the scene stays
    without = relative_luminance(grab_pixels(view))
    clock.now -= 60.0
    mask = np.abs(with_caption - without) > 0.002
    assert mask.sum() > 1000, "the caption is on the screen"
    rows, cols = np.nonzero(mask)
    # What the text stands on: the same box of the screen without it (its brightest part).
    backdrop = without[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    inside = with_caption[mask]
    text = float(inside.max())
    solid = int((inside >= 0.9 * text).sum())  # the strokes' cores, not only a few specks
    return contrast(text, float(backdrop.max())), solid


def test_each_change_is_named_briefly_fading_in_and_out(qtbot: QtBot) -> None:
    clock = Clock()
    view = make_view(qtbot, clock, "orbs")
    assert view.note == ""
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.note == f"Scene: {SCENE_NAMES[1]}"
    assert view.note_opacity == 0.0, "it fades in: nothing jumps on the screen"
    clock.now += NOTE_FADE_S / 2
    assert view.note_opacity == pytest.approx(0.5)
    clock.now += NOTE_FADE_S / 2 + NOTE_S / 2
    assert view.note_opacity == 1.0
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.note == "Speed 0.7\u00d7" and view.note_opacity == 1.0  # replaced, no flicker
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.note == "Brightness 60 %"
    clock.now += NOTE_FADE_S + NOTE_S + NOTE_FADE_S
    assert view.note == "" and view.note_opacity == 0.0
    qtbot.keyClick(view, Qt.Key.Key_Up)  # a key that changes nothing says nothing
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    clock.now += 10
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.note == ""


def test_f1_brings_the_key_hint_back(qtbot: QtBot) -> None:
    clock = Clock()
    view = make_view(qtbot, clock)
    assert view.hint_opacity == 1.0
    clock.now += HINT_S + HINT_FADE_S + 0.1
    assert view.hint_opacity == 0.0
    qtbot.keyClick(view, Qt.Key.Key_F1)
    assert view.hint_opacity == 0.0
    clock.now += HINT_FADE_S
    assert view.hint_opacity == 1.0
    clock.now += HINT_S + HINT_FADE_S
    assert view.hint_opacity == 0.0


@pytest.mark.parametrize("palette", PALETTE_NAMES)
@pytest.mark.parametrize("scene", SCENE_NAMES)
def test_the_key_hint_reads_at_four_and_a_half_to_one(
    qtbot: QtBot, scene: str, palette: str
) -> None:
    """At full brightness (the brightest backdrop), for every scene and palette."""
    clock = Clock()
    view = make_view(qtbot, clock, scene, palette=palette, brightness=1.0)
    settle_scene(view, clock)
    view.show_hint()
    clock.now += HINT_FADE_S + 0.1  # shown in full
    ratio, solid = caption_contrast(view, clock)
    assert ratio >= MIN_CONTRAST, f"{scene}/{palette}: {ratio:.2f}:1"
    assert solid >= 200


def test_in_migraine_mode_the_hint_is_as_clear_as_the_lower_cap_allows(qtbot: QtBot) -> None:
    clock = Clock()
    view = make_view(qtbot, clock, "clouds", palette="green", brightness=1.0, migraine=True)
    settle_scene(view, clock)
    view.show_hint()
    clock.now += HINT_FADE_S + 0.1
    ratio, _solid = caption_contrast(view, clock)
    best = contrast(safety.MAX_PIXEL_LUMINANCE_MIGRAINE, 0.0)  # the cap on pure black: 4:1
    assert ratio >= 0.9 * best, f"{ratio:.2f}:1 of at most {best:.2f}:1"


def test_captions_coming_and_going_keep_every_bound(qtbot: QtBot) -> None:
    """The brightest scene at full brightness; F1 and a speed change (its note) while
    recording what Qt paints at the view's own frame rate. (A brightness ramp alone reads
    as 0.043 screen widths/s of motion on clouds to the analyser, captions or not.)"""
    clock = Clock()
    view = make_view(qtbot, clock, "clouds", brightness=1.0)
    settle_scene(view, clock)
    interval_s = view.frame_interval_ms / 1000
    frames = []
    for index in range(int(8 / interval_s)):
        if index == 2:
            qtbot.keyClick(view, Qt.Key.Key_F1)
        if index == int(1.5 / interval_s):
            qtbot.keyClick(view, Qt.Key.Key_Down)
        clock.now += interval_s
        view.next_frame()
        frames.append(grab_pixels(view))
    report = analyse(frames, 1 / interval_s)
    assert report.violations() == []
    assert report.max_region_change_per_s > 0.0


def painted_mean_luminance(qtbot: QtBot, scene: str, brightness: float) -> tuple[float, list[str]]:
    clock = Clock()
    view = make_view(qtbot, clock, scene, brightness=brightness, show_hint=False)
    settle_scene(view, clock)
    interval_s = view.frame_interval_ms / 1000
    frames = []
    for _ in range(12):
        clock.now += interval_s
        view.next_frame()
        frames.append(grab_pixels(view))
    means = [float(relative_luminance(frame).mean()) for frame in frames]
    view.close()
    return float(np.mean(means)), analyse(frames, 1 / interval_s).violations()


@pytest.mark.parametrize("scene", SCENE_NAMES)
def test_the_brightness_range_is_one_a_person_sees_and_stays_in_bounds(
    qtbot: QtBot, scene: str
) -> None:
    dim, dim_violations = painted_mean_luminance(qtbot, scene, 0.1)
    bright, bright_violations = painted_mean_luminance(qtbot, scene, 1.0)
    assert dim_violations == [] and bright_violations == []
    assert bright >= 3 * dim, f"{scene}: {dim:.4f} .. {bright:.4f}"
    assert lightness(bright) - lightness(dim) >= 8, f"{scene}: L* {lightness(dim):.1f}.."
