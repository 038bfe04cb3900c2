"""Days and medication travel in the JSON backup and a CSV; version-1 backups still import."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from asmr_desktop.core.store import Store
from asmr_desktop.diary.backup import (
    DAY_CSV_COLUMNS,
    export_days_csv,
    export_json,
    import_json,
)
from asmr_desktop.diary.days import TABLE as DAYS
from asmr_desktop.diary.days import DayBook, Headache, Medication, MedKind
from asmr_desktop.diary.model import DiaryError
from asmr_desktop.diary.service import TABLE, Diary
from tests.helpers.clock import FakeClock

V1_FIXTURE = Path(__file__).resolve().parent / "data" / "backup-v1.json"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    s = Store(tmp_path / "db.json", clock=clock)
    yield s
    s.close()


def _filled(store: Store, clock: FakeClock) -> DayBook:
    book = DayBook(store, clock)
    book.record(
        date(2026, 2, 27),
        Headache.SEVERE,
        pain=8,
        medication=[Medication("Sumatriptan", MedKind.TRIPTAN, "50 mg", "07:15")],
        note="=cmd|' /C calc'!A0",
    )
    book.record(date(2026, 2, 28), Headache.NONE)
    return book


def test_backup_round_trip_with_days(tmp_path: Path, store: Store, clock: FakeClock) -> None:
    book = _filled(store, clock)
    backup = tmp_path / "backup.json"
    export_json(Diary(store, clock), backup, clock(), book)
    document = json.loads(backup.read_text())
    assert document["version"] == 2 and len(document["days"]) == 2
    target = Store(tmp_path / "other.json", clock=clock)
    result = import_json(target, backup, clock)
    assert (result.days_added, result.days_already_there) == (2, 0)
    assert "Days: 2 added" in result.message()
    assert DayBook(target, clock).days() == [
        d.__class__(**{**d.__dict__, "id": n}) for n, d in enumerate(book.days(), start=1)
    ]
    again = import_json(target, backup, clock)
    assert (again.days_added, again.days_already_there) == (0, 2)
    target.close()


def test_a_bad_day_imports_nothing(tmp_path: Path, store: Store, clock: FakeClock) -> None:
    book = _filled(store, clock)
    backup = tmp_path / "backup.json"
    export_json(Diary(store, clock), backup, clock(), book)
    document = json.loads(backup.read_text())
    document["days"][1]["headache"] = "awful"
    backup.write_text(json.dumps(document))
    target = Store(tmp_path / "other.json", clock=clock)
    with pytest.raises(DiaryError, match=r"day 2: .*awful.*Nothing was imported"):
        import_json(target, backup, clock)
    assert target.all(DAYS) == [] and target.all(TABLE) == []
    target.close()


def test_version_1_backups_still_import(store: Store, clock: FakeClock) -> None:
    result = import_json(store, V1_FIXTURE, clock)
    assert result.added == 3 and result.days_added == 0


def test_days_csv_columns_and_neutralising(tmp_path: Path, store: Store, clock: FakeClock) -> None:
    path = tmp_path / "days.csv"
    assert export_days_csv(_filled(store, clock), path) == 2
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == [name for name, _ in DAY_CSV_COLUMNS]
    assert rows[1] == [
        "2026-02-27",
        "severe",
        "8",
        "1",
        "Sumatriptan (triptan) 50 mg at 07:15",
        "'=cmd|' /C calc'!A0",
    ]
    assert rows[2] == ["2026-02-28", "none", "", "0", "", ""]


def test_readme_documents_the_day_columns() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    for name, meaning in DAY_CSV_COLUMNS:
        assert f"| `{name}` | {meaning} |" in readme


def test_sessions_and_days_import_in_one_write(
    tmp_path: Path, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing across both tables: a kill or a full disk between two writes could
    leave the sessions in and the days out."""
    from asmr_desktop.core import store as store_module
    from asmr_desktop.diary.model import Mode

    book = _filled(store, clock)
    diary = Diary(store, clock)
    diary.start(Mode.REST)
    backup = tmp_path / "backup.json"
    export_json(diary, backup, clock(), book)
    target = Store(tmp_path / "other.json", clock=clock)
    writes: list[int] = []
    real = store_module.atomic_write_bytes
    monkeypatch.setattr(
        store_module, "atomic_write_bytes", lambda p, d: (writes.append(len(d)), real(p, d))
    )
    result = import_json(target, backup, clock)
    assert (result.added, result.days_added) == (1, 2)
    assert len(writes) == 1
    monkeypatch.undo()
    again = Store(tmp_path / "other.json", clock=clock)
    assert len(again.all(TABLE)) == 1 and len(again.all(DAYS)) == 2
    again.close()
    target.close()
