"""The player panel driven as a person would: add, play, stop, rate; sleep timer; faults."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from asmr_desktop.app import OUTPUT_RATE_HZ, build_window
from asmr_desktop.audio.engine import PlayState
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.output import NullOutput
from asmr_desktop.audio.sleep import SleepTimer
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.model import EndReason, Mode, RatingState
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.rating import RatingDialog
from tests.helpers.prompts import wait_armed


def tone(path: Path, seconds: float, rate: int = 44100) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    x = 0.3 * np.sin(2 * np.pi * 440 * t)
    sf.write(path, np.stack([x, x], axis=1), rate)
    return path


def test_add_files_shows_title_length_and_marks_bad_ones(
    window: MainWindow, tmp_path: Path
) -> None:
    good = tone(tmp_path / "Slow rain.wav", 3.0)
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"this is not audio")
    missing = tmp_path / "gone.flac"
    panel = window.player_panel
    panel.add_paths([good, broken])
    panel.add_items([PlaylistItem.from_path(missing)])
    rows = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert len(rows) == 3
    assert "Slow rain" in rows[0] and "0:03" in rows[0]
    assert "broken" in rows[1] and "cannot play: not a playable audio file" in rows[1]
    assert "gone" in rows[2] and "cannot play: file not found" in rows[2]


def test_play_records_a_session_and_stop_asks_for_a_rating(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    panel = window.player_panel
    panel.add_paths([tone(tmp_path / "a.wav", 30.0)])
    with qtbot.waitSignal(window.sessions.session_started, timeout=5000):
        qtbot.keyClick(panel.play_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.PLAYING)
    (session,) = window.diary.sessions()
    assert session.mode is Mode.AUDIO
    assert session.items == ["a"]
    assert session.state is RatingState.OPEN
    panel.stop()
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, RatingDialog), timeout=5000)
    dialog = window.sessions.dialog
    assert isinstance(dialog, RatingDialog)
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_2)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    (session,) = window.diary.sessions()
    assert session.end_reason is EndReason.STOPPED
    assert session.pain_after == 2


def test_playlist_end_finishes_the_session(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    panel = window.player_panel
    panel.add_paths([tone(tmp_path / "short.wav", 1.0)])
    panel.toggle()
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, RatingDialog), timeout=10000)
    (session,) = window.diary.sessions()
    assert session.end_reason is EndReason.FINISHED


def test_sleep_timer_end_defers_the_rating(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    panel = window.player_panel
    panel.add_paths([tone(tmp_path / "long.wav", 60.0)])
    panel.toggle()
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.PLAYING)
    panel.set_sleep_timer(SleepTimer.after(1.0))
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.STOPPED, timeout=10000)
    qtbot.waitUntil(lambda: window.sessions.current is None, timeout=5000)
    (session,) = window.diary.sessions()
    assert session.end_reason is EndReason.SLEEP_TIMER
    assert session.state is RatingState.DEFERRED
    assert window.sessions.dialog is None, "no rating prompt at 3 a.m."


def test_levels_persist_and_ceiling_cannot_exceed_bound(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    panel = window.player_panel
    panel.volume_slider.setValue(300)
    panel.ceiling_box.setValue(0.0)  # asks for louder than allowed: refused, with why
    assert panel.ceiling_box.value() == -12.0
    assert "-3 dBTP" in panel.notice.text()
    assert panel.engine.effective_ceiling_db == -12.0
    panel.ceiling_box.setValue(-3.0)  # the bound itself is allowed
    assert panel.engine.effective_ceiling_db <= -3.0
    panel.migraine_button.setChecked(True)
    assert panel.engine.effective_ceiling_db <= -15.0
    panel.flush_settings()
    saved = SettingsStore(context.store).settings
    assert saved.volume == pytest.approx(0.3)
    assert saved.ceiling_db == -3.0
    assert saved.migraine_mode is True


def test_playlists_save_load_and_m3u(window: MainWindow, tmp_path: Path) -> None:
    panel = window.player_panel
    a = tone(tmp_path / "a.wav", 1.0)
    b = tone(tmp_path / "b.wav", 1.0)
    panel.add_paths([a, b])
    panel.save_playlist("Evening")
    assert panel.playlist_box.currentText() == "Evening"
    m3u = tmp_path / "out.m3u8"
    panel.export_m3u(m3u)
    panel.load_playlist("")
    panel.remove_selected()
    panel.import_m3u(m3u)
    assert [i.title for i in panel.items()][-2:] == ["a", "b"]
    panel.load_playlist("Evening")
    assert [i.path for i in panel.items()] == [a, b]


def test_no_audio_device_is_a_clear_message(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    from asmr_desktop.audio.output import PygameOutput

    class Broken(PygameOutput):
        def open(self) -> None:
            from asmr_desktop.core.errors import AudioDeviceError

            raise AudioDeviceError("No sound output could be opened (no device).")

    context.settings.update(ask_before_session=False)
    win = build_window(context, output=Broken(OUTPUT_RATE_HZ, 2))
    qtbot.addWidget(win)
    win.player_panel.add_paths([tone(tmp_path / "a.wav", 1.0)])
    with qtbot.waitSignal(win.player_panel.playback_failed):
        win.player_panel.toggle()
    assert "No sound output" in win.player_panel.notice.text()
    assert "Visual-only" in win.player_panel.notice.text()
    assert win.diary.sessions() == []


def test_added_files_are_analysed_and_badged(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    rate = 44100
    rng = np.random.default_rng(5)
    brown = np.cumsum(rng.standard_normal((rate * 8, 2)), axis=0)
    brown -= brown.mean(axis=0)
    quiet = 0.02 * brown / np.abs(brown).max()  # brown noise: dark, steady
    knocks = quiet.copy()
    for at in (2.0, 5.0):
        start = int(at * rate)
        knocks[start : start + rate // 20] = 0.9
    sf.write(tmp_path / "calm.wav", quiet, rate)
    sf.write(tmp_path / "knocks.wav", knocks, rate)
    panel = window.player_panel
    panel.add_paths([tmp_path / "calm.wav", tmp_path / "knocks.wav"])
    qtbot.waitUntil(lambda: len(panel.analyses) == 2, timeout=30000)
    rows = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert rows[0].endswith("·  gentle")
    assert rows[1].endswith("·  sudden sounds")
    assert "2 sudden sounds" in panel.list.item(1).toolTip()
    assert panel.analyses[tmp_path / "calm.wav"].integrated_lufs is not None
    assert window.engine is panel.engine


def test_first_start_offers_ready_playlists(qtbot: QtBot, context: AppContext) -> None:
    win = build_window(context, output=NullOutput(OUTPUT_RATE_HZ, 2))
    qtbot.addWidget(win)
    panel = win.player_panel
    names = [panel.playlist_box.itemText(i) for i in range(panel.playlist_box.count())]
    assert "Before sleep" in names and "During a migraine" in names
    assert panel.playlist_box.currentText() == "Before sleep"
    assert [i.title for i in panel.items()] == ["Breathing pacer", "Soft rain", "Brown noise"]
    assert all(i.spec for i in panel.items())
    assert not panel.migraine_button.isChecked()
    panel.load_playlist("During a migraine")
    assert len(panel.items()) == 3
    assert panel.migraine_button.isChecked(), "the migraine playlist turns migraine mode on"
    assert panel.engine.effective_ceiling_db <= -24.0
    win.close()
    # Deleted ready playlists do not come back on the next start.
    SettingsStore(context.store)  # reloads what the window saved
    win2 = build_window(context, output=NullOutput(OUTPUT_RATE_HZ, 2))
    qtbot.addWidget(win2)
    win2.player_panel.load_playlist("Before sleep")
    win2.player_panel._delete_playlist()
    win2.close()
    win3 = build_window(context, output=NullOutput(OUTPUT_RATE_HZ, 2))
    qtbot.addWidget(win3)
    names = [
        win3.player_panel.playlist_box.itemText(i)
        for i in range(win3.player_panel.playlist_box.count())
    ]
    assert "Before sleep" not in names
    win3.close()


def test_add_a_soundscape_with_preview(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.player_panel
    dialog = panel.open_soundscapes()
    assert dialog is not None
    dialog.choice.setCurrentIndex(dialog.choice.findData("rain"))
    assert "rain" in dialog.description.text().lower()
    with qtbot.waitSignal(dialog.preview_finished, timeout=15000):
        dialog.preview()
        assert dialog.previewing
    dialog.duration.setCurrentIndex(2)  # 10 minutes
    dialog.add_button.click()
    (item,) = panel.items()
    assert item.title == "Soft rain"
    assert item.duration_s == 600.0
    assert item.spec is not None and item.spec.startswith("rain?")
    # Saved and loaded again: the same soundscape with the same settings.
    panel.save_playlist("Rain")
    panel.load_playlist("Rain")
    (again,) = panel.items()
    assert again.spec == item.spec and again.duration_s == 600.0


def test_migraine_mode_warns_then_skips_tracks_that_are_not_gentle(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    rate = 44100
    rng = np.random.default_rng(9)
    brown = np.cumsum(rng.standard_normal((rate * 6, 2)), axis=0)
    brown -= brown.mean(axis=0)
    calm = 0.02 * brown / np.abs(brown).max()
    knocks = calm.copy()
    knocks[int(2.5 * rate) : int(2.55 * rate)] = 0.9
    sf.write(tmp_path / "knocks.wav", knocks, rate)
    sf.write(tmp_path / "calm.wav", calm, rate)
    panel = window.player_panel
    panel.add_paths([tmp_path / "knocks.wav", tmp_path / "calm.wav"])
    qtbot.waitUntil(lambda: len(panel.analyses) == 2, timeout=30000)
    panel.migraine_button.setChecked(True)
    panel.play_row(0)
    box = panel.migraine_prompt
    assert box is not None, "a track that is not gentle is announced first"
    assert "sudden sound" in box.text()
    assert panel.engine.state is PlayState.STOPPED
    next(b for b in box.buttons() if b.text() == "Skip them").click()
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.PLAYING)
    assert panel.engine.current_index == 1, "the gentle track plays instead"
    assert window._context.settings.settings.migraine_skip_ungentle is True


def test_drop_files_and_reorder(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    folder = tmp_path / "sounds"
    folder.mkdir()
    for name in ("b", "a"):
        tone(folder / f"{name}.wav", 1.0)
    panel = window.player_panel
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert not panel.list.isVisible(), "an empty playlist shows a hint instead of the list"
    panel.dropEvent(event)
    assert [i.title for i in panel.items()] == ["a", "b"], "a dropped folder adds its files"
    panel.list.moved.emit(0, 1)
    assert [i.title for i in panel.items()] == ["b", "a"]
    saved = panel.listening.playlists.load_working()
    assert [i.title for i in saved] == ["b", "a"], "saved at once"


def test_the_startle_guard_is_shown(window: MainWindow) -> None:
    """Issue 15: the guard is on by default, stronger in migraine mode, and says so."""
    from asmr_desktop.core import safety

    panel = window.player_panel
    assert "Startle guard" in panel.ceiling_box.toolTip()
    assert f"{safety.STARTLE_RISE_DB:.0f} dB" in panel.ceiling_box.toolTip()
    assert f"{safety.STARTLE_RISE_MIGRAINE_DB:.0f} dB" in panel.migraine_button.toolTip()
    assert window.engine.startle_amount_db == safety.STARTLE_RISE_DB
    panel.migraine_button.setChecked(True)
    assert window.engine.startle_amount_db == safety.STARTLE_RISE_MIGRAINE_DB
