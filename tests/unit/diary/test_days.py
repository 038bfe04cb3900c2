"""Day records: strict validation, one per date, unknown is never headache-free."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import (
    TABLE,
    Day,
    DayBook,
    DayStatus,
    Headache,
    Medication,
    MedKind,
    check_day,
    check_medication,
)
from asmr_desktop.diary.model import DiaryError
from tests.helpers.clock import FakeClock

UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()  # 2026-03-01 21:00 UTC


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    s = Store(tmp_path / "db.json", clock=clock)
    yield s
    s.close()


@pytest.fixture
def book(store: Store, clock: FakeClock) -> DayBook:
    return DayBook(store, clock, UTC_ZONE)


def test_a_day_without_a_record_is_unknown_not_headache_free(book: DayBook) -> None:
    assert book.status(date(2026, 2, 27)) is DayStatus.UNKNOWN
    book.record(date(2026, 2, 28), Headache.NONE)
    assert book.status(date(2026, 2, 28)) is DayStatus.HEADACHE_FREE
    assert book.status(date(2026, 2, 27)) is DayStatus.UNKNOWN
    book.record(date(2026, 2, 27), "mild", pain=2)
    assert book.status(date(2026, 2, 27)) is DayStatus.HEADACHE


def test_recording_a_day_twice_replaces_it(book: DayBook, store: Store) -> None:
    first = book.record(date(2026, 3, 1), Headache.SEVERE, pain=8)
    second = book.record(
        date(2026, 3, 1),
        Headache.MILD,
        medication=[Medication("ibuprofen", MedKind.SIMPLE, "400 mg", "14:30")],
    )
    assert len(store.all(TABLE)) == 1
    assert second.uid == first.uid
    again = book.get(date(2026, 3, 1))
    assert again is not None and again.headache is Headache.MILD and again.pain is None
    assert again.medication == (Medication("ibuprofen", MedKind.SIMPLE, "400 mg", "14:30"),)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-03-03", "future"),  # today is 1 March: the day after tomorrow
        ("1999-12-31", "outside"),
        ("2026-02-30", "not a date"),
        ("01.03.2026", "YYYY-MM-DD"),
        (20260301, "not 20260301"),
        ("2026-3-1", "YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_refused(book: DayBook, value: object, words: str) -> None:
    with pytest.raises(DiaryError, match=words):
        check_day(value, book.latest())


def test_tomorrow_is_the_latest_day(book: DayBook) -> None:
    assert check_day("2026-03-02", book.latest()) == date(2026, 3, 2)
    assert check_day("2000-01-01", book.latest()) == date(2000, 1, 1)


@pytest.mark.parametrize(
    ("headache", "pain", "words"),
    [
        ("bad", None, "not one of"),
        ("Severe", None, "not one of"),
        ("severe", 2, "2 is mild, not severe"),
        ("none", 1, "1 is mild"),
        ("mild", 11, "from 0 to 10"),
        ("mild", "2", "whole number"),
        ("mild", True, "whole number"),
        ("mild", 2.0, "whole number"),
    ],
)
def test_bad_levels_are_refused_and_nothing_saved(
    book: DayBook, store: Store, headache: str, pain: object, words: str
) -> None:
    with pytest.raises(DiaryError, match=words):
        book.record(date(2026, 3, 1), headache, pain=pain)  # type: ignore[arg-type]
    assert store.all(TABLE) == []


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ({"day": "2026-03-01"}, "missing its 'headache'"),
        ({"day": "2026-03-01", "headache": "mild", "colour": 1}, "Unknown field"),
        ({"day": "2026-03-01", "headache": "mild", "medication": "ibuprofen"}, "must be a list"),
        (
            {"day": "2026-03-01", "headache": "mild", "medication": [{"name": ""}]},
            "needs a name",
        ),
        (
            {"day": "2026-03-01", "headache": "mild", "medication": [{"name": "x", "time": "9"}]},
            "HH:MM",
        ),
        (
            {"day": "2026-03-01", "headache": "mild", "medication": [{"name": "x", "kind": "t"}]},
            "not one of",
        ),
        ({"day": "2026-03-01", "headache": "mild", "note": 5}, "must be text"),
        ({"day": "2026-03-01", "headache": "mild", "recorded": "2026-03-01T10:00"}, "time zone"),
    ],
)
def test_records_are_checked_strictly(record: dict[str, object], words: str) -> None:
    with pytest.raises(DiaryError, match=words):
        Day.from_record(record, date(2026, 3, 2))


def test_a_damaged_stored_day_is_set_aside_not_fatal(book: DayBook, store: Store) -> None:
    book.record(date(2026, 2, 28), Headache.MODERATE, pain=5)
    store.insert(TABLE, {"day": "2026-02-27", "headache": "awful"})
    assert [d.day for d in book.days()] == [date(2026, 2, 28)]
    assert len(book.set_aside()) == 1 and "awful" in book.set_aside()[0].reason


def test_round_trip_through_a_record() -> None:
    day = Day(
        date(2026, 2, 1),
        Headache.SEVERE,
        pain=9,
        medication=(check_medication("Sumatriptan", MedKind.TRIPTAN, "50 mg", "07:15"),),
        note="Ελληνικά, עברית",
    )
    assert Day.from_record(day.to_record(), date(2026, 3, 2)) == day


def test_remembered_names_most_used_first(book: DayBook) -> None:
    for n in range(3):
        book.record(
            date(2026, 2, 1) + timedelta(days=n), "mild", medication=[Medication("Ibuprofen")]
        )
    book.record(date(2026, 2, 10), "mild", medication=[Medication("sumatriptan")])
    assert book.medication_names() == ["Ibuprofen", "sumatriptan"]


def test_remove_makes_a_day_unknown_again(book: DayBook) -> None:
    book.record(date(2026, 2, 1), "none")
    assert book.remove(date(2026, 2, 1)) is not None
    assert book.status(date(2026, 2, 1)) is DayStatus.UNKNOWN
