"""Trends: pain over time, headache days, what seems to help, experiments and tolerance.

Draws what :mod:`asmr_desktop.insights` computes; no statistics here. Loads lazily: a
``refresh()`` while hidden only marks the view stale, and showing it loads (like History).
"""

from __future__ import annotations

import logging
import math
from datetime import date, datetime, time, tzinfo
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import DayBook
from asmr_desktop.diary.service import Diary
from asmr_desktop.insights.days import MonthDays
from asmr_desktop.insights.experiment import (
    DEFAULT_DAYS,
    MAX_DAYS,
    MIN_DAYS,
    NOT_RANDOMISED,
    REMINDER,
    ExperimentResult,
    Experiments,
)
from asmr_desktop.insights.relief import MIN_RATED, TOO_FEW, ReliefGroup
from asmr_desktop.insights.report import write_report
from asmr_desktop.insights.summary import RANGES, Insights, load
from asmr_desktop.insights.timeline import HeadacheDays, Moment
from asmr_desktop.insights.trial import MAX_WEEKS, MIN_WEEKS, TrialResult, Trials
from asmr_desktop.ui.notice import NoticeLine
from asmr_desktop.ui.sizing import Scroller
from asmr_desktop.ui.theme import (
    ACCENT,
    ACCENT_DIM,
    BACKGROUND,
    SURFACE,
    SURFACE_RAISED,
    TEXT,
    TEXT_DIM,
    WARNING,
)

log = logging.getLogger(__name__)

#: Above this many ratings in the range, dots crowd out the line: only the average is drawn.
MAX_DOTS = 600
#: Up to this many weeks the bars are weekly; longer ranges show months.
MAX_WEEK_BARS = 26
MAX_MONTH_BARS = 12  # a year of months stays legible; the PDF shows two
#: Beyond this many days the average line shows one point a week (the 7-day average at
#: each week's end): ten years of daily points are a grey band, not a line.
MAX_DAILY_AVERAGE_DAYS = 180
MAX_SOURCE_BARS = 10  # the rest are listed in words below the chart
CHART_HEIGHT = 300
FONT_PT = 12
BEFORE_COLOUR = "#8c7a58"  # a dim amber: visible, calmer than WARNING
ERROR_BAR = "#a9c2b9"
RECORDED = "#2a3037"  # days with any rating: a quiet backdrop for the headache days
RECORDED_EDGE = "#4a525c"
DEFAULT_RANGE = 1  # 4 weeks

EMPTY_TEXT = (
    "Nothing to show yet.\n\nAfter a few sessions with a pain rating, this page shows how "
    "your headaches have been, and what seems to ease them. Take your time."
)


def _msecs(day: date, tz: tzinfo | None, hour: float = 12.0) -> float:
    """A local day (at ``hour``) as milliseconds since the epoch, for QDateTimeAxis."""
    if tz is None:
        midnight = datetime.combine(day, time()).astimezone()
    else:
        midnight = datetime.combine(day, time(), tzinfo=tz)
    return midnight.timestamp() * 1000 + hour * 3_600_000


def _short(name: str, limit: int = 28) -> str:
    """Long titles cut, so the count beside them stays readable under a bar."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _font(point_size: int = FONT_PT, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


def _dark_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(_font(FONT_PT + 1, bold=True))
    chart.setTitleBrush(QBrush(QColor(TEXT)))
    chart.setBackgroundBrush(QBrush(QColor(SURFACE)))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setBackgroundRoundness(8)
    chart.setMargins(QMargins(8, 8, 8, 8))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    legend = chart.legend()
    legend.setLabelColor(QColor(TEXT_DIM))
    legend.setFont(_font(FONT_PT - 1))
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _style_axis(axis: QValueAxis | QDateTimeAxis | QBarCategoryAxis) -> None:
    axis.setLabelsColor(QColor(TEXT_DIM))
    axis.setLabelsFont(_font(FONT_PT - 1))
    axis.setLinePen(QPen(QColor(SURFACE_RAISED)))
    axis.setGridLineColor(QColor(SURFACE_RAISED))
    axis.setTitleBrush(QBrush(QColor(TEXT_DIM)))
    axis.setTitleFont(_font(FONT_PT - 1))


def _chart_view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(CHART_HEIGHT)
    view.setStyleSheet(f"background: {BACKGROUND}; border: none;")
    # Nothing in a chart answers a key: Tab goes from control to control, not through charts.
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return view


def _label(text: str = "", *, dim: bool = False, size: int = FONT_PT) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setFont(_font(size))
    if dim:
        label.setObjectName("dim")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ReliefChart:
    """Horizontal bars of mean relief with 95 % error bars, names on the left where long
    titles fit. QtCharts has no error bars: each is a small line series with caps."""

    def __init__(self, title: str) -> None:
        self.chart = _dark_chart(title)
        self.view = _chart_view(self.chart)
        self.bars = QHorizontalBarSeries()
        self.bar_set = QBarSet("mean relief (before minus after), with its 95 % interval")
        self.bars.append(self.bar_set)
        self.bars.setBarWidth(0.55)
        self.chart.addSeries(self.bars)
        self.categories = QBarCategoryAxis()
        self.x = QValueAxis()
        self.x.setLabelFormat("%+.0f")
        self.error_y = QValueAxis()  # aligned with the categories; hidden
        self.error_y.setVisible(False)
        for axis, where in (
            (self.categories, Qt.AlignmentFlag.AlignLeft),
            (self.x, Qt.AlignmentFlag.AlignBottom),
            (self.error_y, Qt.AlignmentFlag.AlignLeft),
        ):
            _style_axis(axis)
            self.chart.addAxis(axis, where)
        self.bars.attachAxis(self.categories)
        self.bars.attachAxis(self.x)
        self.bar_set.setColor(QColor(ACCENT_DIM))
        self.bar_set.setBorderColor(QColor(ACCENT))
        self.bar_set.setLabelColor(QColor(TEXT))
        self.bars.setLabelsVisible(True)
        self.bars.setLabelsFormat("@value")
        self.bars.setLabelsPrecision(3)
        self.error_bars: list[QLineSeries] = []

    def show(self, groups: list[ReliefGroup]) -> None:
        for series in self.error_bars:
            self.chart.removeSeries(series)
            series.deleteLater()
        self.error_bars = []
        rows = list(reversed(groups))  # the first group at the top
        self.bar_set.remove(0, self.bar_set.count())
        self.bar_set.append([round(g.stats.mean or 0.0, 1) for g in rows])
        self.categories.clear()
        self.categories.append([f"{_short(g.name)}  ({g.n})" for g in rows])
        values = [0.0, 1.0]
        cap = 0.12
        for i, g in enumerate(rows):
            s = g.stats
            values.append(s.mean or 0.0)
            if s.low is None or s.high is None:
                continue
            values += [s.low, s.high]
            series = QLineSeries()
            series.replace(
                [
                    QPointF(s.low, i - cap),
                    QPointF(s.low, i + cap),
                    QPointF(s.low, i),
                    QPointF(s.high, i),
                    QPointF(s.high, i - cap),
                    QPointF(s.high, i + cap),
                ]
            )
            series.setPen(QPen(QColor(ERROR_BAR), 2))
            self.chart.addSeries(series)
            series.attachAxis(self.x)
            series.attachAxis(self.error_y)
            for marker in self.chart.legend().markers(series):
                marker.setVisible(False)
            self.error_bars.append(series)
        self.error_y.setRange(-0.5, max(1, len(rows)) - 0.5)
        # Relief lies within -10..10; a wide interval from two sessions must not squash the rest.
        low = max(-10, math.floor(min(values)))
        high = min(10, math.ceil(max(values)))
        step = next(s for s in (1, 2, 5) if (high - low) / s <= 8)
        self.x.setRange(float(low), float(high))
        self.x.setTickType(QValueAxis.TickType.TicksDynamic)
        self.x.setTickAnchor(0.0)
        self.x.setTickInterval(float(step))
        self.view.setMinimumHeight(140 + 46 * max(1, len(rows)))


def months_table(months: list[MonthDays]) -> str:
    """Headache days and medication days per month, unknown days named (rich text)."""
    if not months:
        return ""
    rows = "".join(
        f"<tr><td>{m.title}</td><td align='right'>{m.headache_days}</td>"
        f"<td align='right'>{m.medication_days}</td>"
        f"<td align='right'>{m.unknown_days} of {m.days}</td></tr>"
        for m in months[-MAX_MONTH_BARS:]
    )
    return (
        "<b>Headache days and medication days per month</b> (every recorded day: check-ins "
        "and ratings; a day without a record is unknown, not headache-free)"
        "<table cellspacing='0' cellpadding='4'><tr><th align='left'>month</th>"
        "<th>headache days</th><th>medication days</th><th>unknown days</th></tr>"
        f"{rows}</table>"
    )


class ChartsView(QWidget):
    """The trends page: charts, "too few to tell", the experiment panel and the report."""

    refreshed = Signal()
    experiment_started = Signal()
    experiment_stopped = Signal()
    report_exported = Signal(str)

    def __init__(
        self,
        diary: Diary,
        store: Store,
        parent: QWidget | None = None,
        *,
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._diary = diary
        self._experiments = Experiments(store, diary.now)
        self._days = DayBook(store, diary.now, tz)
        self._trials = Trials(store, diary.now)
        self._tz = tz
        self._stale = True
        self.insights: Insights | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.setContentsMargins(20, 16, 20, 8)
        heading = QLabel("Trends")
        heading.setObjectName("heading")
        self.range_box = QComboBox()
        for label, _days in RANGES:
            self.range_box.addItem(label)
        self.range_box.setCurrentIndex(DEFAULT_RANGE)
        self.range_box.currentIndexChanged.connect(self._range_chosen)
        self.summary = _label(dim=True)
        self.export_button = QPushButton("Export report (PDF)…")
        self.export_button.clicked.connect(self._ask_export)
        # Notes are private: the report carries them only when the person asks for it.
        self.include_notes = QCheckBox("Include my notes")
        self.include_notes.setToolTip(
            "Put the notes you wrote with sessions and days into the report. Left out unless "
            "ticked."
        )
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.range_box)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        outer.addLayout(top)
        # The report's row of its own: beside the summary it was squeezed until it clipped.
        report_row = QHBoxLayout()
        report_row.setContentsMargins(20, 0, 20, 4)  # the page's margin: never at the edge
        report_row.addStretch(1)
        report_row.addWidget(self.include_notes)
        report_row.addWidget(self.export_button)
        outer.addLayout(report_row)
        self.notice = NoticeLine()
        self.notice.setContentsMargins(20, 0, 20, 0)
        outer.addWidget(self.notice)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 8, 20, 20)
        layout.setSpacing(16)
        scroll = Scroller(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        outer.addWidget(scroll, 1)

        self.empty_label = _label(EMPTY_TEXT, size=FONT_PT + 2)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setMinimumHeight(160)
        layout.addWidget(self.empty_label)

        self.tolerance_label = _label()
        self.tolerance_label.setStyleSheet(
            f"color: {WARNING}; background: {SURFACE}; border-radius: 8px; padding: 12px;"
        )
        self.tolerance_label.hide()
        layout.addWidget(self.tolerance_label)
        self.overuse_label = _label()
        self.overuse_label.setStyleSheet(
            f"color: {WARNING}; background: {SURFACE}; border-radius: 8px; padding: 12px;"
        )
        self.overuse_label.hide()
        layout.addWidget(self.overuse_label)
        self.months_label = _label()
        self.months_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.months_label)

        self.charts = QWidget()
        charts = QVBoxLayout(self.charts)
        charts.setContentsMargins(0, 0, 0, 0)
        charts.setSpacing(16)
        layout.addWidget(self.charts)
        self._build_pain_chart(charts)
        self._build_days_chart(charts)
        self.source_chart = ReliefChart("Relief by what was played")
        self.mode_chart = ReliefChart("Relief by kind of session")
        charts.addWidget(self.source_chart.view)
        self.too_few_label = _label(dim=True)
        charts.addWidget(self.too_few_label)
        charts.addWidget(self.mode_chart.view)
        explain = _label(
            "Relief is your pain before a session minus your pain after it (higher is better). "
            "Lines show the 95 % confidence interval: the wider, the less certain. Only "
            "sessions rated both before and after count.",
            dim=True,
        )
        charts.addWidget(explain)

        layout.addWidget(self._build_experiment_panel())
        layout.addWidget(self._build_trial_panel())
        layout.addStretch(1)

    # -- building ----------------------------------------------------------------------------
    def _build_pain_chart(self, parent: QVBoxLayout) -> None:
        chart = _dark_chart("Pain over time (0 none, 10 worst)")
        self.pain_chart = chart
        self.after_series = QScatterSeries()
        self.after_series.setName("after a session")
        self.after_series.setMarkerSize(9)
        self.after_series.setColor(QColor(ACCENT))
        self.after_series.setBorderColor(QColor(ACCENT))
        self.before_series = QScatterSeries()
        self.before_series.setName("before, where given")
        self.before_series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        self.before_series.setMarkerSize(7)
        self.before_series.setColor(QColor(BEFORE_COLOUR))
        self.before_series.setBorderColor(QColor(BEFORE_COLOUR))
        self.rolling_series = QLineSeries()
        self.rolling_series.setName("7-day average after")
        self.rolling_series.setPen(QPen(QColor(TEXT), 2.5))
        self.time_axis = QDateTimeAxis()
        self.time_axis.setFormat("d MMM")
        self.pain_axis = QValueAxis()
        self.pain_axis.setRange(0, 10)
        self.pain_axis.setTickCount(6)
        self.pain_axis.setLabelFormat("%d")
        for axis, where in (
            (self.time_axis, Qt.AlignmentFlag.AlignBottom),
            (self.pain_axis, Qt.AlignmentFlag.AlignLeft),
        ):
            _style_axis(axis)
            chart.addAxis(axis, where)
        for series in (self.before_series, self.after_series, self.rolling_series):
            chart.addSeries(series)
            series.attachAxis(self.time_axis)
            series.attachAxis(self.pain_axis)
        parent.addWidget(_chart_view(chart))

    def _build_days_chart(self, parent: QVBoxLayout) -> None:
        chart = _dark_chart("Headache days per week")
        self.days_chart = chart
        self.days_series = QBarSeries()
        self.days_set = QBarSet("days with any pain above 0")
        self.days_set.setColor(QColor(ACCENT_DIM))
        self.days_set.setBorderColor(QColor(ACCENT))
        self.days_set.setLabelColor(QColor(TEXT))
        self.recorded_set = QBarSet("days with a rating")
        self.recorded_set.setColor(QColor(RECORDED))
        self.recorded_set.setBorderColor(QColor(RECORDED_EDGE))
        self.recorded_set.setLabelColor(QColor(TEXT_DIM))
        self.days_series.append(self.days_set)
        self.days_series.append(self.recorded_set)
        self.days_axis = QBarCategoryAxis()
        self.count_axis = QValueAxis()
        self.count_axis.setLabelFormat("%d")
        chart.addSeries(self.days_series)
        for axis, where in (
            (self.days_axis, Qt.AlignmentFlag.AlignBottom),
            (self.count_axis, Qt.AlignmentFlag.AlignLeft),
        ):
            _style_axis(axis)
            chart.addAxis(axis, where)
            self.days_series.attachAxis(axis)
        parent.addWidget(_chart_view(chart))

    def _build_experiment_panel(self) -> QFrame:
        panel = QFrame()
        panel.setStyleSheet(f"QFrame {{ background: {SURFACE}; border-radius: 8px; }}")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(16, 14, 16, 14)
        title = QLabel(f"Does it help me? A 2-4 week experiment you plan ({NOT_RANDOMISED})")
        title.setFont(_font(FONT_PT + 2, bold=True))
        layout.addWidget(title)
        self.experiment_status = _label()
        layout.addWidget(self.experiment_status)
        self.reminder_label = _label(REMINDER, dim=True)
        layout.addWidget(self.reminder_label)
        self.verdict_label = _label(size=FONT_PT + 4)
        self.verdict_label.setStyleSheet(f"color: {ACCENT};")
        layout.addWidget(self.verdict_label)
        self.detail_label = _label()
        layout.addWidget(self.detail_label)
        self.caveats_label = _label(dim=True)
        layout.addWidget(self.caveats_label)
        buttons = QHBoxLayout()
        self.length_box = QComboBox()
        for days in range(MIN_DAYS, MAX_DAYS + 1, 7):
            self.length_box.addItem(f"{days // 7} weeks", days)
        self.length_box.setCurrentIndex((DEFAULT_DAYS - MIN_DAYS) // 7)
        self.start_button = QPushButton("Start an experiment")
        self.start_button.clicked.connect(lambda: self.start_experiment())
        self.stop_button = QPushButton("End it now")
        self.stop_button.clicked.connect(self.stop_experiment)
        buttons.addWidget(self.length_box)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        return panel

    def _build_trial_panel(self) -> QFrame:
        """The randomised self-trial: the app draws the evenings and says which is tonight."""
        panel = QFrame()
        panel.setStyleSheet(f"QFrame {{ background: {SURFACE}; border-radius: 8px; }}")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(16, 14, 16, 14)
        title = QLabel("A randomised self-trial: the app draws ASMR and rest evenings")
        title.setFont(_font(FONT_PT + 2, bold=True))
        layout.addWidget(title)
        self.tonight_label = _label(size=FONT_PT + 2)
        self.tonight_label.setStyleSheet(f"color: {ACCENT};")
        layout.addWidget(self.tonight_label)
        self.trial_label = _label()
        layout.addWidget(self.trial_label)
        buttons = QHBoxLayout()
        self.trial_weeks = QComboBox()
        for weeks in range(MIN_WEEKS, MAX_WEEKS + 1):
            self.trial_weeks.addItem(f"{weeks} weeks", weeks)
        self.trial_start = QPushButton("Start a self-trial")
        self.trial_start.clicked.connect(lambda: self.start_trial())
        buttons.addWidget(self.trial_weeks)
        buttons.addWidget(self.trial_start)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        return panel

    def start_trial(self, weeks: int | None = None) -> None:
        chosen = weeks if weeks is not None else int(self.trial_weeks.currentData())
        try:
            self._trials.start(self._today(), chosen)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        self.refresh()

    def _show_trial(self, result: TrialResult | None, today: date) -> None:
        running = result is not None and not result.finished
        self.trial_start.setEnabled(not running)
        self.trial_weeks.setEnabled(not running)
        if result is None:
            self.tonight_label.setText("")
            self.trial_label.setText(
                "Choose 2-4 weeks: each evening the app says whether it is an ASMR evening "
                "or a rest evening (drawn in advance, each week has both), so you do not "
                "choose, and then compares them."
            )
            return
        self.tonight_label.setText(result.trial.tonight(today))
        missed = len(result.not_as_drawn)
        lines = [
            result.design,
            ("So far: " if running else "") + result.headline + ".",
            result.next_day_text,
            f"{missed} evening{'s' if missed != 1 else ''} not done as drawn (left out, "
            "never moved to the other kind)."
            if missed
            else "",
            "Keep in mind: " + " ".join(result.limits),
        ]
        self.trial_label.setText("\n".join(line for line in lines if line))

    # -- loading -----------------------------------------------------------------------------
    def _range_chosen(self, _index: int) -> None:
        self.refresh()

    def range_days(self) -> int | None:
        return RANGES[self.range_box.currentIndex()][1]

    def refresh(self) -> None:
        """Reload now if visible; otherwise when next shown (start-up pays nothing)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        try:
            insights = load(
                self._diary,
                self._experiments,
                self.range_days(),
                self._tz,
                self._days,
                self._trials,
            )
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        self.insights = insights
        self._show(insights)
        self.refreshed.emit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _show(self, insights: Insights) -> None:
        empty = insights.empty
        self.empty_label.setVisible(empty)
        self.charts.setVisible(not empty)
        self.export_button.setEnabled(not empty)
        self.include_notes.setEnabled(not empty)
        self.summary.setText(
            f"{insights.sessions} sessions, {insights.rated} rated"
            if not empty
            else "no sessions in this period"
        )
        self.tolerance_label.setVisible(insights.tolerance.flagged)
        self.tolerance_label.setText(insights.tolerance.message)
        self.overuse_label.setVisible(insights.overuse is not None)
        self.overuse_label.setText(insights.overuse.message if insights.overuse else "")
        self.months_label.setText(months_table(insights.months))
        self._show_experiment(insights.experiment, insights.today)
        self._show_trial(insights.trial, insights.today)
        if empty:
            return
        self._show_pain(insights)
        self._show_days(insights)
        self.source_chart.show(insights.by_source[:MAX_SOURCE_BARS])
        self.mode_chart.show(insights.by_mode)
        lines = []
        if insights.by_source[MAX_SOURCE_BARS:]:
            more = "; ".join(
                f"{g.name} {g.stats.mean:+.1f} ({g.n})"
                for g in insights.by_source[MAX_SOURCE_BARS:]
                if g.stats.mean is not None
            )
            lines.append(f"Also played (mean relief, sessions): {more}.")
        if insights.too_few:
            names = ", ".join(f"{g.name} ({g.n})" for g in insights.too_few)
            lines.append(
                f"{TOO_FEW.capitalize()} (fewer than {MIN_RATED} sessions rated before and "
                f"after): {names}."
            )
        self.too_few_label.setText("\n".join(lines))
        self.too_few_label.setVisible(bool(lines))

    def _show_pain(self, insights: Insights) -> None:
        dots = len(insights.points) <= MAX_DOTS
        after: list[QPointF] = []
        before: list[QPointF] = []
        if dots:
            for p in insights.points:
                point = QPointF(p.when.timestamp() * 1000, p.pain)
                (after if p.moment is Moment.AFTER else before).append(point)
        self.after_series.replace(after)
        self.before_series.replace(before)
        daily = len(insights.rolling) <= MAX_DAILY_AVERAGE_DAYS
        self.rolling_series.setName("7-day average after" if daily else "weekly average after")
        self.rolling_series.replace(
            [
                QPointF(_msecs(m.day, self._tz), m.mean)
                for i, m in enumerate(insights.rolling)
                if m.mean is not None and (daily or (len(insights.rolling) - 1 - i) % 7 == 0)
            ]
        )
        self.time_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(_msecs(insights.first, self._tz, 0))),
            QDateTime.fromMSecsSinceEpoch(int(_msecs(insights.last, self._tz, 24))),
        )
        span = (insights.last - insights.first).days
        self.time_axis.setFormat("d MMM" if span <= 120 else "MMM yyyy")
        self.time_axis.setTickCount(min(8, span + 2))
        for series in (self.after_series, self.before_series):
            series.setVisible(dots)
            for marker in self.pain_chart.legend().markers(series):
                marker.setVisible(dots)

    def _show_days(self, insights: Insights) -> None:
        weekly = len(insights.weekly) <= MAX_WEEK_BARS
        counts: list[HeadacheDays] = (
            insights.weekly if weekly else insights.monthly[-MAX_MONTH_BARS:]
        )
        if weekly:
            self.days_chart.setTitle("Headache days per week")
        else:
            shown = "" if len(insights.monthly) <= MAX_MONTH_BARS else f", last {MAX_MONTH_BARS}"
            self.days_chart.setTitle(f"Headache days per month{shown}")
        for bar_set, values in (
            (self.days_set, [c.headache_days for c in counts]),
            (self.recorded_set, [c.recorded_days for c in counts]),
        ):
            bar_set.remove(0, bar_set.count())
            bar_set.append([float(v) for v in values])
        self.days_axis.clear()
        self.days_axis.append([c.label if weekly else f"{c.first:%b %y}" for c in counts])
        top = max([c.recorded_days for c in counts] + [1])
        self.count_axis.setRange(0, 7 if weekly else max(top, 1))
        self.count_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.count_axis.setTickAnchor(0.0)
        self.count_axis.setTickInterval(1.0 if weekly else 5.0)
        self.days_series.setLabelsVisible(weekly)

    def _show_experiment(self, result: ExperimentResult | None, today: date) -> None:
        running = result is not None and result.experiment.running(today)
        self.start_button.setEnabled(not running)
        self.length_box.setEnabled(not running)
        self.stop_button.setVisible(running)
        self.reminder_label.setVisible(running)
        if result is None:
            self.experiment_status.setText(
                "Use the app as usual for a few weeks, and on some evenings rest without it. "
                "At the end you see whether your pain eased more with ASMR than without."
            )
            for label in (self.verdict_label, self.detail_label, self.caveats_label):
                label.hide()
            return
        e = result.experiment
        if running:
            day = (today - e.start).days + 1
            self.experiment_status.setText(
                f"Running: day {day} of {e.days} ({e.start:%d %b} to {e.end:%d %b})."
            )
        else:
            stopped = ", ended early" if e.end < e.planned_end else ""
            self.experiment_status.setText(
                f"Your last experiment: {e.start:%d %b %Y} to {e.end:%d %b %Y}{stopped}."
            )
        self.verdict_label.setText(("So far: " if running else "") + result.headline + ".")
        self.detail_label.setText(result.detail)
        self.caveats_label.setText("Keep in mind:\n" + "\n".join(f"• {c}" for c in result.caveats))
        self.verdict_label.show()
        self.detail_label.show()
        self.caveats_label.setVisible(not running)

    # -- actions -----------------------------------------------------------------------------
    def _today(self) -> date:
        return self._diary.now().astimezone(self._tz).date()

    def start_experiment(self, days: int | None = None) -> None:
        chosen = days if days is not None else int(self.length_box.currentData())
        try:
            self._experiments.start(self._today(), chosen)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        self.notify("Experiment started. Remember some rest evenings without sound.")
        self.experiment_started.emit()
        self.refresh()

    def stop_experiment(self) -> None:
        running = self._experiments.running(self._today())
        if running is None:
            return
        try:
            self._experiments.stop(running, self._today())
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        self.notify("Experiment ended.")
        self.experiment_stopped.emit()
        self.refresh()

    def _ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export report", "headache-report.pdf", "PDF files (*.pdf)"
        )
        if name:
            self.export_report(Path(name))

    def export_report(self, path: Path) -> str:
        """Write the report for the range shown (with the notes when "Include my notes" is
        ticked); returns the message shown to the person."""
        try:
            insights = load(
                self._diary,
                self._experiments,
                self.range_days(),
                self._tz,
                self._days,
                self._trials,
            )
            pages = write_report(
                path, insights, self._diary.now(), self._tz, notes=self.include_notes.isChecked()
            )
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return str(exc)
        message = f"Saved a {pages}-page report to {path}."
        self.notify(message)
        self.report_exported.emit(str(path))
        return message

    def notify(self, text: str, *, problem: bool = False) -> None:
        """A quiet line under the range picker: results and problems, without a modal box."""
        self.notice.say(text, problem=problem)
