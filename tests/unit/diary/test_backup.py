"""CSV and JSON exports, and importing a backup: all-or-nothing, without duplicates."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from asmr_desktop.core.store import Store
from asmr_desktop.diary.backup import CSV_COLUMNS, export_csv, export_json, import_json
from asmr_desktop.diary.model import DiaryError, EndReason, Mode, RatingState
from asmr_desktop.diary.service import Diary
from tests.helpers.clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def filled(path: Path, clock: FakeClock) -> Diary:
    diary = Diary(Store(path), clock)
    a = diary.start(
        Mode.AUDIO, playlist="Before sleep", items=["rain", "brown"], volume=0.3, pain_before=6
    )
    assert a.id is not None
    clock.advance(minutes=30)
    diary.end(a.id, EndReason.STOPPED)
    diary.rate(a.id, 2, triggers=["stress"], care=["water"], symptom="light", note='says "hi", ok')
    b = diary.start(Mode.VISUAL, pain_before=8)
    assert b.id is not None
    clock.advance(minutes=10)
    diary.end(b.id, EndReason.SLEEP_TIMER)
    return diary


def test_csv_has_documented_columns_and_one_row_per_session(
    tmp_path: Path, clock: FakeClock
) -> None:
    diary = filled(tmp_path / "d.json", clock)
    out = tmp_path / "out.csv"
    assert export_csv(diary, out) == 2
    assert out.stat().st_mode & 0o777 == 0o600
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [name for name, _ in CSV_COLUMNS]
    assert rows[0]["pain_before"] == "6"
    assert rows[0]["pain_after"] == "2"
    assert rows[0]["category_after"] == "mild"
    assert rows[0]["relief"] == "4"
    assert rows[0]["duration_min"] == "30.0"
    assert rows[0]["items"] == "rain | brown"
    assert rows[0]["note"] == 'says "hi", ok'
    assert rows[1]["mode"] == "visual"
    assert rows[1]["rating"] == "deferred"
    assert rows[1]["pain_after"] == ""


def test_readme_documents_every_csv_column() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, _ in CSV_COLUMNS:
        assert f"`{name}`" in readme, f"README.md does not document the CSV column {name}"


def test_json_round_trip_merges_without_duplicates(tmp_path: Path, clock: FakeClock) -> None:
    diary = filled(tmp_path / "a.json", clock)
    backup = tmp_path / "backup.json"
    assert export_json(diary, backup, clock()) == 2
    other_store = Store(tmp_path / "b.json")
    other = Diary(other_store, clock)
    other.start(Mode.REST)
    first = import_json(other_store, backup, clock)
    assert (first.added, first.already_there) == (2, 0)
    again = import_json(other_store, backup, clock)
    assert (again.added, again.already_there) == (0, 2)
    originals = {s.uid: s.to_record() for s in diary.sessions()}
    imported = {s.uid: s.to_record() for s in other.sessions() if s.uid in originals}
    assert imported == originals


def _backup_with(tmp_path: Path, clock: FakeClock, change: dict[str, object]) -> Path:
    diary = filled(tmp_path / "src.json", clock)
    backup = tmp_path / "backup.json"
    export_json(diary, backup, clock())
    doc = json.loads(backup.read_text())
    doc["sessions"][1].update(change)
    backup.write_text(json.dumps(doc))
    return backup


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pain_after": 11}, "0 to 10"),
        ({"pain_before": -2}, "0 to 10"),
        ({"started": "2099-01-01T00:00:00+00:00", "uid": "made-up"}, "in the future"),
        ({"colour": "blue"}, "Unknown field"),
        ({"mode": "dance"}, "not one of"),
        ({"started": "yesterday"}, "not a date"),
        ({"started": "2026-01-01T10:00:00"}, "no time zone"),
    ],
)
def test_bad_backup_imports_nothing(
    tmp_path: Path, clock: FakeClock, change: dict[str, object], message: str
) -> None:
    backup = _backup_with(tmp_path, clock, change)
    target = Store(tmp_path / "target.json")
    with pytest.raises(DiaryError, match=message):
        import_json(target, backup, clock)
    assert target.all("sessions") == [], "nothing may be partially imported"


@pytest.mark.parametrize("content", ["not json", "[]", '{"format": "other"}', ""])
def test_not_a_backup(tmp_path: Path, clock: FakeClock, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(DiaryError):
        import_json(Store(tmp_path / "t.json"), path, clock)


def test_older_data_file_opens_with_sessions(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "d.json"
    old = {
        "sessions": {
            "1": {
                "started": "2026-02-01T21:00:00+00:00",
                "mode": "audio",
                "pain_after": 3,
                "state": "rated",
            }
        }
    }
    path.write_text(json.dumps(old))
    store = Store(path)
    assert store.backup is not None and store.backup.exists()
    sessions = Diary(store, clock).sessions()
    assert [s.pain_after for s in sessions] == [3]


SESSION_WRITER = """
import sys, time
from pathlib import Path
from datetime import UTC, datetime
from asmr_desktop.diary.model import Mode
from asmr_desktop.diary.service import Diary
from asmr_desktop.core.store import Store
diary = Diary(Store(Path(sys.argv[1])), lambda: datetime.now(UTC))
s = diary.start(Mode.AUDIO, playlist="night", pain_before=4)
print(s.id, flush=True)
while True:
    diary.heartbeat(s.id)
"""


def test_kill_during_a_session_loses_nothing(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "d.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SESSION_WRITER, str(path)], stdout=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None
    session_id = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)  # in the middle of heartbeat saves
    proc.wait()
    proc.stdout.close()
    store = Store(path)
    assert store.recovered is None
    diary = Diary(store, clock)
    closed = diary.close_interrupted()
    assert [s.id for s in closed] == [session_id]
    assert closed[0].playlist == "night"
    assert closed[0].pain_before == 4
    assert diary.get(session_id).state is RatingState.DEFERRED
