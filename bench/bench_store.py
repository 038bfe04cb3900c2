"""Data store speed: time to add one record and to read all, at 100, 1,000 and 10,000 records;
importing a backup of 500, 2,000 and 7,300 sessions (seconds and bytes written).

Every add is a durable atomic write (temp file, fsync, rename), as in the app. An import is
one write for the whole batch. Bytes written are the process's ``wchar`` (/proc/self/io).
Usage: python bench/bench_store.py
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asmr_desktop.core.store import Store
from asmr_desktop.diary.backup import BACKUP_FORMAT, BACKUP_VERSION, import_json
from asmr_desktop.diary.model import Mode, Session

IMPORT_SIZES = (500, 2_000, 7_300)

SIZES = (100, 1_000, 10_000)
RECORD = {
    "started": "2026-03-01T21:00:00+00:00",
    "mode": "audio",
    "playlist": "Before sleep",
    "items": ["rain", "brown noise"],
    "volume": 0.4,
    "pain_before": 5,
    "pain_after": 3,
    "triggers": ["stress", "screens"],
    "note": "a short note",
}


def main() -> None:
    print(f"{'records':>8}  {'add one (ms)':>13}  {'read all (ms)':>14}  {'file (KB)':>9}")
    for size in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "data.json"
            store = Store(path)
            # Fill without fsync per record: only the measured adds below pay the full cost.
            store.table("sessions").insert_multiple([dict(RECORD, n=i) for i in range(size)])
            adds = []
            for i in range(5):
                start = time.perf_counter()
                store.insert("sessions", dict(RECORD, n=size + i))
                adds.append(time.perf_counter() - start)
            store.close()
            reads = []
            for _ in range(5):
                start = time.perf_counter()
                fresh = Store(path)
                count = len(fresh.all("sessions"))
                reads.append(time.perf_counter() - start)
                fresh.close()
            assert count == size + 5
            kb = path.stat().st_size / 1024
        print(
            f"{size:>8}  {statistics.median(adds) * 1000:>13.2f}  "
            f"{statistics.median(reads) * 1000:>14.2f}  {kb:>9.0f}"
        )


def _bytes_written() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0  # pragma: no cover - not Linux


def bench_import() -> None:
    now = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
    print(f"\n{'import':>8}  {'seconds':>8}  {'MB written':>10}  {'file (MB)':>9}")
    for size in IMPORT_SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            backup = Path(tmp) / "backup.json"
            start = now - timedelta(days=size)
            sessions = [
                Session(
                    started=start + timedelta(days=i),
                    mode=Mode.AUDIO,
                    playlist="Before sleep",
                    items=["rain"],
                    volume=0.4,
                    pain_before=5,
                    note="a short note",
                ).to_record()
                for i in range(size)
            ]
            document = {"format": BACKUP_FORMAT, "version": BACKUP_VERSION, "sessions": sessions}
            backup.write_text(json.dumps(document))
            store = Store(Path(tmp) / "data.json")
            written = _bytes_written()
            begin = time.perf_counter()
            result = import_json(store, backup, lambda: now)
            seconds = time.perf_counter() - begin
            written = _bytes_written() - written
            assert result.added == size
            file_mb = (Path(tmp) / "data.json").stat().st_size / 1e6
        print(f"{size:>8}  {seconds:>8.2f}  {written / 1e6:>10.1f}  {file_mb:>9.1f}")


if __name__ == "__main__":
    main()
    bench_import()
