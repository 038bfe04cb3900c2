"""Insights with ten years of diary data (about 7,300 sessions and 3,650 check-in days with
medication): saving a check-in, computing every statistic, opening the trends page and
switching its range, and writing the PDF report. Medians.
Usage: python bench/bench_insights.py   (Qt runs offscreen unless QT_QPA_PLATFORM is set)
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import TABLE as DAYS
from asmr_desktop.diary.days import Day, DayBook, Headache, Medication, MedKind
from asmr_desktop.diary.model import EndReason, Mode, RatingState, Session
from asmr_desktop.diary.service import TABLE, Diary
from asmr_desktop.insights.experiment import Experiments
from asmr_desktop.insights.report import write_report
from asmr_desktop.insights.summary import RANGES, load, period, summarize
from asmr_desktop.insights.trial import Trials

SESSIONS = 7_300
NOW = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
NOTES = (
    "Café crème, naïve Ørsted",
    "Πονοκέφαλος μετά τη δουλειά",
    "Голова болит с утра",  # noqa: RUF001 - Cyrillic, as typed
    "כאב ראש חזק בערב",
    "صداع خفيف بعد العمل لا بأس",
    "头痛 頭が痛い 두통이 있어요",
    "Slept well 😴 then ☕ and 👍🏽 ❤️",
)
SOURCES = ("rain", "brown noise", "page turning", "soft brushing", "fire", "whispered story")


def fill(store: Store) -> None:
    rng = random.Random(7)
    start = NOW - timedelta(days=SESSIONS)
    records = []
    for day in range(SESSIONS):
        began = start + timedelta(days=day, minutes=rng.randint(-90, 90))
        mode = rng.choices([Mode.AUDIO, Mode.VISUAL, Mode.REST], [0.7, 0.12, 0.18])[0]
        before = rng.randint(0, 8)
        session = Session(
            started=began,
            mode=mode,
            playlist="Before sleep",
            items=rng.sample(SOURCES, 2) if mode is not Mode.REST else [],
            volume=0.4,
            pain_before=before,
            ended=began + timedelta(minutes=30),
            end_reason=EndReason.STOPPED,
            state=RatingState.RATED,
            pain_after=max(0, before - rng.randint(0, 3)),
        )
        records.append({**session.to_record(), "_schema": 1})
    store.table(TABLE).insert_multiple(records)
    levels = list(Headache)
    today = NOW.date()
    day_records = []
    for back in range(1, 3651):
        level = rng.choice(levels)
        meds = (
            (Medication("ibuprofen", MedKind.SIMPLE, "400 mg", "20:00"),)
            if rng.random() < 0.3
            else ()
        )
        entry = Day(today - timedelta(days=back), level, medication=meds, recorded=NOW)
        day_records.append({**entry.to_record(), "_schema": 1})
    store.table(DAYS).insert_multiple(day_records)


def median_ms(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1000


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data.json")
        fill(store)
        diary = Diary(store, lambda: NOW)
        experiments = Experiments(store, lambda: NOW)
        experiments.start(date(2026, 11, 1), 21)
        book = DayBook(store, lambda: NOW)
        trials = Trials(store, lambda: NOW)
        trials.start(date(2026, 11, 10), 4, seed=1)
        print(f"days: {len(book.days())}")
        print(
            f"save a check-in (10 years of days): "
            f"{median_ms(lambda: book.record(NOW.date(), Headache.MILD)):8.1f} ms"
        )
        today = NOW.astimezone().date()
        sessions = diary.sessions()
        experiment = experiments.latest()
        print(f"sessions: {len(sessions)}")
        print(f"read all sessions:                  {median_ms(diary.sessions):8.1f} ms")

        def all_stats() -> None:
            first, last = period(None, today, sessions, None)
            summarize(sessions, first, last, today, None, experiment)

        print(f"all statistics, 10 years (in memory):{median_ms(all_stats):7.1f} ms")
        for label, days in RANGES:

            def read_and_compute(days: int | None = days) -> None:
                load(diary, experiments, days, None, book, trials)

            ms = median_ms(read_and_compute)
            print(f"read + statistics, {label:<9}         {ms:8.1f} ms")
        insights_all = load(diary, experiments, None, None, book, trials)
        insights_3m = load(diary, experiments, 91, None, book, trials)
        pdf = Path(tmp) / "report.pdf"
        print(
            f"PDF report, 3 months:               "
            f"{median_ms(lambda: write_report(pdf, insights_3m, NOW)):8.1f} ms"
        )
        all_ms = median_ms(lambda: write_report(pdf, insights_all, NOW))
        size_kb = pdf.stat().st_size // 1024
        print(f"PDF report, all 10 years:           {all_ms:8.1f} ms ({size_kb} KB)")
        # Every session with a note, one script each (Latin, Greek, Cyrillic, Hebrew, Arabic,
        # CJK, emoji): three fonts subset, the most recent 300 notes printed.
        noted = replace(
            insights_all,
            period_sessions=tuple(
                replace(s, note=NOTES[i % len(NOTES)])
                for i, s in enumerate(insights_all.period_sessions)
            ),
        )
        notes_ms = median_ms(lambda: write_report(pdf, noted, NOW, notes=True))
        size_kb = pdf.stat().st_size // 1024
        print(f"PDF, 10 years, notes in 7 scripts:  {notes_ms:8.1f} ms ({size_kb} KB)")
        _charts(diary, store)


def _charts(diary: Diary, store: Store) -> None:
    from PySide6.QtWidgets import QApplication

    from asmr_desktop.ui.charts import ChartsView
    from asmr_desktop.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_theme(app)

    def open_view() -> ChartsView:
        view = ChartsView(diary, store)
        view.resize(1000, 800)
        view.show()  # loads the default range (4 weeks) here
        app.processEvents()
        return view

    views: list[ChartsView] = []
    open_ms = median_ms(lambda: views.append(open_view()), runs=3)
    print(f"open the trends page (4 weeks):     {open_ms:8.1f} ms")
    view = views[-1]
    for index, (label, _days) in enumerate(RANGES):
        if index == view.range_box.currentIndex():
            continue

        def switch(index: int = index) -> None:
            view.range_box.setCurrentIndex(1 if index != 1 else 0)
            view.range_box.setCurrentIndex(index)
            app.processEvents()

        # Each run switches away and back: halve it for one switch.
        print(f"switch range to {label:<9}           {median_ms(switch, runs=3) / 2:8.1f} ms")
    for v in views:
        v.close()
        v.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
