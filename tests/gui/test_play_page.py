"""The Play page of issue 17: now playing, one large Play, icons, cards, the sleep row, the
ceiling in force, no layout jumps, the one shortcut table, tab order, and 4 keys to sleep."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from asmr_desktop.app import OUTPUT_RATE_HZ, build_window
from asmr_desktop.audio.engine import PlayState
from asmr_desktop.audio.output import NullOutput
from asmr_desktop.core import safety
from asmr_desktop.core.context import AppContext
from asmr_desktop.soundscapes import SOUNDSCAPES
from asmr_desktop.ui import symbols
from asmr_desktop.ui.cards import CARD_ICONS
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.nowplaying import NOT_MEASURED
from asmr_desktop.ui.player import PlayerPanel, verdict_mark
from asmr_desktop.ui.shortcuts import SHORTCUTS, ShortcutsDialog
from asmr_desktop.ui.theme import ACCENT
from tests.gui.grab import grab_pixels
from tests.gui.test_player import tone

UI = Path(symbols.__file__).parent


def at(widget: QWidget, panel: QWidget) -> QRect:
    """Where ``widget`` sits on the panel."""
    return QRect(widget.mapTo(panel, QPoint(0, 0)), widget.size())


def settle(qtbot: QtBot) -> None:
    QApplication.processEvents()
    qtbot.wait(10)


# -- icons ------------------------------------------------------------------------------
def referenced_icons() -> set[str]:
    names = set(CARD_ICONS.values())
    for source in UI.glob("*.py"):
        names |= set(
            re.findall(
                r"""\b(?:icon|pixmap|_quiet)\(\s*(?:"[^"]*",\s*)?"([a-z-]+)\"""", source.read_text()
            )
        )
    return names


def test_every_icon_referenced_exists_and_draws_something(qtbot: QtBot) -> None:
    names = referenced_icons()
    assert {"play", "pause", "stop", "next", "previous", "sleep", "layer"} <= names
    for name in names:
        image = symbols.pixmap(name, "#ffffff", 48).toImage()
        alpha = np.array([image.pixelColor(x, y).alpha() for x in range(48) for y in range(48)])
        drawn = int((alpha > 128).sum())
        assert 30 < drawn < 48 * 48 * 0.7, f"{name}: {drawn} pixels drawn"
    with pytest.raises(FileNotFoundError):
        symbols.icon_path("no-such-icon")


def test_every_soundscape_has_its_own_card_icon() -> None:
    assert set(CARD_ICONS) == set(SOUNDSCAPES)
    assert len(set(CARD_ICONS.values())) == len(CARD_ICONS)


def test_every_button_on_the_page_has_an_icon(window: MainWindow) -> None:
    panel = window.player_panel
    buttons = [b for b in panel.findChildren(QPushButton) if b.isVisibleTo(panel)]
    assert len(buttons) > 20
    missing = [b.text() for b in buttons if b.icon().isNull() and b.text() not in SLEEP_WORDS]
    assert not missing


SLEEP_WORDS = {"15 min", "30 min", "45 min", "60 min", "90 min", "Custom"}


# -- one large primary Play -------------------------------------------------------------
def test_play_is_the_largest_control_and_in_the_accent_colour(
    window: MainWindow, tmp_path: Path
) -> None:
    panel = window.player_panel
    panel.add_paths([tone(tmp_path / "a.wav", 2.0)])
    window.resize(1280, 720)
    settle_window(window)
    play = panel.play_button
    others = [b for b in panel.findChildren(QPushButton) if b is not play and b.isVisibleTo(panel)]
    area = play.width() * play.height()
    assert all(area > 1.2 * b.width() * b.height() for b in others)
    assert play.height() > max(b.height() for b in others)
    pixels = grab_pixels(play)
    middle_left = pixels[play.height() // 2, 14].astype(int)
    accent = np.array([int(ACCENT[i : i + 2], 16) for i in (1, 3, 5)])
    assert np.abs(middle_left[:3] - accent).max() < 12


def settle_window(window: MainWindow) -> None:
    for _ in range(3):
        QApplication.processEvents()


# -- now playing ------------------------------------------------------------------------
def test_now_playing_shows_title_badge_and_both_times(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    panel = window.player_panel
    track = tone(tmp_path / "Evening hum.wav", 20.0)
    panel.add_paths([track])
    area = panel.now_playing
    assert area.title.text() == "Nothing playing"
    row = len(panel.items()) - 1
    panel.play_row(row)
    qtbot.waitUntil(lambda: area.title.text() == "Evening hum", timeout=5000)
    if track not in panel.analyses:
        assert area.badge.text() == NOT_MEASURED, "unknown stays unknown"
    qtbot.waitUntil(lambda: track in panel.analyses, timeout=30000)
    qtbot.waitUntil(
        lambda: area.badge.text() == verdict_mark(panel.analyses[track].verdict), timeout=5000
    )
    qtbot.waitUntil(lambda: "left in this track" in area.track_left.text(), timeout=5000)
    assert area.sleep_left.text() == "Sleep timer off"
    qtbot.mouseClick(panel.sleep_bar.buttons["15 min"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "left" in area.sleep_left.text(), timeout=5000)
    assert area.sleep_left.text().startswith("Sleep timer: 1")  # 15:00 or 14:59 left


def test_a_soundscape_not_measured_shows_so(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.player_panel
    qtbot.mouseClick(panel.cards.cards["rain"].play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.now_playing.title.text() == "Soft rain", timeout=5000)
    assert panel.now_playing.badge.text() == NOT_MEASURED
    assert "until" in panel.now_playing.track_left.text()


# -- cards ------------------------------------------------------------------------------
def test_a_card_plays_its_soundscape_in_one_click(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.player_panel
    assert set(panel.cards.cards) == set(SOUNDSCAPES)
    before = len(panel.items())
    qtbot.mouseClick(panel.cards.cards["ocean"].play_button, Qt.MouseButton.LeftButton)
    assert len(panel.items()) == before + 1
    assert panel.items()[-1].title == SOUNDSCAPES["ocean"].title
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.PLAYING, timeout=5000)
    assert panel.engine.current_index == before


def test_a_card_adds_its_soundscape_as_a_layer(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.player_panel
    with qtbot.waitSignal(panel.cards.layer_requested) as signal:
        qtbot.mouseClick(panel.cards.cards["brown"].layer_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["brown"]
    layers = window.services.listening.layers.layers()
    assert [layer.item.title for layer in layers] == [SOUNDSCAPES["brown"].title]
    assert window._layers_panel is not None and window._layers_panel.isVisible()


def test_cards_wrap_onto_rows_in_a_narrow_window(window: MainWindow) -> None:
    panel = window.player_panel
    window.resize(700, 600)
    settle_window(window)
    tops = {card.mapTo(panel, QPoint(0, 0)).y() for card in panel.cards.cards.values()}
    assert len(tops) > 2
    for card in panel.cards.cards.values():
        assert at(card, panel).right() <= panel.width()


# -- sleep timer row --------------------------------------------------------------------
def test_a_preset_is_one_click_and_sets_the_engine(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.player_panel
    qtbot.mouseClick(panel.sleep_bar.buttons["45 min"], Qt.MouseButton.LeftButton)
    assert panel.engine.sleep_remaining_s() == pytest.approx(45 * 60, abs=2)
    assert panel.sleep_bar.buttons["45 min"].isChecked()
    qtbot.mouseClick(panel.sleep_bar.buttons["Off"], Qt.MouseButton.LeftButton)
    assert panel.engine.sleep_remaining_s() is None


def test_a_custom_time_is_shown_as_chosen(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asmr_desktop.ui import sleepbar

    panel = window.player_panel
    monkeypatch.setattr(sleepbar.QInputDialog, "getInt", lambda *a, **k: (25, True))
    qtbot.mouseClick(panel.sleep_bar.custom_button, Qt.MouseButton.LeftButton)
    assert panel.sleep_bar.custom_button.text() == "Custom: 25 min"
    assert panel.sleep_bar.custom_button.isChecked()
    assert panel.engine.sleep_remaining_s() == pytest.approx(25 * 60, abs=2)
    assert "Custom…" not in [b.text() for b in panel.findChildren(QPushButton)]


def test_t_cycles_the_presets_and_back_to_off(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.player_panel
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel.play_button.setFocus()
    seen = []
    for _ in range(6):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_T)
        remaining = panel.engine.sleep_remaining_s()
        seen.append(None if remaining is None else round(remaining / 60))
    assert seen == [15, 30, 45, 60, 90, None]
    assert panel.sleep_bar.buttons["Off"].isChecked()


# -- the ceiling ------------------------------------------------------------------------
def test_migraine_mode_shows_the_ceiling_really_in_force(window: MainWindow) -> None:
    panel = window.player_panel
    assert panel.ceiling_label.text() == "Ceiling in force: -12 dBTP"
    panel.migraine_button.click()
    in_force = panel.engine.effective_ceiling_db
    assert in_force == -12.0 - safety.MIGRAINE_CEILING_DROP_DB
    assert panel.ceiling_label.text() == f"Ceiling in force: {in_force:.0f} dBTP (migraine mode)"
    panel.ceiling_box.setValue(-20.0)
    assert panel.ceiling_label.text() == "Ceiling in force: -32 dBTP (migraine mode)"
    assert panel.engine.effective_ceiling_db == -32.0


def test_a_typed_ceiling_above_the_bound_is_refused_with_a_message(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.player_panel
    box = panel.ceiling_box
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, "0")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert "refused" in panel.notice.text() and "-3 dBTP" in panel.notice.text()
    assert panel.engine.effective_ceiling_db == -12.0, "nothing louder reached the engine"
    assert box.value() == -12.0
    box.selectAll()
    QTest.keyClicks(box, "-6")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert panel.engine.effective_ceiling_db == -6.0


# -- no layout jumps --------------------------------------------------------------------
def fixed_places(panel: PlayerPanel) -> list[QRect]:
    return [at(w, panel) for w in (panel.play_button, panel.now_playing, panel.sleep_bar)]


def test_migraine_mode_and_an_empty_playlist_move_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    panel = window.player_panel
    window.resize(1280, 720)
    panel.add_paths([tone(tmp_path / "a.wav", 2.0), tone(tmp_path / "b.wav", 2.0)])
    settle_window(window)
    assert panel.items()
    full = fixed_places(panel)
    panel.migraine_button.click()
    settle_window(window)
    assert fixed_places(panel) == full
    panel.list.selectAll()
    panel.remove_selected()
    settle_window(window)
    assert not panel.items() and panel.empty.isVisible()
    assert fixed_places(panel) == full
    panel.migraine_button.click()
    settle_window(window)
    assert fixed_places(panel) == full


# -- keyboard ---------------------------------------------------------------------------
def press(key: Qt.Key) -> None:
    QTest.keyClick(QApplication.focusWidget(), key)


@pytest.fixture
def keyed(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Iterator[PlayerPanel]:
    """The window active, two tracks in the playlist, the focus on Play."""
    panel = window.player_panel
    panel.add_paths([tone(tmp_path / "one.wav", 30.0), tone(tmp_path / "two.wav", 30.0)])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel.play_button.setFocus()
    assert QApplication.focusWidget() is panel.play_button
    yield panel


def test_keys_for_volume_migraine_and_tracks(keyed: PlayerPanel, qtbot: QtBot) -> None:
    panel = keyed
    start = panel.volume_slider.value()
    press(Qt.Key.Key_Down)
    assert panel.volume_slider.value() < start
    press(Qt.Key.Key_Up)
    press(Qt.Key.Key_Plus)
    assert panel.volume_slider.value() > start
    press(Qt.Key.Key_Minus)
    assert panel.volume_slider.value() == start
    press(Qt.Key.Key_M)
    assert panel.migraine_button.isChecked()
    press(Qt.Key.Key_M)
    assert not panel.migraine_button.isChecked()
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.PLAYING, timeout=5000)
    press(Qt.Key.Key_N)
    qtbot.waitUntil(lambda: panel.engine.current_index == 1, timeout=5000)
    press(Qt.Key.Key_P)
    qtbot.waitUntil(lambda: panel.engine.current_index == 0, timeout=5000)


def test_left_and_right_seek_ten_seconds(keyed: PlayerPanel, qtbot: QtBot, tmp_path: Path) -> None:
    panel = keyed
    panel.play_row(0)
    qtbot.waitUntil(lambda: panel.engine.duration_s() is not None, timeout=5000)
    qtbot.waitUntil(lambda: panel.position_label.text() != "0:00", timeout=5000)
    press(Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: panel.engine.position_s() >= 10.0, timeout=3000)
    press(Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: panel.engine.position_s() < 10.0, timeout=3000)


def test_a_focused_slider_keeps_its_arrow_keys(keyed: PlayerPanel) -> None:
    panel = keyed
    panel.volume_slider.setFocus()
    start = panel.volume_slider.value()
    press(Qt.Key.Key_Right)  # the slider's own step, not a seek
    assert panel.volume_slider.value() == start + panel.volume_slider.singleStep()


def test_f1_and_help_list_every_shortcut_from_the_one_table(
    keyed: PlayerPanel, qtbot: QtBot, window: MainWindow
) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert "&Keyboard shortcuts" in [a.text() for a in help_menu.actions()]
    press(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ShortcutsDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ShortcutsDialog)
    assert [words for _key, words in dialog.rows()] == [s.words for s in SHORTCUTS]
    keys = [key for key, _words in dialog.rows()]
    assert {"Space", "Left", "Right", "Up", "Down", "T", "M", "N", "P", "V", "F1"} <= set(keys)
    dialog.close()


def test_tab_follows_the_page_top_to_bottom(keyed: PlayerPanel, window: MainWindow) -> None:
    panel = keyed
    window.resize(1280, 720)
    settle_window(window)
    panel.seek_slider.setFocus()
    order: list[QWidget] = []
    for _ in range(80):
        widget = QApplication.focusWidget()
        if widget is None or not panel.isAncestorOf(widget) or widget in order:
            break
        order.append(widget)
        press(Qt.Key.Key_Tab)
    expected = [
        panel.seek_slider,
        panel.previous_button,
        panel.stop_button,
        panel.play_button,
        panel.next_button,
        panel.repeat_button,
        *panel.sleep_bar.buttons.values(),
        panel.sleep_bar.custom_button,
        panel.volume_slider,
        panel.ceiling_box,
        panel.crossfade_box,
        panel.migraine_button,
        panel.playlist_box,
        panel.save_button,
        panel.delete_playlist_button,
        panel.m3u_button,
        panel.add_files_button,
        panel.add_folder_button,
        panel.soundscape_button,
        panel.remove_button,
        panel.list,
        *panel.cards.buttons(),
    ]
    assert order == expected


def test_a_30_minute_sleep_session_from_before_sleep_takes_at_most_4_keys(
    qtbot: QtBot, context: AppContext
) -> None:
    """A fresh window (first start: the ready playlists, the question before a session
    asked), keys only."""
    win = build_window(context, output=NullOutput(OUTPUT_RATE_HZ, 2, realtime=True))
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    panel = win.player_panel
    assert panel.playlist_box.currentText() == "Before sleep"
    keys = 0

    def key(k: Qt.Key) -> None:
        nonlocal keys
        keys += 1
        target = QApplication.activeModalWidget() or QApplication.focusWidget() or win
        QTest.keyClick(target, k)
        settle(qtbot)

    key(Qt.Key.Key_Space)
    # "How is your head now?" before the session: optional, and Esc skips it (a digit and
    # Enter would answer it: one key more). It takes keys once armed, a second after.
    qtbot.waitUntil(lambda: getattr(win.sessions.dialog, "armed", False), timeout=5000)
    key(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: win.sessions.dialog is None, timeout=5000)
    qtbot.waitUntil(lambda: panel.engine.state is PlayState.PLAYING, timeout=5000)
    key(Qt.Key.Key_T)
    key(Qt.Key.Key_T)
    assert keys <= 4
    assert panel.listening.playlist_name == "Before sleep"
    assert panel.engine.state is PlayState.PLAYING
    assert panel.engine.sleep_remaining_s() == pytest.approx(30 * 60, abs=3)
    win.close()
