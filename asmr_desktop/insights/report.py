"""A report to take to a doctor: the period; headache days and medication days per month
(unknown days shown as unknown, partial months labelled); the medication-overuse notice
when it applies; sessions marked unusual and the red-flag advice given; the triggers and
care most often noted; ratings over time; relief by source and mode; the randomised
self-trial's design and result; the hand-picked comparison; and the person's own notes
only when asked for. A4, print colours (a light page is fine on paper), no Qt.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.diary.days import Day
from asmr_desktop.diary.medication import KIND_WORDS
from asmr_desktop.diary.model import Session
from asmr_desktop.diary.service import (
    ADVICE_FREQUENT_SEVERE,
    ADVICE_UNUSUAL,
    RED_FLAG_WINDOW,
    is_severe,
    red_flag_advice,
)
from asmr_desktop.insights.days import MonthDays
from asmr_desktop.insights.experiment import ExperimentResult
from asmr_desktop.insights.fonts import Typesetter
from asmr_desktop.insights.pdf import A4_HEIGHT, A4_WIDTH, Document, Page
from asmr_desktop.insights.relief import MIN_RATED, TOO_FEW, ReliefGroup
from asmr_desktop.insights.shaping import paragraph_level
from asmr_desktop.insights.summary import Insights
from asmr_desktop.insights.timeline import Moment
from asmr_desktop.insights.trial import ARM_WORDS, Done, TrialResult

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
#: Notes shown when asked for; a longer period keeps the most recent ones.
MAX_NOTES = 300
#: Unusual or severe-advice sessions listed by date; more are counted.
MAX_RED_FLAG_DATES = 40


class ReportError(AsmrError):
    """The report could not be written."""


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _when(moment: datetime, tz: tzinfo | None) -> str:
    local = moment.astimezone(tz)
    return f"{_day(local.date())} {local:%H:%M}"


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
        for line in self.doc.fonts.wrap(self.footer, CONTENT_WIDTH - 60, 8.5):
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
        """Wrapped text; a paragraph that starts right to left (Hebrew, Arabic) is set
        flush right, each of its lines in that paragraph's direction."""
        fonts = self.doc.fonts
        step = size * 1.35
        for paragraph in text.split("\n"):
            base = paragraph_level(paragraph)
            lines = fonts.wrap(paragraph, CONTENT_WIDTH - indent, size, bold)
            for line in lines:
                page = self.need(step)
                x, align = (RIGHT, "right") if base else (MARGIN + indent, "left")
                page.text(
                    x, self.y, line, size=size, bold=bold, colour=colour, align=align, base=base
                )
                self.y += step


def _nice_max(value: float) -> int:
    return max(1, math.ceil(value))


def _table(
    flow: _Flow,
    columns: Sequence[tuple[str, float, str]],
    rows: Sequence[Sequence[str]],
    *,
    size: float = 9,
) -> None:
    """A plain table: (name, x, align) per column; the header repeats on a new page."""

    def header(page: Page) -> None:
        for name, x, align in columns:
            page.text(x, flow.y + 9, name, size=8.5, colour=DIM, align=align)
        flow.y += 14
        page.line(MARGIN, flow.y - 2, RIGHT, flow.y - 2, colour=GRID, width=0.5)

    step = size * 1.55
    page = flow.need(14 + 2 * step)
    header(page)
    for i, row in enumerate(rows):
        if flow.need(step) is not page:
            page = flow.page
            header(page)
        if i % 2:
            page.rect(MARGIN - 4, flow.y, CONTENT_WIDTH + 8, step, fill=PANEL)
        for (_name, x, align), cell in zip(columns, row, strict=True):
            page.text(x, flow.y + step - 4, cell, size=size, colour=INK, align=align)
        flow.y += step
    flow.y += 6


def _month_chart(flow: _Flow, insights: Insights) -> None:
    """Headache days and medication days per calendar month, from every recorded day."""
    months = insights.months[-MAX_MONTH_BARS:]
    flow.heading("Headache days and medication days per month", room=200)
    if len(insights.months) > MAX_MONTH_BARS:
        flow.para(f"The last {MAX_MONTH_BARS} months of the period.", size=9, colour=DIM)
    flow.para(
        "From every recorded day: the daily check-ins and the ratings of sessions. Dark: "
        "headache days; light: days recorded without headache; white: days with no record, "
        "which are unknown, not headache-free; amber: days with any medicine. "
        "* marks a partial month (the period cuts it, or it has not ended yet).",
        size=9,
        colour=DIM,
    )
    height = 130.0
    page = flow.need(height + 40)
    top = flow.y + 6
    left = MARGIN + 28
    width = RIGHT - left
    top_value = 31
    for tick in (0, 10, 20, 31):
        y = top + height - tick / top_value * height
        page.line(left, y, RIGHT, y, colour=GRID, width=0.4)
        page.text(left - 5, y + 3, str(tick), size=8, colour=DIM, align="right")
    slot = width / max(1, len(months))
    bar = min(22.0, slot * 0.55)
    med = min(6.0, slot * 0.18)
    label_every = max(1, math.ceil(len(months) / 12))

    def h(days: int) -> float:
        return days / top_value * height

    base = top + height
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar - med - 1) / 2
        page.rect(x, base - h(month.days), bar, h(month.days), stroke=DIM, width=0.4)
        page.rect(x, base - h(month.known_days), bar, h(month.known_days), fill=ACCENT_LIGHT)
        page.rect(x, base - h(month.headache_days), bar, h(month.headache_days), fill=ACCENT)
        if month.medication_days:
            page.rect(
                x + bar + 1,
                base - h(month.medication_days),
                med,
                h(month.medication_days),
                fill=BEFORE,
            )
        if slot >= 18:
            page.text(
                x + bar / 2,
                base - h(month.headache_days) - 3,
                str(month.headache_days),
                size=8,
                colour=INK,
                align="center",
            )
        if i % label_every == 0:
            label = month.label + ("*" if month.partial else "")
            page.text(x + bar / 2, base + 12, label, size=7.5, colour=DIM, align="center")
    page.line(left, base, RIGHT, base, colour=DIM, width=0.6)
    flow.y = base + 26
    _table(
        flow,
        (
            ("month", MARGIN, "left"),
            ("headache days", MARGIN + 230, "right"),
            ("medication days", MARGIN + 320, "right"),
            ("recorded days", MARGIN + 400, "right"),
            ("unknown days", RIGHT, "right"),
        ),
        [_month_row(m) for m in reversed(months)],
    )


def _month_row(month: MonthDays) -> list[str]:
    days = f"{month.known_days} of {month.days}"
    return [
        month.title,
        str(month.headache_days),
        str(month.medication_days),
        days,
        str(month.unknown_days),
    ]


def _medicines(flow: _Flow, days: Sequence[Day]) -> None:
    """Each medicine's name as typed, its kind, and on how many days it was noted."""
    counts: Counter[tuple[str, str]] = Counter()
    for d in days:
        for key in {(m.name, KIND_WORDS[m.kind]) for m in d.medication}:
            counts[key] += 1
    if not counts:
        return
    flow.heading("Medicines noted", room=40)
    rows = [
        [name, kind, f"{n} day{'s' if n != 1 else ''}"]
        for (name, kind), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    _table(
        flow,
        (("name", MARGIN, "left"), ("kind", MARGIN + 250, "left"), ("on", RIGHT, "right")),
        rows,
    )


def _red_flags(flow: _Flow, sessions: Sequence[Session], tz: tzinfo | None) -> None:
    """Sessions marked unusual, and the red-flag advice the app gave after ratings."""
    flow.heading("Red flags and the advice given", room=60)
    ordered = sorted(sessions, key=lambda s: s.started)
    severe = [s for s in ordered if is_severe(s)]
    starts = [s.started for s in severe]
    unusual: list[Session] = []
    frequent: list[Session] = []
    for s in ordered:
        if s.unusual:
            unusual.append(s)
            continue
        if not is_severe(s) or s.pain_after is None:
            continue
        when = s.rated_at or s.ended or s.started
        nearby = severe[
            bisect.bisect_left(starts, when - RED_FLAG_WINDOW) : bisect.bisect_right(starts, when)
        ]
        if red_flag_advice(s, nearby, when) is not None:
            frequent.append(s)
    if not unusual and not frequent:
        flow.para(
            "No session was marked unusual, and no red-flag advice was given in this period.",
            size=10,
        )
        return
    for found, title, advice in (
        (unusual, "Marked \u201cthis headache is unusual\u201d", ADVICE_UNUSUAL),
        (frequent, "Pain 9 or 10 for the third time within a week", ADVICE_FREQUENT_SEVERE),
    ):
        if not found:
            continue
        flow.para(f"{title}: {len(found)} session{'s' if len(found) != 1 else ''}.", bold=True)
        listed = [_session_line(s, tz) for s in found[-MAX_RED_FLAG_DATES:]]
        if len(found) > MAX_RED_FLAG_DATES:
            listed.insert(0, f"({len(found) - MAX_RED_FLAG_DATES} earlier ones not listed)")
        flow.para("; ".join(listed) + ".", size=9.5, indent=8)
        flow.para("The advice the app showed:", size=9, colour=DIM, indent=8)
        flow.para(advice.replace("\n\n", " "), size=9, colour=DIM, indent=8)
        flow.y += 4


def _session_line(s: Session, tz: tzinfo | None) -> str:
    pains = []
    if s.pain_before is not None:
        pains.append(f"before {s.pain_before}")
    if s.pain_after is not None:
        pains.append(f"after {s.pain_after}")
    extra = f", most bothersome: {s.symptom}" if s.symptom and s.symptom != "none" else ""
    return f"{_when(s.started, tz)} (pain {', '.join(pains) or 'not rated'}{extra})"


def _triggers_and_care(flow: _Flow, sessions: Sequence[Session]) -> None:
    triggers = Counter(t for s in sessions for t in s.triggers)
    care = Counter(c for s in sessions for c in s.care)
    flow.heading("Triggers and care most often noted", room=40)
    if not triggers and not care:
        flow.para("No triggers or care were noted with the sessions of this period.", size=10)
        return
    for label, counts in (("Triggers", triggers), ("Care taken", care)):
        if counts:
            listed = ", ".join(f"{name} ({n})" for name, n in counts.most_common())
            flow.para(f"{label}, by the number of sessions noting them: {listed}.", size=10)


def _trial(flow: _Flow, result: TrialResult) -> None:
    t = result.trial
    flow.heading("Randomised self-trial: ASMR evenings against rest evenings", room=140)
    end = f"{_day(t.last)}" + (" (ended early)" if t.last < t.end else "")
    state = "finished" if result.finished else "still running; results so far"
    flow.para(f"{_day(t.start)} to {end}, {state}.", size=10, colour=DIM)
    flow.para("Design: " + result.design, size=10)
    done = Counter(e.done for e in result.evenings)
    as_drawn = done[Done.AS_DRAWN]
    parts = [f"{as_drawn} evening{'s' if as_drawn != 1 else ''} done as drawn"]
    parts += [f"{n} {kind}" for kind, n in done.items() if kind is not Done.AS_DRAWN]
    flow.para(
        "Evenings: " + ", ".join(parts) + ". An evening not done as drawn is left out of "
        "the relief comparison, never moved to the other kind.",
        size=10,
    )
    missed = result.not_as_drawn
    if missed:
        flow.para(
            "Not done as drawn: "
            + "; ".join(
                f"{_day(e.day)} (drawn: {ARM_WORDS[e.drawn]}; done: {e.done})" for e in missed
            )
            + ".",
            size=9,
            colour=DIM,
            indent=8,
        )
    flow.y += 6
    flow.para(
        ("So far: " if not result.finished else "") + result.headline + ".", size=12, bold=True
    )
    flow.para(result.relief_text, size=10)
    flow.para(result.next_day_text, size=10)
    flow.y += 4
    flow.para("Its limits:", size=10, bold=True)
    for limit in result.limits:
        flow.para("- " + limit, size=9.5, indent=8)


def _notes(
    flow: _Flow, sessions: Sequence[Session], days: Sequence[Day], tz: tzinfo | None
) -> None:
    notes: list[tuple[datetime | date, str, str]] = []
    for s in sessions:
        if s.note.strip():
            notes.append((s.started.astimezone(tz), f"Session {_when(s.started, tz)}", s.note))
    for d in days:
        if d.note.strip():
            notes.append((d.day, f"Day {_day(d.day)}", d.note))
    notes.sort(
        key=lambda n: (
            n[0]
            if isinstance(n[0], datetime)
            else datetime.combine(n[0], datetime.min.time()).astimezone(tz)
        )
    )
    flow.heading("Your notes", room=40)
    if not notes:
        flow.para("No notes were written in this period.", size=10)
        return
    if len(notes) > MAX_NOTES:
        flow.para(f"The most recent {MAX_NOTES} of {len(notes)} notes.", size=9, colour=DIM)
        notes = notes[-MAX_NOTES:]
    for _when_key, label, text in notes:
        flow.need(30)
        flow.para(label, size=8.5, colour=DIM)
        flow.para(text, size=10)
        flow.y += 3


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
        while len(name) > 3 and _too_wide(flow.doc.fonts, name, name_w):
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


def _too_wide(fonts: Typesetter, name: str, width: float) -> bool:
    return fonts.width(name, 9.5) > width


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
    flow.heading("Experiment you planned yourself (not randomised)", room=120)
    state = "finished" if result.finished else "still running; results so far"
    stopped = " (ended early)" if e.end < e.planned_end else ""
    flow.para(f"{_day(e.start)} to {_day(e.end)}{stopped}, {state}.", size=10, colour=DIM)
    flow.para(result.headline + ".", size=12, bold=True)
    flow.para(result.detail, size=10)
    flow.y += 4
    flow.para("Keep in mind:", size=10, bold=True)
    for caveat in result.caveats:
        flow.para("- " + caveat, size=9.5, colour=INK, indent=8)


def build_report(
    insights: Insights,
    generated: datetime,
    tz: tzinfo | None = None,
    *,
    notes: bool = False,
    fonts: Typesetter | None = None,
) -> Document:
    """The report as a :class:`Document`, ready to save. The person's notes are in it only
    with ``notes``."""
    doc = Document(TITLE, generated, fonts)
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
        flow.para("No sessions or days were recorded in this period.", size=12, bold=True)
        return doc
    headache = sum(m.headache_days for m in insights.months)
    known = sum(m.known_days for m in insights.months)
    medication = sum(m.medication_days for m in insights.months)
    reliefs = [g for g in insights.by_mode if g.stats.mean is not None]
    flow.para(
        f"{insights.sessions} sessions, {insights.rated} rated afterwards; "
        f"{insights.day_records} days recorded with the daily check-in. Headache days: "
        f"{headache} of {known} recorded days ({days - known} days unknown); days with "
        f"medicine: {medication}."
        + (f" Sessions rated before and after: {sum(g.n for g in reliefs)}." if reliefs else ""),
    )
    if insights.overuse is not None:
        flow.heading("A note about medicines", room=50)
        flow.para(insights.overuse.message, size=10.5, bold=False)
    flow.y += 4
    _month_chart(flow, insights)
    _medicines(flow, insights.period_days)
    _red_flags(flow, insights.period_sessions, tz)
    _triggers_and_care(flow, insights.period_sessions)
    _ratings_chart(flow, insights)
    _relief(flow, insights)
    if insights.trial is not None:
        _trial(flow, insights.trial)
    if insights.experiment is not None:
        _experiment(flow, insights.experiment)
    if insights.tolerance.flagged:
        flow.heading("A possible sign of getting used to it", room=50)
        flow.para(insights.tolerance.message, size=10)
    if notes:
        _notes(flow, insights.period_sessions, insights.period_days, tz)
    return doc


def write_report(
    path: Path,
    insights: Insights,
    generated: datetime,
    tz: tzinfo | None = None,
    *,
    notes: bool = False,
) -> int:
    """Write the PDF atomically (owner-only, it holds health data); returns the page count.
    The person's notes are in it only with ``notes``."""
    doc = build_report(insights, generated, tz, notes=notes)
    try:
        doc.save(path)
    except OSError as exc:
        raise ReportError(f"Could not write the report to {path}: {exc.strerror or exc}.") from exc
    return len(doc.pages)
