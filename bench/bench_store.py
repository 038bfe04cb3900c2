"""Data store speed: time to add one record and to read all, at 100, 1,000 and 10,000 records.

Every add is a durable atomic write (temp file, fsync, rename), as in the app.
Usage: python bench/bench_store.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from asmr_desktop.core.store import Store

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


if __name__ == "__main__":
    main()
