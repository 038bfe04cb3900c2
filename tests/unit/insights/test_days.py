"""Monthly headache and medication days: every recorded day, unknown stays unknown."""

from __future__ import annotations

from datetime import date

from asmr_desktop.diary.days import Day, Headache, Medication, MedKind
from asmr_desktop.insights.days import monthly_days
from asmr_desktop.insights.timeline import pain_points
from tests.unit.insights.factory import BERLIN, at, make

IBU = (Medication("ibuprofen", MedKind.SIMPLE),)


def test_check_ins_and_ratings_both_count_and_gaps_stay_unknown() -> None:
    days = [
        Day(date(2026, 2, 1), Headache.NONE),
        Day(date(2026, 2, 2), Headache.MILD, medication=IBU),
        Day(date(2026, 2, 3), Headache.NONE),
    ]
    # A session rating of 4 on 3 Feb (check-in said none) and one on 5 Feb (no check-in).
    sessions = [make(at("2026-02-03 21:00"), 4, 2), make(at("2026-02-05 21:00"), 0, 0)]
    points = pain_points(sessions, BERLIN)
    (feb,) = monthly_days(days, points, date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 10))
    assert (feb.headache_days, feb.medication_days, feb.known_days) == (2, 1, 4)
    assert feb.unknown_days == 24  # never counted as headache-free
    assert not feb.partial and feb.title == "Feb 2026"


def test_partial_months_are_labelled() -> None:
    months = monthly_days([], [], date(2026, 1, 15), date(2026, 3, 10), date(2026, 3, 10))
    assert [m.title for m in months] == ["Jan 2026 (partial)", "Feb 2026", "Mar 2026 (partial)"]
    assert months[0].days == 17 and months[0].unknown_days == 17
