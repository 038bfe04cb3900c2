"""Medication kinds and ICHD-3's overuse thresholds, at their boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from asmr_desktop.diary.days import Day, Headache, Medication, MedKind
from asmr_desktop.diary.medication import (
    WINDOW_DAYS,
    check_overuse,
    kind_of,
    kind_table,
    parse_medication,
)

TODAY = date(2026, 6, 30)


def _month_days(per_window: int, kinds: tuple[MedKind, ...], windows: int = 3) -> list[Day]:
    """``per_window`` medication days in each of the last ``windows`` 30-day windows."""
    days = []
    for w in range(windows):
        last = TODAY - timedelta(days=w * WINDOW_DAYS)
        for n in range(per_window):
            meds = tuple(Medication(str(k), k) for k in kinds)
            days.append(Day(last - timedelta(days=n), Headache.MILD, medication=meds))
    return days


def test_names_map_to_kinds_and_settings_change_them() -> None:
    assert kind_of("Ibuprofen") is MedKind.SIMPLE
    assert kind_of("sumatriptan 50") is MedKind.TRIPTAN
    assert kind_of("something new") is MedKind.OTHER
    table = kind_table({"MyPill": "triptan", "ibuprofen": "other", "bad": "candy"})
    assert kind_of("mypill", table) is MedKind.TRIPTAN
    assert kind_of("ibuprofen", table) is MedKind.OTHER
    assert kind_of("bad", table) is MedKind.OTHER


def test_parse_name_and_amount() -> None:
    med = parse_medication("ibuprofen:400 mg")
    assert (med.name, med.amount, med.kind) == ("ibuprofen", "400 mg", MedKind.SIMPLE)


@pytest.mark.parametrize(
    ("kind", "threshold"),
    [
        (MedKind.SIMPLE, 15),
        (MedKind.TRIPTAN, 10),
        (MedKind.COMBINATION, 10),
        (MedKind.OPIOID, 10),
    ],
)
def test_each_class_at_its_threshold(kind: MedKind, threshold: int) -> None:
    below = check_overuse(_month_days(threshold - 1, (kind,)), TODAY)
    # 14 days of simple analgesics alone are no overuse: the combined 10-day rule (8.2.6)
    # is for a mix of classes.
    assert below is None
    at = check_overuse(_month_days(threshold, (kind,)), TODAY)
    assert at is not None and at.kinds == (kind,) and not at.combined
    assert "doctor" in at.message and "not a diagnosis" in at.message


def test_two_months_are_not_three() -> None:
    assert check_overuse(_month_days(20, (MedKind.TRIPTAN,), windows=2), TODAY) is None


def test_a_mix_of_classes_counts_together() -> None:
    """Simple analgesics on 5 days and triptans on 5 others: 10 acute days (8.2.6)."""
    days = []
    for w in range(3):
        last = TODAY - timedelta(days=w * WINDOW_DAYS)
        for n in range(10):
            kind = MedKind.SIMPLE if n % 2 else MedKind.TRIPTAN
            days.append(Day(last - timedelta(days=n), Headache.MILD, (), (Medication("x", kind),)))
    notice = check_overuse(days, TODAY)
    assert notice is not None and notice.combined and notice.kinds == ()
    nine = [d for d in days if d.day != TODAY]
    assert check_overuse(nine, TODAY) is None


def test_other_medicines_do_not_count() -> None:
    assert check_overuse(_month_days(30, (MedKind.OTHER,)), TODAY) is None
