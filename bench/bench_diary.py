"""The diary with ten years of data (about 7,300 sessions): save a rating, open the history
table, export CSV. Medians of 5. Usage: python bench/bench_diary.py
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asmr_desktop.core.store import Store
from asmr_desktop.diary.backup import export_csv
from asmr_desktop.diary.model import EndReason, Mode, RatingState, Session
from asmr_desktop.diary.service import TABLE, Diary

SESSIONS = 7_300


def fill(store: Store) -> None:
    rng = random.Random(7)
    start = datetime(2016, 11, 27, 21, 0, tzinfo=UTC)
    records = []
    for day in range(SESSIONS):
        began = start + timedelta(days=day, minutes=rng.randint(-90, 90))
        before = rng.randint(0, 8)
        session = Session(
            started=began,
            mode=rng.choice(list(Mode)),
            playlist="Before sleep",
            items=["rain", "brown noise"],
            volume=0.4,
            pain_before=before,
            ended=began + timedelta(minutes=30),
            end_reason=EndReason.STOPPED,
            state=RatingState.RATED,
            pain_after=max(0, before - rng.randint(0, 3)),
            triggers=["stress"],
            note="a short note",
        )
        records.append({**session.to_record(), "_schema": 1})
    store.table(TABLE).insert_multiple(records)  # one write; the measured steps pay full cost


def median_ms(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.json"
        store = Store(path)
        fill(store)
        now = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
        diary = Diary(store, lambda: now)
        ids = [diary.start(Mode.AUDIO, pain_before=5).id for _ in range(5)]
        pending = iter(ids)

        def rate() -> None:
            session_id = next(pending)
            assert session_id is not None
            diary.rate(session_id, 3)

        rate_ms = median_ms(rate)
        open_ms = median_ms(lambda: Diary(Store(path), lambda: now).sessions())
        csv_path = Path(tmp) / "out.csv"
        csv_ms = median_ms(lambda: export_csv(diary, csv_path))
        size_mb = path.stat().st_size / 1e6
        history_ms = _history_table_ms(store, now)
    print(f"sessions: {SESSIONS + 5}, data file {size_mb:.1f} MB")
    print(f"save a rating:              {rate_ms:8.1f} ms")
    print(f"load all sessions (reopen): {open_ms:8.1f} ms")
    print(f"open the history table:     {history_ms:8.1f} ms")
    print(f"export CSV:                 {csv_ms:8.1f} ms")


def _history_table_ms(store: Store, now: datetime) -> float:
    """The History page built and filled (all sessions shown), offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from asmr_desktop.ui.history import HistoryView

    app = QApplication.instance() or QApplication([])
    diary = Diary(store, lambda: now)

    def build() -> None:
        view = HistoryView(diary, store)
        view.range_box.setCurrentIndex(view.range_box.count() - 1)  # "All"
        view.show()
        app.processEvents()
        view.close()
        view.deleteLater()

    return median_ms(build)


if __name__ == "__main__":
    main()
