"""Monthly headache days and medication days, the endpoints of preventive trials, from
every recorded day: check-ins (diary/days.py) and session ratings alike.

A day is *known* when it has a check-in or any pain rating; it is a headache day when the
check-in says so or any rating that day is above 0; a medication day when the check-in
lists a medicine. A day with neither is *unknown*: it is counted as unknown, never as
headache-free. A month the period cuts, or that has not ended yet, is *partial*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from asmr_desktop.diary.days import Day, Headache
from asmr_desktop.insights.timeline import PainPoint


@dataclass(frozen=True)
class MonthDays:
    """One calendar month, clipped to the period."""

    first: date
    last: date
    label: str  # 'Mar 2026'
    headache_days: int
    medication_days: int
    known_days: int
    partial: bool  # the period cuts it, or it has not ended yet

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def unknown_days(self) -> int:
        return self.days - self.known_days

    @property
    def title(self) -> str:
        return f"{self.label} (partial)" if self.partial else self.label


@dataclass(frozen=True)
class _DayFacts:
    headache: bool
    medication: bool


def day_facts(days: Iterable[Day], points: Iterable[PainPoint]) -> dict[date, _DayFacts]:
    """What is known about each date from check-ins and ratings."""
    facts: dict[date, _DayFacts] = {}
    for d in days:
        facts[d.day] = _DayFacts(d.headache is not Headache.NONE, d.took_medication)
    for p in points:
        known = facts.get(p.day)
        if known is None:
            facts[p.day] = _DayFacts(p.pain > 0, False)
        elif p.pain > 0 and not known.headache:
            facts[p.day] = _DayFacts(True, known.medication)
    return facts


def monthly_days(
    days: Sequence[Day],
    points: Sequence[PainPoint],
    first: date,
    last: date,
    today: date,
) -> list[MonthDays]:
    """Calendar months from ``first`` to ``last`` with headache, medication and known days."""
    facts = day_facts(days, points)
    result = []
    start = first.replace(day=1)
    while start <= last:
        following = (start + timedelta(days=32)).replace(day=1)
        month_end = following - timedelta(days=1)
        a, b = max(start, first), min(month_end, last)
        inside = [facts[day] for day in _dates(a, b) if day in facts]
        result.append(
            MonthDays(
                first=a,
                last=b,
                label=f"{start:%b %Y}",
                headache_days=sum(f.headache for f in inside),
                medication_days=sum(f.medication for f in inside),
                known_days=len(inside),
                partial=a != start or b != month_end or month_end >= today,
            )
        )
        start = following
    return result


def _dates(first: date, last: date) -> Iterable[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))
