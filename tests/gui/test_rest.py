"""The Rest page: a chosen length, a countdown, and a slow dim at the end, never a sound."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from asmr_desktop.core.context import AppContext
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.services.rest import END_DIM_LEVEL, END_DIM_S, END_LIFT_S
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.rating import RatingDialog
from tests.gui.grab import grab_pixels
from tests.gui.surfaces import settle, show_page


class Mono:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_a_chosen_rest_counts_down_dims_at_the_end_and_asks_for_the_rating(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    mono = Mono()
    page = window.rest_page
    page._monotonic = mono  # the test's clock
    show_page(window, "Rest")
    page.length_buttons[10].click()
    assert SettingsStore(context.store).settings.rest_minutes == 10.0
    assert page.countdown.text() == "10:00"
    page.button.click()
    assert page.resting and page.countdown.text() == "10:00 left"
    assert "Resting for 0 min" not in page.countdown.text()
    mono.now += 61
    page.tick()
    assert page.countdown.text() == "8:59 left"
    assert window.dim.level == 0.0 and not window.dim.isVisible()
    settle()
    bright = grab_pixels(window).astype(float).mean()
    mono.now += 9 * 60 - 1 - END_DIM_S / 2  # halfway through the end cue
    page.tick()
    settle()
    assert window.dim.level == pytest.approx(END_DIM_LEVEL / 2, abs=0.01)
    dimmed = grab_pixels(window).astype(float).mean()
    assert dimmed < bright * (1 - END_DIM_LEVEL / 2) + 1.0, (bright, dimmed)
    assert window.diary.sessions()[0].duration_s is None, "still resting"
    mono.now += END_DIM_S / 2
    page.tick()
    session = window.diary.sessions()[0]
    assert (session.mode, session.end_reason) == (Mode.REST, EndReason.FINISHED)
    assert isinstance(window.sessions.dialog, RatingDialog)
    assert page.countdown.text() == "Rest is over. How does your head feel?"
    assert not window.rest_action.isChecked()
    mono.now += END_LIFT_S
    page.tick()
    assert window.dim.level == 0.0 and not window.dim.isVisible()
    assert page.timer is None and page.button.text() == "Start resting"


def test_ending_a_rest_by_hand_lifts_no_cue(window: MainWindow) -> None:
    mono = Mono()
    page = window.rest_page
    page._monotonic = mono
    window.start_rest()
    mono.now += page.minutes * 60 - 2  # deep in the end cue
    page.tick()
    assert window.dim.level > 0.0
    window.end_rest()
    assert window.dim.level == 0.0 and not page.resting
    assert window.diary.sessions()[0].end_reason is EndReason.STOPPED
