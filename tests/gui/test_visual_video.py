"""Visual-only mode with the person's own videos: chosen, queued, slowed, guarded, recorded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from asmr_desktop.core import safety
from asmr_desktop.diary.model import Mode
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.visual import VIDEO_FILTER, VisualView
from asmr_desktop.visual.colour import relative_luminance
from asmr_desktop.visual.guard import NOTE_FLASH
from asmr_desktop.visual.video import VIDEO_FPS
from tests.gui.grab import grab_pixels
from tests.helpers import video as hv


@pytest.fixture
def view(qtbot: QtBot) -> VisualView:
    widget = VisualView("orbs", "warm", show_hint=False)
    qtbot.addWidget(widget)
    widget.resize(640, 360)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def calm(tmp_path: Path) -> Path:
    return hv.write_video(tmp_path / "calm.mp4", hv.clip(2, hv.blob))


def test_o_chooses_videos_that_play_in_order(
    qtbot: QtBot, view: VisualView, tmp_path: Path
) -> None:
    first = hv.write_video(tmp_path / "one.mp4", hv.clip(1, hv.blob))
    second = hv.write_video(tmp_path / "two.mkv", hv.clip(1, hv.blob))
    asked: list[QWidget] = []

    def choose(parent: QWidget) -> list[str]:
        asked.append(parent)
        return [str(first), str(second)]

    view.choose_videos = choose
    titles: list[str] = []
    view.video_changed.connect(titles.append)
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert asked == [view]
    assert view.playing_video
    assert view.frames_per_second == VIDEO_FPS
    qtbot.waitUntil(lambda: titles[:2] == ["one.mp4", "two.mkv"], timeout=15000)
    watched, last = view.watched()
    assert [title for title, _ in watched] == ["one.mp4", "two.mkv"]
    assert watched[0][1] > 0.5  # about a second on screen (0.25 s per frame at most)
    assert last in {"one.mp4", "two.mkv"}
    assert ".webm" in VIDEO_FILTER and ".mov" in VIDEO_FILTER and ".avi" in VIDEO_FILTER


def test_a_cancelled_dialog_changes_nothing(qtbot: QtBot, view: VisualView) -> None:
    view.choose_videos = lambda parent: []
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert not view.playing_video


def test_video_speeds_are_one_half_and_a_quarter(
    qtbot: QtBot, view: VisualView, calm: Path
) -> None:
    view.add_videos([calm])
    assert view.speed == 1.0
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.speed == 0.5
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.speed == 0.25
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.speed == 0.25
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.speed == 0.5
    qtbot.waitUntil(lambda: view.video_title == "calm.mp4", timeout=10000)
    assert view._player is not None
    qtbot.waitUntil(lambda: view._player is not None and view._player.pipeline.speed == 0.5)


def test_painted_video_frames_stay_under_the_cap(
    qtbot: QtBot, view: VisualView, tmp_path: Path
) -> None:
    bright = hv.write_video(tmp_path / "white.mp4", [hv.solid((255, 255, 255))] * 60)
    view.set_brightness(1.0)
    view.add_videos([bright])
    qtbot.waitUntil(lambda: view.video_title == "white.mp4", timeout=10000)
    qtbot.wait(1500)
    painted = grab_pixels(view)
    assert float(relative_luminance(painted).max()) <= safety.MAX_PIXEL_LUMINANCE


def test_a_flashing_video_is_softened_and_the_note_says_so(
    qtbot: QtBot, view: VisualView, tmp_path: Path
) -> None:
    flashes = hv.write_video(tmp_path / "flash.mp4", hv.clip(4, hv.flashing(3)))
    view.add_videos([flashes])
    qtbot.waitUntil(lambda: view.guard_note == NOTE_FLASH, timeout=15000)


def test_a_truncated_video_says_so_in_one_line_and_the_scene_returns(
    qtbot: QtBot, view: VisualView, calm: Path
) -> None:
    data = calm.read_bytes()
    calm.write_bytes(data[: len(data) // 2])
    changes: list[str] = []
    view.video_changed.connect(changes.append)
    view.add_videos([calm])
    qtbot.waitUntil(lambda: not view.playing_video, timeout=10000)
    assert changes == [""]
    assert view.note.startswith("calm.mp4 cannot be played")
    assert "\n" not in view.note
    # the scene comes back through the guard, then on its own pacing again
    qtbot.waitUntil(lambda: view._handover is None, timeout=10000)
    assert view.frames_per_second != VIDEO_FPS or view.speed != 1.0


def test_an_arrow_key_goes_back_to_the_scene(qtbot: QtBot, view: VisualView, calm: Path) -> None:
    view.add_videos([calm])
    qtbot.waitUntil(lambda: view.video_title == "calm.mp4", timeout=10000)
    scene = view.scene
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert not view.playing_video
    assert view.scene == scene


def test_the_session_records_the_videos_watched(
    qtbot: QtBot, window: MainWindow, calm: Path
) -> None:
    view = window.enter_visual_only()
    assert view is not None
    qtbot.waitUntil(lambda: view.frames_drawn > 0, timeout=5000)
    view.add_videos([calm])
    qtbot.waitUntil(lambda: view.video_title == "calm.mp4", timeout=10000)
    qtbot.wait(1000)
    window.leave_visual_only()
    session = window.diary.sessions()[-1]
    assert session.mode is Mode.VISUAL
    assert session.heard is not None
    assert [title for title, _ in session.heard] == ["calm.mp4"]
    assert 0.5 < session.heard[0][1] < (session.duration_s or 0) + 0.5
    assert session.last_item == "calm.mp4"


def test_a_session_of_scenes_only_names_no_video(qtbot: QtBot, window: MainWindow) -> None:
    view = window.enter_visual_only()
    assert view is not None
    qtbot.waitUntil(lambda: view.frames_drawn > 0, timeout=5000)
    window.leave_visual_only()
    session = window.diary.sessions()[-1]
    assert session.mode is Mode.VISUAL
    assert session.heard is None and session.last_item is None
    assert np.isfinite(session.duration_s or 0.0)


def test_a_long_line_is_made_to_fit_never_clipped(qtbot: QtBot, view: VisualView) -> None:
    from PySide6.QtGui import QFont, QFontMetricsF

    from asmr_desktop.ui.visual import HINT_TEXT, _fitted

    font = QFont(view.font())
    font.setPointSizeF(11.0)
    for text in (HINT_TEXT, "a-very-long-file-name.mp4 cannot be played as a video: " * 2):
        fitted = _fitted(font, text, 560)
        assert QFontMetricsF(fitted).horizontalAdvance(text) <= 560
    assert _fitted(font, "Speed 0.5x", 560) is font  # short lines keep their size


def test_a_slow_video_is_painted_at_fewer_frames(
    qtbot: QtBot, view: VisualView, tmp_path: Path
) -> None:
    slow = hv.write_video(tmp_path / "slow.mp4", hv.clip(6, hv.drifting_light))
    view.set_speed(0.25)
    view.add_videos([slow])
    qtbot.waitUntil(lambda: view.video_title == "slow.mp4", timeout=10000)
    qtbot.waitUntil(lambda: view.frames_per_second < VIDEO_FPS, timeout=8000)
    drawn = view.frames_drawn
    qtbot.wait(2000)
    assert view.playing_video
    assert view.frames_drawn - drawn <= 2 * 0.8 * VIDEO_FPS  # each frame held longer
    assert view.frames_drawn - drawn >= 2 * 4 * 0.5  # MIN_FPS, with room for a slow machine
