"""What was heard travels with the session: the store, CSV and the JSON backup; records
from before it was kept say "not known", never "everything was heard"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from asmr_desktop.core.store import Store
from asmr_desktop.diary.backup import export_csv, export_json, import_json
from asmr_desktop.diary.model import DiaryError, EndReason, Mode, Session
from asmr_desktop.diary.service import Diary
from tests.helpers.clock import FakeClock

FIXTURE = Path(__file__).parent / "data" / "backup-v1.json"


def recorded(diary: Diary, clock: FakeClock) -> Session:
    session = diary.start(Mode.AUDIO, playlist="Evening", items=["Rain", "Brown", "Fire"])
    assert session.id is not None
    clock.advance(minutes=25)
    return diary.end(
        session.id,
        EndReason.STOPPED,
        measured_s=1500.0,
        heard=[("Rain", 1200.0), ("Brown", 330.0)],
        last_item="Brown",
    )


def test_heard_is_kept_and_exported(tmp_path: Path) -> None:
    clock = FakeClock()
    store = Store(tmp_path / "db.json", clock=clock)
    diary = Diary(store, clock)
    session = recorded(diary, clock)
    assert session.id is not None
    again = diary.get(session.id)
    assert again.heard == [("Rain", 1200.0), ("Brown", 330.0)] and again.last_item == "Brown"
    export_csv(diary, tmp_path / "d.csv")
    (row,) = csv.DictReader(io.StringIO((tmp_path / "d.csv").read_text(encoding="utf-8")))
    assert row["heard"] == "Rain=20.0 | Brown=5.5" and row["last_item"] == "Brown"
    assert row["items"] == "Rain | Brown | Fire" and row["duration_min"] == "25.0"
    export_json(diary, tmp_path / "b.json", clock())
    store.close()
    other = Store(tmp_path / "other.json", clock=clock)
    import_json(other, tmp_path / "b.json", clock)
    (imported,) = Diary(other, clock).sessions()
    assert imported.heard == again.heard and imported.measured_s == 1500.0
    other.close()


def test_a_version_1_backup_knows_nothing_of_what_was_heard(tmp_path: Path) -> None:
    clock = FakeClock()
    store = Store(tmp_path / "db.json", clock=clock)
    import_json(store, FIXTURE, clock)
    sessions = Diary(store, clock).sessions()
    assert sessions and all(s.heard is None and s.last_item is None for s in sessions)
    store.close()


@pytest.mark.parametrize(
    "heard",
    ["Rain", [["Rain"]], [["Rain", -3]], [["Rain", float("nan")]], [["Rain", "12"]], [[5, 12.0]]],
)
def test_a_bad_heard_list_is_refused(heard: object) -> None:
    record = Session(started=FakeClock()(), mode=Mode.AUDIO).to_record()
    record["heard"] = heard
    with pytest.raises(DiaryError):
        Session.from_record(record)
