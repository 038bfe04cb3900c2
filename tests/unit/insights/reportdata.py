"""A data folder with what the doctor's report shows: check-ins with medicine (enough for
the overuse notice), sessions with triggers and care, two marked unusual and three severe
within a week, a randomised self-trial, and notes in every script."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from asmr_desktop.core.paths import AppPaths
from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import DayBook, Headache, Medication, MedKind
from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.diary.service import Diary
from asmr_desktop.insights.trial import Arm, Trials
from tests.helpers.clock import FakeClock
from tests.unit.insights.factory import at

#: One note per script, as a person would type it (RTL in logical order).
NOTES = {
    "latin": "Café crème, naïve Ørsted – Ångström żółć, São Paulo",  # noqa: RUF001 - as typed
    "greek": "Πονοκέφαλος μετά τη δουλειά",
    "cyrillic": "Голова болит с утра",  # noqa: RUF001 - Cyrillic es, as typed
    "hebrew": "כאב ראש חזק בערב",
    "arabic": "صداع خفيف بعد العمل لا بأس",
    "cjk": "头痛 頭が痛い 두통이 있어요",
    "emoji": "Slept well 😴 then ☕ and 👍🏽 ❤️",
}
#: A medicine name outside Latin-1 (it is not a note: it is always in the report).
MEDICINE = "Нурофен"
TODAY = date(2026, 11, 27)
TRIAL_START = date(2026, 10, 26)
TRIAL_SEED = 20261026


def fill(data_dir: Path, clock: FakeClock) -> None:
    """100 days of check-ins and evening sessions up to TODAY, and the trial."""
    paths = AppPaths.under(data_dir)
    paths.ensure()
    store = Store(paths.store_file)
    clock.now = at("2026-08-19 21:00")
    diary = Diary(store, clock)
    book = DayBook(store, clock)
    trials = Trials(store, clock)
    notes = list(NOTES.values())
    plan = None
    for n in range(100):
        day = TODAY - timedelta(days=99 - n)
        clock.now = at(f"{day.isoformat()} 21:00")
        if day == TRIAL_START:
            plan = trials.start(day, 4, seed=TRIAL_SEED)
        if n % 7 == 3:
            continue  # an unknown day now and then
        meds = [Medication(MEDICINE, MedKind.SIMPLE, "400 mg", "20:00")] if n % 2 == 0 else []
        if n % 5 == 0:
            meds.append(Medication("sumatriptan", MedKind.TRIPTAN, "50 mg"))
        book.record(
            day,
            Headache.MODERATE if n % 3 else Headache.NONE,
            medication=meds,
            note=notes[n % len(notes)] if n % 4 == 0 else "",
        )
        mode = Mode.AUDIO
        if plan is not None and plan.arm_on(day) is Arm.REST:
            mode = Mode.REST
        if plan is not None and day == TRIAL_START + timedelta(days=3):
            mode = Mode.AUDIO if mode is Mode.REST else Mode.REST  # the other kind instead
        if plan is not None and day == TRIAL_START:
            continue  # a trial evening with no session
        severe = n in (40, 42, 44)
        session = diary.start(
            mode, items=["rain"] if mode is Mode.AUDIO else [], pain_before=9 if severe else 5
        )
        assert session.id is not None
        clock.now += timedelta(minutes=25)
        diary.end(session.id, EndReason.STOPPED, measured_s=1500.0, heard=[("rain", 1500.0)])
        diary.rate(
            session.id,
            9 if severe else (2 if mode is Mode.AUDIO else 4),
            triggers=["stress", "screens"] if n % 2 else ["poor sleep"],
            care=["water"] if n % 3 == 0 else [],
            note=notes[(n + 3) % len(notes)] if n % 4 == 2 else "",
            unusual=n in (30, 75),
        )
    store.close()
