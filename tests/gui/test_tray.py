"""The tray icon: its menu calls back, the one-time notice, and inert without a tray."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QIcon

from asmr_desktop.audio.engine import PlayState
from asmr_desktop.audio.sleep import SleepTimer
from asmr_desktop.ui.bridges import EngineBridge
from asmr_desktop.ui.tray import ICON_FILE, NOTICE, TrayIcon, app_icon, drawn_icon

# Offscreen has no tray; forcing one on makes Qt look for a platform signal that is not there.
with_forced_tray = pytest.mark.qt_log_ignore(
    "No such signal QPlatformNativeInterface::systemTrayWindowChanged"
)


class Calls:
    def __init__(self) -> None:
        self.log: list[object] = []

    def tray(self, *, available: bool, **settings: object) -> TrayIcon:
        log = self.log
        bridge = EngineBridge()
        tray = TrayIcon(
            toggle=lambda: log.append("toggle"),
            visual_only=lambda: log.append("visual"),
            set_sleep_timer=lambda seconds: log.append(("sleep", seconds)),
            show_window=lambda: log.append("show"),
            quit_app=lambda: log.append("quit"),
            notice_saved=lambda: log.append("notice saved"),
            bridge=bridge,
            available=available,
            **settings,
        )
        self.bridge = bridge
        return tray


@with_forced_tray
def test_menu_entries_call_their_callbacks() -> None:
    calls = Calls()
    tray = calls.tray(available=True)
    assert tray.tray is not None and tray.menu is not None
    assert tray.tray.contextMenu() is tray.menu
    labels = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert labels == ["Play", "Visual only", "Sleep timer", "Show window", "Quit"]
    for name in ("play", "visual", "show", "quit"):
        tray.actions[name].trigger()
    assert calls.log == ["toggle", "visual", "show", "quit"]
    calls.log.clear()
    assert tray.sleep_menu is not None
    for action in tray.sleep_menu.actions():
        action.trigger()
    assert calls.log == [
        ("sleep", SleepTimer.off()),
        ("sleep", SleepTimer.after(900.0)),
        ("sleep", SleepTimer.after(1800.0)),
        ("sleep", SleepTimer.after(2700.0)),
        ("sleep", SleepTimer.after(3600.0)),
        ("sleep", SleepTimer.after(5400.0)),
        ("sleep", SleepTimer.at_track_end()),
    ]
    tray.close()


@with_forced_tray
def test_play_label_and_sleep_title_follow_the_engine() -> None:
    calls = Calls()
    tray = calls.tray(available=True)
    calls.bridge.state_changed.emit(PlayState.PLAYING)
    assert tray.actions["play"].text() == "Pause"
    calls.bridge.state_changed.emit(PlayState.PAUSED)
    assert tray.actions["play"].text() == "Play"
    assert tray.sleep_menu is not None
    calls.bridge.sleep_timer_changed.emit(14 * 60 + 5.0)
    assert tray.sleep_menu.title() == "Sleep timer (15 min left)"
    calls.bridge.sleep_timer_changed.emit(None)
    assert tray.sleep_menu.title() == "Sleep timer"
    tray.close()


@with_forced_tray
def test_closing_while_playing_hides_once_with_a_notice() -> None:
    calls = Calls()
    tray = calls.tray(available=True)
    assert tray.tray is not None
    shown: list[tuple[str, str]] = []
    tray.tray.showMessage = lambda title, text, *_args: shown.append((title, text))
    assert not tray.should_hide_on_close(playing=False)  # not playing: closing quits
    assert shown == [] and calls.log == []
    assert tray.should_hide_on_close(playing=True)
    assert shown == [("ASMR Desktop", NOTICE)]
    assert "quit from this menu" in NOTICE
    assert calls.log == ["notice saved"]
    assert tray.notice_shown
    assert tray.should_hide_on_close(playing=True)  # again: hides, no second notice
    assert len(shown) == 1 and calls.log == ["notice saved"]
    tray.close()


@with_forced_tray
def test_a_notice_already_shown_is_not_shown_again() -> None:
    calls = Calls()
    tray = calls.tray(available=True, notice_shown=True)
    assert tray.tray is not None
    shown: list[str] = []
    tray.tray.showMessage = lambda *args: shown.append("shown")
    assert tray.should_hide_on_close(playing=True)
    assert shown == [] and calls.log == []
    tray.close()


@with_forced_tray
def test_the_setting_off_means_closing_quits() -> None:
    calls = Calls()
    tray = calls.tray(available=True, keep_playing_in_tray=False)
    assert not tray.should_hide_on_close(playing=True)
    tray.keep_playing_in_tray = True
    assert tray.should_hide_on_close(playing=True)
    tray.close()


def test_inert_without_a_tray(caplog: pytest.LogCaptureFixture) -> None:
    calls = Calls()
    with caplog.at_level("INFO", logger="asmr_desktop.ui.tray"):
        tray = calls.tray(available=False)
    assert tray.tray is None and tray.menu is None and tray.actions == {}
    assert [r.levelname for r in caplog.records if r.name == "asmr_desktop.ui.tray"] == ["INFO"]
    assert not tray.should_hide_on_close(playing=True)
    calls.bridge.state_changed.emit(PlayState.PLAYING)
    tray.show_state(PlayState.PLAYING)
    tray.show_sleep_timer(60.0)
    tray.close()
    assert calls.log == []


def test_offscreen_has_no_tray_so_the_default_is_inert() -> None:
    tray = TrayIcon(
        toggle=lambda: None,
        visual_only=lambda: None,
        set_sleep_timer=lambda _s: None,
        show_window=lambda: None,
        quit_app=lambda: None,
    )
    assert not tray.available
    assert tray.tray is None


def test_icons_are_never_empty(tmp_path: Path) -> None:
    assert not drawn_icon().isNull()
    assert not drawn_icon().pixmap(22, 22).isNull()
    fallback = app_icon(tmp_path / "missing.svg")
    assert not fallback.isNull()
    if ICON_FILE.is_file():
        assert not app_icon().pixmap(22, 22).isNull()
    assert isinstance(app_icon(), QIcon)
