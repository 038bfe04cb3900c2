"""The data store: atomic, owner-only, recovers from bad files without losing them."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from asmr_desktop.core import store as store_module
from asmr_desktop.core.errors import StoreError
from asmr_desktop.core.store import SCHEMA_KEY, SCHEMA_VERSION, Store, file_schema_version, read_raw
from tests.helpers.clock import FakeClock


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data.json"


def test_new_store_is_owner_only_and_versioned(path: Path) -> None:
    Store(path).close()
    assert path.stat().st_mode & 0o777 == 0o600
    raw = read_raw(path)
    assert raw is not None
    assert file_schema_version(raw) == SCHEMA_VERSION


def test_records_carry_schema_and_survive_reopen(path: Path) -> None:
    store = Store(path)
    doc_id = store.insert("sessions", {"pain": 4, "note": "näher ✓"})
    store.update("sessions", doc_id, {"pain": 2})
    store.close()
    again = Store(path)
    doc = again.get("sessions", doc_id)
    assert doc == {"pain": 2, "note": "näher ✓", SCHEMA_KEY: SCHEMA_VERSION}
    assert list(again) == ["sessions"]
    again.remove("sessions", doc_id)
    assert again.all("sessions") == []


BAD_FILES = {
    "truncated": b'{"_meta": {"1": {"schema_version": 1}}, "sessions": {"1": {"pa',
    "not json": b"\x00\x01 this is not json",
    "empty": b"",
    "a list": b"[1, 2, 3]",
    "table not a dict": b'{"sessions": [1, 2]}',
    "record not a dict": b'{"sessions": {"1": 5}}',
    "bad record id": b'{"sessions": {"one": {}}}',
    "not utf-8": b'{"sessions": {"1": {"n": "\xff\xfe"}}}',
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_moved_aside_unchanged_and_store_starts(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    store = Store(path, clock=FakeClock())
    assert store.recovered is not None
    moved = store.recovered.moved_to
    assert moved.read_bytes() == content, "the damaged file is kept byte for byte"
    assert moved.name == "data.json.corrupt-20260301-210000"
    assert str(moved) in store.recovered.message()
    assert store.all("sessions") == []
    store.insert("sessions", {"pain": 1})
    assert moved.read_bytes() == content, "new writes never touch the kept file"


def test_unreadable_file_is_moved_aside(path: Path) -> None:
    # A folder where the file should be: unreadable even for root (chmod is not).
    path.mkdir()
    (path / "inside").write_text("precious")
    store = Store(path, clock=FakeClock())
    assert store.recovered is not None
    assert (store.recovered.moved_to / "inside").read_text() == "precious"
    assert path.is_file()


def test_two_recoveries_in_one_second_keep_both(path: Path) -> None:
    clock = FakeClock()
    path.write_bytes(b"bad one")
    first = Store(path, clock=clock).recovered
    path.write_bytes(b"bad two")
    second = Store(path, clock=clock).recovered
    assert first is not None and second is not None
    assert first.moved_to != second.moved_to
    assert first.moved_to.read_bytes() == b"bad one"
    assert second.moved_to.read_bytes() == b"bad two"


def test_newer_file_is_refused_and_untouched(path: Path) -> None:
    content = json.dumps({"_meta": {"1": {"schema_version": SCHEMA_VERSION + 1}}}).encode()
    path.write_bytes(content)
    with pytest.raises(StoreError, match="newer version"):
        Store(path)
    assert path.read_bytes() == content


def test_old_file_is_migrated_with_a_backup(path: Path) -> None:
    old = {"sessions": {"1": {"pain": 3}, "2": {"pain": 5}}}
    content = json.dumps(old).encode()
    path.write_bytes(content)
    store = Store(path, clock=FakeClock())
    assert store.migrated_from == 0
    assert store.backup is not None
    assert store.backup.read_bytes() == content
    assert store.backup.stat().st_mode & 0o777 == 0o600
    assert [d["pain"] for d in store.all("sessions")] == [3, 5]
    assert all(d[SCHEMA_KEY] == SCHEMA_VERSION for d in store.all("sessions"))
    raw = read_raw(path)
    assert raw is not None and file_schema_version(raw) == SCHEMA_VERSION


def test_migration_hook_runs_each_step_in_order(path: Path) -> None:
    path.write_text(json.dumps({"t": {"1": {"x": 1}}}))
    seen: list[int] = []

    def step0(raw: dict) -> dict:  # type: ignore[type-arg]
        seen.append(0)
        return {"t": {"1": {"x": raw["t"]["1"]["x"] + 10}}}

    store = Store(path, migrations={0: step0})
    assert seen == [0]
    assert store.all("t")[0]["x"] == 11


def test_failed_write_keeps_old_file_and_leaves_no_temp(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asmr_desktop.core import fileio

    store = Store(path)
    store.insert("sessions", {"pain": 2})
    before = path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", disk_full)
    with pytest.raises(StoreError, match="No space left on device"):
        store.insert("sessions", {"pain": 7})
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["data.json"]
    assert [d["pain"] for d in Store(path).all("sessions")] == [2]


def test_stale_temp_files_from_a_kill_are_removed(path: Path) -> None:
    Store(path).insert("sessions", {"pain": 1})
    stale = path.parent / ".data.json.abc123.tmp"
    stale.write_text("half a write")
    store = Store(path)
    assert not stale.exists()
    assert len(store.all("sessions")) == 1


def test_permissions_stay_owner_only_after_writes(path: Path) -> None:
    store = Store(path)
    os.chmod(path, 0o644)  # noqa: PTH101 - simulate a file loosened by hand
    store.insert("x", {"a": 1})
    assert path.stat().st_mode & 0o777 == 0o600


def test_cached_reads_see_changes_from_another_process(path: Path) -> None:
    first = Store(path)
    second = Store(path)
    first.insert("sessions", {"pain": 1})
    assert [d["pain"] for d in second.all("sessions")] == [1]
    second.insert("sessions", {"pain": 2})
    assert [d["pain"] for d in first.all("sessions")] == [1, 2]


def test_failed_write_leaves_cache_and_file_in_step(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asmr_desktop.core import fileio

    store = Store(path)
    store.insert("sessions", {"pain": 1})

    def disk_full(path: Path, data: bytes) -> None:
        raise fileio.FileWriteError(path, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(store_module, "atomic_write_bytes", disk_full)
    with pytest.raises(StoreError):
        store.insert("sessions", {"pain": 7})
    with pytest.raises(StoreError):
        store.update("sessions", 1, {"pain": 9})
    monkeypatch.undo()
    assert [d["pain"] for d in store.all("sessions")] == [1], "memory must match the disk"
    assert [d["pain"] for d in Store(path).all("sessions")] == [1]


def test_deeply_nested_file_is_kept_aside_and_the_store_starts(path: Path) -> None:
    content = b"[" * 200_000
    path.write_bytes(content)
    store = Store(path, clock=FakeClock())
    assert store.recovered is not None
    assert "nested too deeply" in store.recovered.message()
    assert store.recovered.moved_to.read_bytes() == content
    assert store.all("sessions") == []


def test_ids_come_from_the_file_not_from_tinydbs_memory(path: Path) -> None:
    # Two stores on one file stand for two processes (or a restore after a delete).
    first = Store(path)
    second = Store(path)
    first.insert("sessions", {"n": 1})
    second.insert("sessions", {"n": 2})
    first.insert("sessions", {"n": 3})  # tinydb remembered id 2 here: "already exists"
    assert sorted(d["n"] for d in Store(path).all("sessions")) == [1, 2, 3]


def test_insert_many_is_one_write(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(path)
    writes: list[int] = []
    real = store_module.atomic_write_bytes

    def counting(target: Path, data: bytes) -> None:
        writes.append(len(data))
        real(target, data)

    monkeypatch.setattr(store_module, "atomic_write_bytes", counting)
    ids = store.insert_many("sessions", [{"n": i} for i in range(500)])
    assert ids == list(range(1, 501))
    assert len(writes) == 1


def test_reusing_encoded_records_writes_exactly_what_a_full_encoding_would(path: Path) -> None:
    store = Store(path)
    ids = store.insert_many("sessions", [{"n": i, "note": f"ü{i}"} for i in range(50)])
    store.update("sessions", ids[3], {"n": -3, "note": None})
    store.remove("sessions", ids[7])
    store.insert("other", {"x": [1, 2.5, "ß"]})
    store.update("sessions", ids[9], {"extra": {"deep": True}})
    raw = read_raw(path)
    full = json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert path.read_bytes() == full
    assert raw is not None and raw["sessions"][str(ids[3])]["n"] == -3


def test_notices_wait_until_seen_across_restarts(path: Path) -> None:
    path.write_bytes(b"damaged")
    first = Store(path, clock=FakeClock())
    assert first.recovered is not None
    first.close()
    again = Store(path)
    (notice,) = again.unseen_notices()
    assert str(first.recovered.moved_to) in notice.text
    assert list(again) == [], "notices are not a user table"
    again.mark_notice_seen(notice.key)
    assert Store(path).unseen_notices() == []


def test_a_read_only_snapshot_never_writes_or_deletes(path: Path) -> None:
    writer = Store(path)
    writer.insert("sessions", {"pain": 1})
    temp = path.parent / ".data.json.1.abc.tmp"  # pid 1 is always running: a live writer
    temp.write_text("in progress")
    before = path.read_bytes()
    snapshot = Store(path, read_only=True)
    assert [d["pain"] for d in snapshot.all("sessions")] == [1]
    with pytest.raises(StoreError, match="only reads"):
        snapshot.insert("sessions", {"pain": 2})
    assert path.read_bytes() == before and temp.exists()


def test_a_read_only_snapshot_of_a_damaged_file_leaves_it_in_place(path: Path) -> None:
    path.write_bytes(b"{bad")
    with pytest.raises(StoreError, match="damaged"):
        Store(path, read_only=True)
    assert path.read_bytes() == b"{bad"
