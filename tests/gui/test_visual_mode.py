"""Switching to visual-only mode from the window: sound stops, a visual session is kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from asmr_desktop.audio.engine import PlayState
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.model import EndReason, Mode, RatingState
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.rating import RatingDialog
from tests.helpers.prompts import wait_armed


def test_v_switches_to_visual_only_and_silences_audio(
    qtbot: QtBot, window: MainWindow, context: AppContext, tmp_path: Path
) -> None:
    rate = 44100
    x = 0.2 * np.sin(2 * np.pi * 300 * np.arange(rate * 30) / rate)
    sf.write(tmp_path / "t.wav", np.stack([x, x], axis=1), rate)
    panel = window.player_panel
    panel.add_paths([tmp_path / "t.wav"])
    panel.toggle()
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.PLAYING)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_V)
    view = window.visual
    assert view is not None
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.STOPPED)
    qtbot.waitUntil(lambda: not panel.engine.is_active(), timeout=5000)  # nothing is rendered
    sessions = window.diary.sessions()
    assert [s.mode for s in sessions] == [Mode.AUDIO, Mode.VISUAL]
    assert sessions[0].state is RatingState.PENDING, "the audio session waits, unasked"
    assert window.sessions.dialog is None, "no prompt on top of the visuals"
    qtbot.waitUntil(lambda: view.frames_drawn > 0, timeout=5000)
    view.set_speed(0.5)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert window.visual is None
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, RatingDialog))
    visual = window.diary.sessions()[1]
    assert visual.end_reason is EndReason.STOPPED
    assert SettingsStore(context.store).settings.visual_speed == 0.5
    assert panel.engine.state is PlayState.STOPPED, "sound resumes only when asked"


def test_unknown_saved_scene_falls_back(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    context.settings.update(visual_scene="no-such-scene")
    view = window.enter_visual_only()
    assert view is not None
    assert view.scene != "no-such-scene"
    window.leave_visual_only()


def test_visual_only_asks_before_the_screen_goes_dark(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    from asmr_desktop.ui.rating import PainBeforeDialog

    context.settings.update(ask_before_session=True)
    view = window.enter_visual_only()
    assert view is not None
    dialog = window.sessions.dialog
    assert isinstance(dialog, PainBeforeDialog)
    assert not view.isVisible(), "the question comes first"
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_7)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(view.isVisible)
    (session,) = window.diary.sessions()
    assert session.mode is Mode.VISUAL
    assert session.pain_before == 7
    window.leave_visual_only()
