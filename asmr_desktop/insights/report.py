"""A report to take to a doctor: the period, headache days per month, ratings over time,
relief by source and mode, the experiment's result, and what the app is not. A4, print
colours (a light page is fine on paper), no Qt.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.insights.experiment import ExperimentResult
from asmr_desktop.insights.pdf import A4_HEIGHT, A4_WIDTH, Document, Page, text_width, wrap
from asmr_desktop.insights.relief import MIN_RATED, TOO_FEW, ReliefGroup
from asmr_desktop.insights.summary import Insights
from asmr_desktop.insights.timeline import Moment

DISCLAIMER = (
    "ASMR Desktop helps you relax and keep a record; it does not diagnose or treat. "
    "See a doctor for severe, sudden or unusual headaches."
)
TITLE = "Headache diary report"

MARGIN = 50.0
RIGHT = A4_WIDTH - MARGIN
CONTENT_WIDTH = RIGHT - MARGIN
FOOTER_TOP = A4_HEIGHT - 60
INK = "#222222"
DIM = "#666666"
GRID = "#dddddd"
ACCENT = "#3f6f62"  # dark sage: prints well, calm
ACCENT_LIGHT = "#c9ddd6"
BEFORE = "#a08a5c"  # muted amber for before-ratings, never red
PANEL = "#f3f5f4"
#: Months drawn in the bar chart; a longer period keeps the most recent ones.
MAX_MONTH_BARS = 24
#: Sessions drawn as dots; above this only the rolling mean is drawn (it stays readable).
MAX_DOTS = 500
MAX_SOURCE_ROWS = 15


class ReportError(AsmrError):
    """The report could not be written."""


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


class _Flow:
    """A cursor down the pages: starts a new page when the next block does not fit."""

    def __init__(self, doc: Document, footer: str) -> None:
        self.doc = doc
        self.footer = footer
        self.page = self._new()
        self.y = MARGIN + 10

    def _new(self) -> Page:
        page = self.doc.new_page()
        page.line(MARGIN, FOOTER_TOP, RIGHT, FOOTER_TOP, colour=GRID)
        y = FOOTER_TOP + 16
        for line in wrap(self.footer, CONTENT_WIDTH - 60, 8.5):
            page.text(MARGIN, y, line, size=8.5, colour=DIM)
            y += 11
        page.text(
            RIGHT,
            FOOTER_TOP + 16,
            f"page {len(self.doc.pages)}",
            size=8.5,
            colour=DIM,
            align="right",
        )
        return page

    def need(self, height: float) -> Page:
        if self.y + height > FOOTER_TOP - 10:
            self.page = self._new()
            self.y = MARGIN + 10
        return self.page

    def heading(self, text: str, room: float = 60) -> None:
        page = self.need(room + 34)
        self.y += 14
        page.text(MARGIN, self.y, text, size=13, bold=True, colour=INK)
        self.y += 18

    def para(
        self,
        text: str,
        *,
        size: float = 10,
        colour: str = INK,
        bold: bool = False,
        indent: float = 0,
    ) -> None:
        lines = wrap(text, CONTENT_WIDTH - indent, size, bold)
        page = self.need(len(lines) * size * 1.35)
        self.y = page.paragraph(
            MARGIN + indent,
            self.y,
            text,
            CONTENT_WIDTH - indent,
            size=size,
            colour=colour,
            bold=bold,
        )


def _nice_max(value: float) -> int:
    return max(1, math.ceil(value))


def _month_chart(flow: _Flow, insights: Insights) -> None:
    months = insights.monthly[-MAX_MONTH_BARS:]
    flow.heading("Headache days per month")
    if len(insights.monthly) > MAX_MONTH_BARS:
        flow.para(f"The last {MAX_MONTH_BARS} months of the period.", size=9, colour=DIM)
    flow.para(
        "Dark: days with any pain rating above 0. Light: days with any rating at all (a day "
        "without a rating is unknown, not pain-free).",
        size=9,
        colour=DIM,
    )
    height = 150.0
    page = flow.need(height + 40)
    top = flow.y + 6
    left = MARGIN + 28
    width = RIGHT - left
    top_value = _nice_max(max((m.recorded_days for m in months), default=1))
    step = 5 if top_value > 10 else 1 if top_value <= 5 else 2
    top_value = math.ceil(top_value / step) * step
    for tick in range(0, top_value + 1, step):
        y = top + height - tick / top_value * height
        page.line(left, y, RIGHT, y, colour=GRID, width=0.4)
        page.text(left - 5, y + 3, str(tick), size=8, colour=DIM, align="right")
    slot = width / max(1, len(months))
    bar = min(28.0, slot * 0.7)
    label_every = max(1, math.ceil(len(months) / 12))
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar) / 2
        recorded_h = month.recorded_days / top_value * height
        pain_h = month.headache_days / top_value * height
        page.rect(x, top + height - recorded_h, bar, recorded_h, fill=ACCENT_LIGHT)
        page.rect(x, top + height - pain_h, bar, pain_h, fill=ACCENT)
        if slot >= 18:
            page.text(
                x + bar / 2,
                top + height - pain_h - 3,
                str(month.headache_days),
                size=8,
                colour=INK,
                align="center",
            )
        if i % label_every == 0:
            page.text(
                x + bar / 2, top + height + 12, month.label, size=7.5, colour=DIM, align="center"
            )
    page.line(left, top + height, RIGHT, top + height, colour=DIM, width=0.6)
    flow.y = top + height + 28


def _ratings_chart(flow: _Flow, insights: Insights) -> None:
    flow.heading("Pain ratings over time")
    after = [p for p in insights.points if p.moment is Moment.AFTER]
    before = [p for p in insights.points if p.moment is Moment.BEFORE]
    dots = len(insights.points) <= MAX_DOTS
    flow.para(
        "0 = no pain, 10 = worst imaginable. Line: 7-day average of the ratings after sessions."
        + (" Dots: after each session; squares: before, where given." if dots else ""),
        size=9,
        colour=DIM,
    )
    height = 170.0
    page = flow.need(height + 40)
    top = flow.y + 6
    left = MARGIN + 28
    width = RIGHT - left
    span_days = max(1, (insights.last - insights.first).days + 1)

    def x_of(moment_day: float) -> float:
        return left + moment_day / span_days * width

    def y_of(pain: float) -> float:
        return top + height - pain / 10 * height

    for tick in range(0, 11, 2):
        page.line(left, y_of(tick), RIGHT, y_of(tick), colour=GRID, width=0.4)
        page.text(left - 5, y_of(tick) + 3, str(tick), size=8, colour=DIM, align="right")
    for i in range(6):
        offset = round(i * (span_days - 1) / 5)
        tick_day = date.fromordinal(insights.first.toordinal() + offset)
        page.text(
            x_of(offset + 0.5),
            top + height + 12,
            _day(tick_day),
            size=7.5,
            colour=DIM,
            align="center",
        )

    def position(point_day: date, hour: float) -> float:
        return (point_day - insights.first).days + hour / 24

    if dots:
        for p in before:
            x = x_of(position(p.day, p.when.hour + p.when.minute / 60))
            page.rect(x - 1.6, y_of(p.pain) - 1.6, 3.2, 3.2, stroke=BEFORE, width=0.7)
        for p in after:
            x = x_of(position(p.day, p.when.hour + p.when.minute / 60))
            page.rect(x - 1.5, y_of(p.pain) - 1.5, 3, 3, fill=INK)
    segment: list[tuple[float, float]] = []
    for m in insights.rolling:
        if m.mean is None:
            page.polyline(segment, colour=ACCENT, width=2)
            segment = []
            continue
        segment.append((x_of((m.day - insights.first).days + 0.5), y_of(m.mean)))
    page.polyline(segment, colour=ACCENT, width=2)
    page.line(left, top + height, RIGHT, top + height, colour=DIM, width=0.6)
    flow.y = top + height + 28


def _relief_rows(flow: _Flow, groups: Sequence[ReliefGroup]) -> None:
    """A table with a bar and error bar per row: name, n, mean, interval."""
    lows = [g.stats.low for g in groups if g.stats.low is not None]
    highs = [g.stats.high for g in groups if g.stats.high is not None]
    means = [g.stats.mean for g in groups if g.stats.mean is not None]
    low = math.floor(min([-1.0, *lows, *means]))
    high = math.ceil(max([1.0, *highs, *means]))
    name_w, chart_left = 170.0, MARGIN + 355
    chart_w = RIGHT - chart_left

    def x_of(v: float) -> float:
        return chart_left + (v - low) / (high - low) * chart_w

    def header(page: Page) -> None:
        for label, x, align in (
            ("sessions", MARGIN + name_w + 30, "right"),
            ("mean", MARGIN + name_w + 75, "right"),
            ("95 % interval", MARGIN + name_w + 125, "center"),
            (f"{low:+d}", x_of(low), "center"),
            ("0", x_of(0), "center"),
            (f"{high:+d}", x_of(high), "center"),
        ):
            page.text(x, flow.y, label, size=8.5, colour=DIM, align=align)
        flow.y += 8

    page = flow.need(40)
    header(page)
    for g in groups:
        if flow.need(18) is not page:  # a new page: the columns need their names again
            page = flow.page
            flow.y += 8
            header(page)
        row = flow.y
        page.rect(MARGIN - 4, row, CONTENT_WIDTH + 8, 16, fill=PANEL)
        name = g.name
        while len(name) > 3 and _too_wide(name, name_w):
            name = name[:-2] + "…"
        s = g.stats
        page.text(MARGIN, row + 11.5, name, size=9.5, colour=INK)
        page.text(MARGIN + name_w + 30, row + 11.5, str(g.n), size=9.5, colour=INK, align="right")
        page.text(
            MARGIN + name_w + 75,
            row + 11.5,
            f"{s.mean:+.1f}" if s.mean is not None else "",
            size=9.5,
            colour=INK,
            align="right",
        )
        interval = (
            f"{s.low:+.1f} to {s.high:+.1f}" if s.low is not None and s.high is not None else "n/a"
        )
        page.text(MARGIN + name_w + 125, row + 11.5, interval, size=9, colour=DIM, align="center")
        page.line(x_of(0), row, x_of(0), row + 16, colour=DIM, width=0.5)
        if s.mean is not None:
            a, b = sorted((x_of(0), x_of(s.mean)))
            page.rect(a, row + 4, max(b - a, 0.8), 8, fill=ACCENT_LIGHT)
        if s.low is not None and s.high is not None:
            page.line(x_of(s.low), row + 8, x_of(s.high), row + 8, colour=ACCENT, width=1.2)
            for v in (s.low, s.high):
                page.line(x_of(v), row + 4.5, x_of(v), row + 11.5, colour=ACCENT, width=1.2)
        flow.y += 18
    flow.y += 6


def _too_wide(name: str, width: float) -> bool:
    return text_width(name, 9.5) > width


def _relief(flow: _Flow, insights: Insights) -> None:
    flow.heading("Relief by what was played", room=90)
    flow.para(
        "Relief = pain before minus pain after a session (positive: the pain eased), for "
        "sessions rated both before and after. A session counts for each item it played. "
        "Bars: the mean; lines: its 95 % confidence interval.",
        size=9,
        colour=DIM,
    )
    shown = insights.by_source[:MAX_SOURCE_ROWS]
    if shown:
        _relief_rows(flow, shown)
    else:
        flow.para(
            f"No source has {MIN_RATED} or more sessions rated before and after yet.", size=10
        )
    if len(insights.by_source) > MAX_SOURCE_ROWS:
        flow.para(
            f"{len(insights.by_source) - MAX_SOURCE_ROWS} more sources not shown.",
            size=9,
            colour=DIM,
        )
    if insights.too_few:
        names = ", ".join(f"{g.name} ({g.n})" for g in insights.too_few)
        flow.para(
            f"{TOO_FEW.capitalize()} (fewer than {MIN_RATED} rated sessions): {names}.",
            size=9,
            colour=DIM,
        )
    flow.heading("Relief by kind of session", room=60)
    if insights.by_mode:
        _relief_rows(flow, insights.by_mode)
    else:
        flow.para("No session was rated both before and after in this period.", size=10)


def _experiment(flow: _Flow, result: ExperimentResult) -> None:
    e = result.experiment
    flow.heading("Experiment: ASMR against resting without it", room=120)
    state = "finished" if result.finished else "still running; results so far"
    stopped = " (ended early)" if e.end < e.planned_end else ""
    flow.para(f"{_day(e.start)} to {_day(e.end)}{stopped}, {state}.", size=10, colour=DIM)
    flow.para(result.headline + ".", size=12, bold=True)
    flow.para(result.detail, size=10)
    flow.y += 4
    flow.para("Keep in mind:", size=10, bold=True)
    for caveat in result.caveats:
        flow.para("- " + caveat, size=9.5, colour=INK, indent=8)


def build_report(insights: Insights, generated: datetime, tz: tzinfo | None = None) -> Document:
    """The report as a :class:`Document`, ready to save."""
    doc = Document(TITLE, generated)
    flow = _Flow(doc, DISCLAIMER)
    page = flow.page
    page.text(MARGIN, flow.y + 14, TITLE, size=22, bold=True, colour=INK)
    flow.y += 40
    days = (insights.last - insights.first).days + 1
    length = "1 day" if days == 1 else f"{days} days"
    flow.para(
        f"Period: {_day(insights.first)} to {_day(insights.last)} ({length}). "
        f"Made on {_day(generated.astimezone(tz).date())} with ASMR Desktop.",
        colour=DIM,
    )
    if insights.empty:
        flow.y += 10
        flow.para("No sessions were recorded in this period.", size=12, bold=True)
        return doc
    headache = sum(m.headache_days for m in insights.monthly)
    recorded = sum(m.recorded_days for m in insights.monthly)
    reliefs = [g for g in insights.by_mode if g.stats.mean is not None]
    flow.para(
        f"{insights.sessions} sessions, {insights.rated} rated afterwards. Headache days "
        f"(any rating above 0): {headache} of {recorded} days with a rating."
        + (f" Sessions rated before and after: {sum(g.n for g in reliefs)}." if reliefs else ""),
    )
    flow.y += 4
    _month_chart(flow, insights)
    _ratings_chart(flow, insights)
    _relief(flow, insights)
    if insights.experiment is not None:
        _experiment(flow, insights.experiment)
    if insights.tolerance.flagged:
        flow.heading("A possible sign of getting used to it", room=50)
        flow.para(insights.tolerance.message, size=10)
    return doc


def write_report(
    path: Path, insights: Insights, generated: datetime, tz: tzinfo | None = None
) -> int:
    """Write the PDF atomically (owner-only, it holds health data); returns the page count."""
    doc = build_report(insights, generated, tz)
    try:
        doc.save(path)
    except OSError as exc:
        raise ReportError(f"Could not write the report to {path}: {exc.strerror or exc}.") from exc
    return len(doc.pages)
