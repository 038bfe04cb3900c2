"""All insights for one period at once, for the charts view and the PDF report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta, tzinfo

from asmr_desktop.diary.days import Day, DayBook
from asmr_desktop.diary.medication import WINDOW_DAYS as OVERUSE_WINDOW
from asmr_desktop.diary.medication import WINDOWS as OVERUSE_WINDOWS
from asmr_desktop.diary.medication import Overuse, check_overuse
from asmr_desktop.diary.model import Session
from asmr_desktop.diary.service import Diary
from asmr_desktop.insights.days import MonthDays, monthly_days
from asmr_desktop.insights.experiment import Experiment, ExperimentResult, Experiments, evaluate
from asmr_desktop.insights.relief import ReliefGroup, relief_by_mode, relief_by_source
from asmr_desktop.insights.timeline import (
    ROLLING_DAYS,
    DailyMean,
    HeadacheDays,
    PainPoint,
    headache_days_per_month,
    headache_days_per_week,
    pain_points,
    rolling_mean,
)
from asmr_desktop.insights.tolerance import WINDOW_DAYS, Tolerance, check_tolerance
from asmr_desktop.insights.trial import TrialResult, Trials, evaluate_trial

OVERUSE_DAYS = OVERUSE_WINDOW * OVERUSE_WINDOWS

#: The range picker's choices: label and number of days (None: everything recorded).
RANGES: tuple[tuple[str, int | None], ...] = (
    ("2 weeks", 14),
    ("4 weeks", 28),
    ("3 months", 91),
    ("All", None),
)


@dataclass(frozen=True)
class Insights:
    """What the diary shows for the local dates ``first`` to ``last``, both inclusive."""

    first: date
    last: date
    today: date
    sessions: int  # sessions that started in the period
    rated: int  # of those, with an after-rating
    points: list[PainPoint]
    rolling: list[DailyMean]
    weekly: list[HeadacheDays]
    monthly: list[HeadacheDays]
    by_source: list[ReliefGroup]  # those with enough rated sessions
    too_few: list[ReliefGroup]  # sources with fewer: "too few to tell"
    by_mode: list[ReliefGroup]
    tolerance: Tolerance
    experiment: ExperimentResult | None
    #: Headache and medication days per month from every recorded day (check-ins too).
    months: list[MonthDays] = field(default_factory=list)
    #: The medication-overuse notice when the last three months reach ICHD-3's thresholds.
    overuse: Overuse | None = None
    #: Day records (check-ins) in the period.
    day_records: int = 0
    #: The latest randomised self-trial, evaluated.
    trial: TrialResult | None = None
    #: The sessions and day records of the period themselves (the report lists red flags,
    #: triggers, care and, when asked, notes from them).
    period_sessions: tuple[Session, ...] = ()
    period_days: tuple[Day, ...] = ()

    @property
    def empty(self) -> bool:
        return self.sessions == 0 and self.day_records == 0


def period(
    days: int | None, today: date, sessions: Sequence[Session], tz: tzinfo | None
) -> tuple[date, date]:
    """The last ``days`` local days ending today, or from the first session (None)."""
    if days is not None:
        return today - timedelta(days=days - 1), today
    if not sessions:
        return today, today
    return min(min(s.started.astimezone(tz).date() for s in sessions), today), today


def summarize(
    sessions: Sequence[Session],
    first: date,
    last: date,
    today: date,
    tz: tzinfo | None = None,
    experiment: Experiment | None = None,
    days: Sequence[Day] = (),
) -> Insights:
    """Every statistic for [first, last]; ``sessions`` may reach further back (used for the
    rolling mean's first windows, the tolerance check and the experiment)."""
    in_period = [s for s in sessions if first <= s.started.astimezone(tz).date() <= last]
    all_points = pain_points(sessions, tz)
    window_start = first - timedelta(days=ROLLING_DAYS - 1)
    rolling_points = [p for p in all_points if window_start <= p.day <= last]
    points = [p for p in rolling_points if p.day >= first]
    sources = relief_by_source(in_period)
    day_records = [d for d in days if first <= d.day <= last]
    return Insights(
        first=first,
        last=last,
        today=today,
        sessions=len(in_period),
        rated=sum(1 for s in in_period if s.pain_after is not None),
        points=points,
        rolling=rolling_mean(rolling_points, first, last),
        weekly=headache_days_per_week(points, first, last),
        monthly=headache_days_per_month(points, first, last),
        by_source=[g for g in sources if g.enough],
        too_few=[g for g in sources if not g.enough],
        by_mode=relief_by_mode(in_period),
        tolerance=check_tolerance(sessions, today, tz),
        experiment=evaluate(experiment, sessions, today, tz) if experiment else None,
        months=monthly_days(day_records, points, first, last, today),
        overuse=check_overuse(days, today),
        day_records=len(day_records),
        period_sessions=tuple(in_period),
        period_days=tuple(day_records),
    )


def load(
    diary: Diary,
    experiments: Experiments | None,
    days: int | None,
    tz: tzinfo | None = None,
    book: DayBook | None = None,
    trials: Trials | None = None,
) -> Insights:
    """Read just the sessions (and days) needed and summarise a range picker choice."""
    today = diary.now().astimezone(tz).date()
    experiment = experiments.latest() if experiments is not None else None
    if days is None:
        sessions = diary.sessions()
    else:
        reach = [today - timedelta(days=days + ROLLING_DAYS), today - timedelta(days=WINDOW_DAYS)]
        if experiment is not None:
            reach.append(experiment.start)
        # A day either side: a session's local date may differ from the diary's filter zone.
        sessions = diary.sessions(min(reach) - timedelta(days=1), today + timedelta(days=1))
    # Days: the period (and its rolling reach), the overuse rule's 90 days, the trial's weeks.
    trial = trials.latest() if trials is not None else None
    day_reach = None
    if days is not None:
        day_reach = min(
            [*reach, today - timedelta(days=OVERUSE_DAYS)] + ([trial.start] if trial else [])
        )
    records = book.days(day_reach) if book is not None else []
    first, last = period(days, today, sessions, tz)
    if days is None and records:
        first = min(first, records[0].day)
    insights = summarize(sessions, first, last, today, tz, experiment, records)
    if trial is None:
        return insights
    if days is not None and trial.start < min(reach):  # read the trial's own weeks too
        sessions = diary.sessions(trial.start - timedelta(days=1), trial.last + timedelta(days=2))
    result = evaluate_trial(trial, sessions, records, today, tz)
    return replace(insights, trial=result)
