"""Trends: headache days and medication days per month, and the overuse notice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pytestqt.qtbot import QtBot

from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.days import DayBook, Headache, Medication, MedKind
from asmr_desktop.diary.service import Diary
from asmr_desktop.ui.charts import ChartsView
from tests.helpers.clock import FakeClock


def _view(qtbot: QtBot, context: AppContext, clock: FakeClock) -> ChartsView:
    view = ChartsView(Diary(context.store, clock), context.store)
    qtbot.addWidget(view)
    view.range_box.setCurrentIndex(2)  # 3 months
    view.show()
    return view


def test_months_show_headache_medication_and_unknown_days(
    qtbot: QtBot, context: AppContext
) -> None:
    clock = FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    book = DayBook(context.store, clock)
    book.record(date(2026, 3, 1), Headache.MILD, medication=[Medication("ibuprofen")])
    book.record(date(2026, 3, 2), Headache.NONE)
    view = _view(qtbot, context, clock)
    text = view.months_label.text()
    assert "Mar 2026 (partial)</td><td align='right'>1</td><td align='right'>1</td>" in text
    assert "8 of 10" in text  # 10 days of March so far, 2 recorded
    assert not view.overuse_label.isVisible()


def test_the_overuse_notice_appears(qtbot: QtBot, context: AppContext) -> None:
    clock = FakeClock(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    book = DayBook(context.store, clock)
    today = date(2026, 3, 31)
    for back in range(90):
        if back % 3 == 0:  # every third day: 10 triptan days in each 30-day window
            day = today - timedelta(days=back)
            book.record(day, Headache.SEVERE, medication=[Medication("x", MedKind.TRIPTAN)])
    view = _view(qtbot, context, clock)
    assert view.overuse_label.isVisible()
    assert "triptans" in view.overuse_label.text() and "doctor" in view.overuse_label.text()


def test_a_self_trial_says_which_evening_tonight_is(qtbot: QtBot, context: AppContext) -> None:
    clock = FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    view = _view(qtbot, context, clock)
    assert view.tonight_label.text() == ""
    view.start_trial(2)
    assert view.tonight_label.text().startswith("Tonight is a")
    assert "weekly blocks" in view.trial_label.text()
    assert "not blinded" in view.trial_label.text().lower()
    assert not view.trial_start.isEnabled()
