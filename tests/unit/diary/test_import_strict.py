"""Import and stored records: strict, all or nothing, linear; bad records set aside."""

from __future__ import annotations

import contextlib
import copy
import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from asmr_desktop.core import store as store_module
from asmr_desktop.core.store import Store, read_raw
from asmr_desktop.diary.backup import export_csv, export_json, import_json
from asmr_desktop.diary.model import DiaryError, Mode, Session
from asmr_desktop.diary.service import TABLE, Diary
from asmr_desktop.insights.experiment import Experiments
from asmr_desktop.insights.report import write_report
from asmr_desktop.insights.summary import load
from tests.helpers.clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]
V1_FIXTURE = Path(__file__).parent / "data" / "backup-v1.json"


def _record(clock: FakeClock, **change: Any) -> dict[str, Any]:
    record = Session(started=clock(), mode=Mode.AUDIO, playlist="p", volume=0.4).to_record()
    record.pop("clock_ahead", None)  # as version 1 wrote it
    record.update(change)
    return record


def _backup(path: Path, records: list[dict[str, Any]], clock: FakeClock) -> Path:
    doc = {"format": "asmr-desktop-backup", "version": 1, "exported": clock().isoformat()}
    path.write_text(json.dumps({**doc, "sessions": records}))
    return path


def test_version_1_backup_stays_importable(tmp_path: Path) -> None:
    clock = FakeClock()
    store = Store(tmp_path / "d.json")
    result = import_json(store, V1_FIXTURE, clock)
    assert (result.added, result.already_there) == (3, 0)
    sessions = Diary(store, clock).sessions()
    assert [s.mode for s in sessions] == [Mode.AUDIO, Mode.VISUAL, Mode.REST]
    assert sessions[0].note == "woke up better, ünïcode ✓"
    assert sessions[0].pain_free_2h is True


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"migraine_mode": "false"}, "migraine_mode must be true or false"),
        ({"unusual": 1}, "unusual must be true or false"),
        ({"volume": -7.5}, "volume must be from 0 to 1"),
        ({"items": "abc"}, "items must be a list"),
        ({"playlist": 5}, "playlist must be text"),
        ({"pain_after": 99}, "0 to 10"),
        ({"started": 5}, "not text"),
        ({"note": "x" * 1_000_000}, "at most 2000"),
        ({"started": "0001-01-01T00:00:00+14:00"}, "years 2000"),
        ({"started": "1999-12-31T23:00:00+00:00"}, "years 2000"),
    ],
)
def test_strict_types_and_ranges_refuse_the_whole_import(
    tmp_path: Path, change: dict[str, Any], named: str
) -> None:
    clock = FakeClock()
    records = [_record(clock), _record(clock, **change)]
    store = Store(tmp_path / "d.json")
    with pytest.raises(DiaryError, match=named) as caught:
        import_json(store, _backup(tmp_path / "b.json", records, clock), clock)
    assert "session 2" in str(caught.value) and "Nothing was imported" in str(caught.value)
    assert len(str(caught.value)) < 600, "a 1 MB value must not fill the message"
    assert store.all(TABLE) == []


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_and_infinities_are_refused(tmp_path: Path, constant: str) -> None:
    clock = FakeClock()
    text = json.dumps(
        {
            "format": "asmr-desktop-backup",
            "version": 1,
            "sessions": [_record(clock, volume=0.5)],
        }
    ).replace("0.5", constant)
    path = tmp_path / "b.json"
    path.write_text(text)
    store = Store(tmp_path / "d.json")
    with pytest.raises(DiaryError, match="Nothing was imported"):
        import_json(store, path, clock)
    assert b"NaN" not in (tmp_path / "d.json").read_bytes()


def test_every_bad_session_is_named(tmp_path: Path) -> None:
    clock = FakeClock()
    records = [
        _record(clock, started="1970-01-01T00:00:00+00:00"),
        _record(clock),
        _record(clock, uid=None, started=(clock() + timedelta(days=3)).isoformat()),
    ]
    records[2].pop("uid")
    with pytest.raises(DiaryError) as caught:
        import_json(Store(tmp_path / "d.json"), _backup(tmp_path / "b.json", records, clock), clock)
    message = str(caught.value)
    assert "session 1:" in message and "session 3:" in message and "session 2:" not in message
    assert "in the future" in message


def test_deeply_nested_import_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"format": "asmr-desktop-backup", "version": 1, "sessions": ' + "[" * 200_000)
    with pytest.raises(DiaryError, match="nested too deeply"):
        import_json(Store(tmp_path / "d.json"), path, FakeClock())


def test_own_backup_with_a_session_from_a_clock_running_ahead_imports(tmp_path: Path) -> None:
    clock = FakeClock()
    diary = Diary(Store(tmp_path / "src.json"), clock)
    for _ in range(20):
        diary.start(Mode.AUDIO)
        clock.advance(days=1)
    clock.advance(days=365)  # the computer's clock ran a year ahead for one session
    diary.start(Mode.VISUAL)
    clock.advance(days=-365)  # then it was put right, and a backup was made
    backup = tmp_path / "backup.json"
    export_json(diary, backup, clock())
    target = Store(tmp_path / "target.json")
    result = import_json(target, backup, clock)
    assert (result.added, result.clock_ahead) == (21, 1)
    assert "clock was probably ahead" in result.message()
    flagged = [s for s in Diary(target, clock).sessions() if s.clock_ahead]
    assert [s.mode for s in flagged] == [Mode.VISUAL]


def test_records_without_uid_get_a_stable_one_and_never_duplicate(tmp_path: Path) -> None:
    clock = FakeClock()
    record = _record(clock)
    record.pop("uid")
    backup = _backup(tmp_path / "b.json", [record], clock)
    store = Store(tmp_path / "d.json")
    assert import_json(store, backup, clock).added == 1
    again = import_json(store, backup, clock)
    assert (again.added, again.already_there) == (0, 1)
    assert len(store.all(TABLE)) == 1


def _many(clock: FakeClock, count: int) -> list[dict[str, Any]]:
    start = clock() - timedelta(days=count)
    return [
        _record(clock, started=(start + timedelta(days=i)).isoformat(), uid=f"{i:032x}")
        for i in range(count)
    ]


def test_import_on_a_full_disk_imports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    backup = _backup(tmp_path / "b.json", _many(clock, 200), clock)
    store = Store(tmp_path / "d.json")
    Diary(store, clock).start(Mode.REST)
    before = (tmp_path / "d.json").read_bytes()

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "atomic_write_bytes", disk_full)
    with pytest.raises(Exception, match="No space left"):
        import_json(store, backup, clock)
    monkeypatch.undo()
    assert (tmp_path / "d.json").read_bytes() == before
    assert len(Store(tmp_path / "d.json").all(TABLE)) == 1
    assert len(store.all(TABLE)) == 1, "memory matches the disk"


def test_a_disk_filling_up_during_an_import_leaves_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    backup = _backup(tmp_path / "b.json", _many(clock, 200), clock)
    store = Store(tmp_path / "d.json")
    Diary(store, clock).start(Mode.REST)
    writes = 0
    real = store_module.atomic_write_bytes

    def fills_after_one(path: Path, data: bytes) -> None:
        nonlocal writes
        writes += 1
        if writes > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(store_module, "atomic_write_bytes", fills_after_one)
    with contextlib.suppress(Exception):
        import_json(store, backup, clock)
    monkeypatch.undo()
    assert len(Store(tmp_path / "d.json").all(TABLE)) in (1, 201)


IMPORTER = """
import sys
from pathlib import Path
from datetime import UTC, datetime
from asmr_desktop.core.store import Store
from asmr_desktop.diary.backup import import_json
store = Store(Path(sys.argv[1]))
print("ready", flush=True)
import_json(store, Path(sys.argv[2]), lambda: datetime(2026, 3, 1, 21, tzinfo=UTC))
print("done", flush=True)
"""


def test_a_kill_during_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    clock = FakeClock()
    backup = _backup(tmp_path / "b.json", _many(clock, 2000), clock)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (0.05, 0.2, 0.4, 0.8):
        data = tmp_path / f"d{delay}.json"
        proc = subprocess.Popen(
            [sys.executable, "-c", IMPORTER, str(data), str(backup)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        raw = read_raw(data) or {}
        assert len(raw.get(TABLE, {})) in (0, 2000), f"killed after {delay} s"


def test_import_is_one_write_and_linear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    backup = _backup(tmp_path / "b.json", _many(clock, 2000), clock)
    store = Store(tmp_path / "d.json")
    writes = []
    real = store_module.atomic_write_bytes
    monkeypatch.setattr(
        store_module, "atomic_write_bytes", lambda p, d: (writes.append(len(d)), real(p, d))
    )
    begin = time.perf_counter()
    assert import_json(store, backup, clock).added == 2000
    elapsed = time.perf_counter() - begin
    assert len(writes) == 1
    assert elapsed < 5.0, f"2,000 sessions took {elapsed:.1f} s"


def _store_with_bad_records(path: Path, clock: FakeClock) -> tuple[Store, dict[str, Any]]:
    diary = Diary(Store(path), clock)
    good = diary.start(Mode.AUDIO, playlist="rain", pain_before=5)
    assert good.id is not None
    clock.advance(minutes=20)
    diary.rate(good.id, 2)
    raw = read_raw(path)
    assert raw is not None
    template = raw[TABLE][str(good.id)]
    bad = {
        "2": {**template, "uid": "b2", "pain_after": 99},
        "3": {**template, "uid": "b3", "note": "x" * 1_000_000},
        "4": {**template, "uid": "b4", "started": 5},
        "5": {**template, "uid": "b5", "started": "0001-01-01T00:00:00+14:00"},
        "6": {**template, "uid": "b6", "state": ["open"]},
    }
    raw[TABLE].update(copy.deepcopy(bad))
    path.write_text(json.dumps(raw))
    return Store(path), bad


def test_bad_stored_records_are_set_aside_and_everything_else_works(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "d.json"
    store, bad = _store_with_bad_records(path, clock)
    diary = Diary(store, clock)
    assert [s.playlist for s in diary.sessions()] == ["rain"]
    assert [s.playlist for s in diary.sessions(clock().date() - timedelta(days=3))] == ["rain"]
    assert diary.unrated() == [] and diary.open_session() is None
    assert export_csv(diary, tmp_path / "out.csv") == 1
    assert export_json(diary, tmp_path / "out.json", clock()) == 1
    insights = load(diary, Experiments(store, clock), None)
    assert write_report(tmp_path / "out.pdf", insights, clock()) >= 1
    found = diary.set_aside()
    assert sorted(s.doc_id for s in found) == [2, 3, 4, 5, 6]
    diary.start(Mode.REST)  # a later save keeps the bad records exactly as they were
    raw = read_raw(path)
    assert raw is not None
    for doc_id, record in bad.items():
        assert raw[TABLE][doc_id] == record


def test_set_aside_records_are_named_in_a_notice_until_seen(tmp_path: Path) -> None:
    clock = FakeClock()
    store, _bad = _store_with_bad_records(tmp_path / "d.json", clock)
    Diary(store, clock).note_set_aside()
    Diary(store, clock).note_set_aside()  # the same records: still one notice
    (notice,) = store.unseen_notices()
    assert notice.text.startswith("5 sessions could not be read and were set aside: record 2")
    assert str(tmp_path / "d.json") in notice.text
    store.mark_notice_seen(notice.key)
    Diary(store, clock).note_set_aside()
    assert store.unseen_notices() == []


def test_csv_cells_that_could_run_as_formulas_are_neutralised(tmp_path: Path) -> None:
    clock = FakeClock()
    diary = Diary(Store(tmp_path / "d.json"), clock)
    payloads = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]
    for payload in payloads:
        s = diary.start(Mode.AUDIO, playlist=payload, items=[payload, "rain"])
        assert s.id is not None
        diary.rate(s.id, 1, note=payload)
    tab = diary.start(Mode.AUDIO, playlist="\tx", items=["\rboo"])
    assert tab.id is not None
    export_csv(diary, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row, payload in zip(rows, payloads, strict=False):
        assert row["playlist"] == row["note"] == f"'{payload}"
        assert row["items"] == f"'{payload} | rain"
    assert rows[-1]["playlist"] == "'\tx" and rows[-1]["items"] == "'\rboo"
    assert rows[0]["relief"] == "", "numbers written by the app are left as they are"
