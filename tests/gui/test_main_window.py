"""The window shell: title, menus, About disclaimer, status bar, remembered geometry."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from asmr_desktop.app import build_window
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.preferences import PreferencesDialog


def make_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = build_window(context)
    qtbot.addWidget(window)
    return window


def test_title_menus_and_status(qtbot: QtBot, context: AppContext) -> None:
    window = make_window(qtbot, context)
    with qtbot.waitSignal(window.first_painted, timeout=5000):
        window.show()
    assert window.windowTitle() == "ASMR Desktop"
    titles = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    assert titles == ["&File", "&Session", "&View", "&Help"]
    assert str(context.paths.data_dir) in window.statusBar().currentMessage()


def test_about_carries_the_disclaimer(qtbot: QtBot, context: AppContext) -> None:
    window = make_window(qtbot, context)
    window.show()
    dialog = window.show_about()
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.disclaimer.text()
    assert "does not diagnose or treat" in text
    assert "doctor" in text
    assert "sudden" in text
    for claim in ("cures", "treats your", "heals"):
        assert claim not in text.lower()
    licences = dialog.licences.text()
    assert "MIT" in licences and "LGPLv3" in licences and "LICENSE" in licences
    dialog.close()


def test_geometry_is_remembered(qtbot: QtBot, context: AppContext) -> None:
    window = make_window(qtbot, context)
    window.show()
    window.setGeometry(QRect(40, 50, 700, 500))
    window.close()
    assert SettingsStore(context.store).settings.window_geometry != ""
    again = make_window(qtbot, context)
    assert again.size().width() == 700
    assert again.size().height() == 500


def test_recovery_notice_is_shown(qtbot: QtBot, context: AppContext) -> None:
    window = make_window(qtbot, context)
    window.show()
    box = window.show_notice("Your data file could not be read. It was kept as /x/y.")
    qtbot.waitUntil(box.isVisible)
    assert "/x/y" in window.statusBar().currentMessage()
    box.close()


def test_preferences_change_and_apply(qtbot: QtBot, context: AppContext) -> None:
    window = make_window(qtbot, context)
    window.show()
    dialog = window.show_preferences()
    dialog.ask_before.setChecked(False)
    dialog.loudness.setValue(-35.0)
    dialog.accept()
    saved = SettingsStore(context.store).settings
    assert saved.ask_before_session is False
    assert saved.loudness_target_lufs == -35.0
    assert window.engine.settings.loudness_target_lufs == -35.0
    dialog = window.show_preferences()
    dialog.loudness.setValue(-10.0)  # the box itself keeps within the allowed range
    assert dialog.loudness.value() == -20.0
    dialog.reject()


def test_trends_page_is_built_when_first_shown(qtbot: QtBot, context: AppContext) -> None:
    window = make_window(qtbot, context)
    window.show()
    assert window._trends is None, "QtCharts is not loaded at start-up"
    window.pages.setCurrentWidget(window.trends_page)
    qtbot.waitUntil(lambda: window._trends is not None)
    assert window.trends.isVisible()


def test_keep_playing_in_the_tray_is_offered_only_with_a_tray(
    qtbot: QtBot, context: AppContext
) -> None:
    for available in (True, False):
        dialog = PreferencesDialog(context.settings, tray_available=available)
        qtbot.addWidget(dialog)
        assert dialog.keep_in_tray.isVisibleTo(dialog) is available
        dialog.accept()  # a hidden option keeps what was saved
        assert SettingsStore(context.store).settings.keep_playing_in_tray is True
    window = make_window(qtbot, context)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready, timeout=10000)
    window.tray.available = False  # the offscreen platform has none either
    dialog = window.show_preferences()
    assert not dialog.keep_in_tray.isVisibleTo(dialog)
    dialog.reject()


def test_preferences_skip_tracks_that_are_not_gentle(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    import numpy as np
    import soundfile as sf

    from asmr_desktop.analysis.meter import Measurement
    from asmr_desktop.analysis.track import TrackAnalysis
    from asmr_desktop.analysis.verdict import Verdict
    from asmr_desktop.audio.engine import PlayState

    def tone(name: str) -> Path:
        x = 0.1 * np.sin(2 * np.pi * 220 * np.arange(44100 * 20) / 44100)
        sf.write(tmp_path / name, np.stack([x, x], axis=1), 44100)
        return tmp_path / name

    qtbot.waitUntil(lambda: window.is_ready, timeout=10000)
    bell, calm = tone("bell.wav"), tone("calm.wav")
    panel = window.player_panel
    panel.add_paths([bell, calm])
    listening = window.services.listening
    measured = Measurement(20.0, 44100, 2, -30.0, 3.0, -14.0, 0.05, ())
    for path, verdict in ((bell, Verdict.SUDDEN), (calm, Verdict.GENTLE)):
        concerns = () if verdict is Verdict.GENTLE else (verdict,)
        listening.record_analysis(path, TrackAnalysis(str(path), measured, verdict, concerns, "t"))
    listening.set_migraine(True)

    dialog = window.show_preferences()
    assert not dialog.skip_ungentle.isChecked(), "off until the person chooses it"
    assert "migraine mode" in dialog.skip_ungentle.text()
    dialog.skip_ungentle.click()
    dialog.accept()
    assert SettingsStore(window.shell.context.store).settings.migraine_skip_ungentle is True
    assert listening.skips(PlaylistItem.from_path(bell)), "the render thread's rule follows"

    panel.play_row(0)  # the bell has sudden sounds: passed over without a question
    assert panel.migraine_prompt is None
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING, timeout=5000)
    assert window.engine.current_index == 1
    panel.stop()

    dialog = window.show_preferences()
    assert dialog.skip_ungentle.isChecked()
    dialog.skip_ungentle.click()
    dialog.accept()
    assert SettingsStore(window.shell.context.store).settings.migraine_skip_ungentle is False
    qtbot.waitUntil(lambda: window.engine.state is not PlayState.PLAYING, timeout=5000)
    panel.play_row(0)  # off again: migraine mode asks first
    assert panel.migraine_prompt is not None
    panel.migraine_prompt.reject()
