"""The trends page: empty state, a year of data, range switching, experiments, report."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.service import TABLE, Diary
from asmr_desktop.insights.timeline import Moment
from asmr_desktop.ui.charts import MAX_MONTH_BARS, MAX_SOURCE_BARS, MAX_WEEK_BARS, ChartsView
from tests.helpers.clock import FakeClock
from tests.unit.insights.factory import at, generated, make

END = at("2026-11-27 22:00")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(END.astimezone(UTC))


def view_for(qtbot: QtBot, context: AppContext, clock: FakeClock) -> ChartsView:
    view = ChartsView(Diary(context.store, clock), context.store)
    qtbot.addWidget(view)
    view.resize(1000, 800)
    with qtbot.waitSignal(view.refreshed):
        view.show()
    return view


def fill(context: AppContext, sessions: list) -> None:  # type: ignore[type-arg]
    records = [{**s.to_record(), "_schema": 1} for s in sessions]
    context.store.table(TABLE).insert_multiple(records)


def test_empty_state(qtbot: QtBot, context: AppContext, clock: FakeClock) -> None:
    view = view_for(qtbot, context, clock)
    assert view.insights is not None and view.insights.empty
    assert view.empty_label.isVisible()
    assert "Nothing to show yet" in view.empty_label.text()
    assert not view.charts.isVisible()
    assert not view.export_button.isEnabled()
    assert view.start_button.isEnabled() and not view.stop_button.isVisible()
    assert not view.tolerance_label.isVisible()


def test_loads_only_when_shown(qtbot: QtBot, context: AppContext, clock: FakeClock) -> None:
    view = ChartsView(Diary(context.store, clock), context.store)
    qtbot.addWidget(view)
    view.refresh()
    assert view.insights is None  # hidden: nothing loaded yet
    with qtbot.waitSignal(view.refreshed):
        view.show()
    assert view.insights is not None


def test_a_year_of_data_and_switching_ranges(
    qtbot: QtBot, context: AppContext, clock: FakeClock
) -> None:
    fill(context, generated(365, END))
    view = view_for(qtbot, context, clock)
    assert not view.empty_label.isVisible() and view.charts.isVisible()
    seen = {}
    for index in (0, 1, 2, 3):  # starts on 4 weeks, so every choice is a change
        with qtbot.waitSignal(view.refreshed):
            view.range_box.setCurrentIndex(index)
        insights = view.insights
        assert insights is not None
        daily = len(insights.rolling) <= 180
        means = [
            m.mean
            for i, m in enumerate(insights.rolling)
            if m.mean is not None and (daily or (len(insights.rolling) - 1 - i) % 7 == 0)
        ]
        assert view.rolling_series.count() == len(means)
        assert view.rolling_series.at(view.rolling_series.count() - 1).y() == pytest.approx(
            means[-1]
        )
        after = [p for p in insights.points if p.moment is Moment.AFTER]
        dots = view.after_series.count()
        assert dots == (len(after) if len(insights.points) <= 600 else 0)
        assert view.days_set.count() == view.days_axis.count()
        weekly = len(insights.weekly) <= MAX_WEEK_BARS
        counts = insights.weekly if weekly else insights.monthly[-MAX_MONTH_BARS:]
        assert view.days_set.count() == len(counts)
        shown = [view.days_set.at(i) for i in range(view.days_set.count())]
        assert shown == [c.headache_days for c in counts]
        bars = [g for g in insights.by_source[:MAX_SOURCE_BARS] if g.stats.low is not None]
        assert len(view.source_chart.error_bars) == len(bars)
        if bars:
            # Drawn bottom-up: the last error bar belongs to the first (top) group.
            xs = [p.x() for p in view.source_chart.error_bars[-1].points()]
            assert min(xs) == pytest.approx(bars[0].stats.low)
            assert max(xs) == pytest.approx(bars[0].stats.high)
        seen[index] = (view.rolling_series.count(), view.days_set.count(), view.days_chart.title())
    assert seen[0][0] < seen[1][0] < seen[2][0]
    assert seen[3][0] == pytest.approx(365 / 7, abs=1)  # a year: one average point a week
    assert seen[1][1] == 5  # 4 weeks from a Saturday: 5 partial or whole weeks
    assert "per week" in seen[2][2] and "per month" in seen[3][2]
    assert view.summary.text().startswith(f"{view.insights.sessions} sessions")  # type: ignore[union-attr]


def test_experiment_panel(qtbot: QtBot, context: AppContext, clock: FakeClock) -> None:
    view = view_for(qtbot, context, clock)
    assert not view.reminder_label.isVisible()
    with qtbot.waitSignal(view.experiment_started):
        view.start_experiment(14)
    assert view.reminder_label.isVisible()
    assert "rest, no sound" in view.reminder_label.text()
    assert view.stop_button.isVisible() and not view.start_button.isEnabled()
    assert "Too little data" in view.verdict_label.text()
    view.start_experiment(14)  # a second one is refused, quietly
    assert "already running" in view.notice.text()
    clock.advance(days=1)
    with qtbot.waitSignal(view.experiment_stopped):
        view.stop_experiment()
    assert not view.reminder_label.isVisible() and view.start_button.isEnabled()
    assert "ended early" in view.experiment_status.text()
    assert "not a controlled trial" in view.caveats_label.text()


def test_tolerance_notice(qtbot: QtBot, context: AppContext, clock: FakeClock) -> None:
    first = END - timedelta(days=27)
    nightly = [
        make((first + timedelta(days=i)).replace(hour=21), 8, 8 - (4 - i // 7 + i % 2))
        for i in range(28)
    ]
    fill(context, nightly)
    view = view_for(qtbot, context, clock)
    assert view.tolerance_label.isVisible()
    assert "break" in view.tolerance_label.text()


def test_export_report(qtbot: QtBot, context: AppContext, clock: FakeClock, tmp_path: Path) -> None:
    fill(context, generated(30, END))
    view = view_for(qtbot, context, clock)
    out = tmp_path / "report.pdf"
    with qtbot.waitSignal(view.report_exported) as signal:
        message = view.export_report(out)
    assert signal.args == [str(out)]
    assert message.startswith("Saved a ") and out.read_bytes().startswith(b"%PDF-1.4")
    failed = view.export_report(tmp_path / "missing" / "r.pdf")
    assert "Could not write the report" in failed
    assert "Could not write the report" in view.notice.text()


def test_export_report_includes_notes_only_when_ticked(
    qtbot: QtBot, context: AppContext, clock: FakeClock, tmp_path: Path
) -> None:
    from dataclasses import replace

    from tests.unit.insights.test_report import pdf_text

    note = "Nacken verspannt, Licht störte 😣"
    sessions = generated(30, END)
    sessions[-1] = replace(sessions[-1], note=note)
    fill(context, sessions)
    view = view_for(qtbot, context, clock)
    assert not view.include_notes.isChecked()  # private unless asked for
    without = tmp_path / "without.pdf"
    view.export_report(without)
    assert "Your notes" not in pdf_text(without) and note not in pdf_text(without)
    view.include_notes.setChecked(True)
    with_notes = tmp_path / "with.pdf"
    view.export_report(with_notes)
    assert note in pdf_text(with_notes).splitlines()
