"""The randomised self-trial: balanced, reproducible, unpredictable, and honest verdicts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import Day, Headache
from asmr_desktop.diary.model import Mode
from asmr_desktop.insights.experiment import Verdict
from asmr_desktop.insights.trial import (
    TABLE,
    Arm,
    Done,
    Trial,
    TrialError,
    Trials,
    draw,
    evaluate_trial,
)
from tests.helpers.clock import FakeClock
from tests.unit.insights.factory import make

START = date(2026, 3, 2)


@pytest.mark.parametrize("weeks", [2, 3, 4])
def test_every_week_has_both_and_the_whole_is_balanced(weeks: int) -> None:
    for seed in range(200):
        plan = draw(seed, weeks)
        assert len(plan) == 7 * weeks
        for w in range(weeks):
            week = plan[7 * w : 7 * w + 7]
            assert sorted(week.count(a) for a in Arm) == [3, 4]
        asmr = plan.count(Arm.ASMR)
        assert abs(asmr - (len(plan) - asmr)) <= (1 if weeks % 2 else 0)


def test_reproducible_from_its_seed_and_kept(tmp_path: Path) -> None:
    assert draw(12345, 3) == draw(12345, 3)
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    store = Store(tmp_path / "db.json", clock=clock)
    trial = Trials(store, clock).start(START, 3)
    assert trial.plan == draw(trial.seed, 3)
    again = Trials(store, clock).latest()
    assert again is not None and again.plan == trial.plan and again.seed == trial.seed
    # A plan edited by hand no longer matches its seed: set aside, never used.
    doc = store.all(TABLE)[0]
    flipped = ["rest" if a == "asmr" else "asmr" for a in doc["plan"]]
    store.update(TABLE, doc.doc_id, {"plan": flipped})
    assert Trials(store, clock).latest() is None
    with pytest.raises(TrialError, match="2 to 4 weeks"):
        Trials(store, clock).start(START, 5)
    store.close()


def test_not_predictable_from_the_date(tmp_path: Path) -> None:
    """Two trials started the same day get different plans; no weekday leans to a kind."""
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    plans = set()
    asmr_by_weekday = [0] * 7
    for n in range(300):
        store = Store(tmp_path / f"db{n}.json", clock=clock)
        plan = Trials(store, clock).start(START, 2).plan
        store.close()
        plans.add(plan)
        for i, arm in enumerate(plan):
            asmr_by_weekday[i % 7] += arm is Arm.ASMR
    assert len(plans) > 250  # 300 seeds from the OS, not from the date
    for count in asmr_by_weekday:  # 600 evenings per weekday; half ASMR, within 4 sd
        assert abs(count - 300) < 4 * (600 * 0.25) ** 0.5


def _diary(trial: Trial, effect: float, rng: random.Random) -> tuple[list, list[Day]]:  # type: ignore[type-arg]
    """Every evening done as drawn; ASMR relief is ``effect`` points more than rest."""
    sessions = []
    days = []
    for n, arm in enumerate(trial.plan):
        day = trial.start + timedelta(days=n)
        start = datetime(day.year, day.month, day.day, 21, 0, tzinfo=UTC)
        before = rng.randint(3, 7)
        relief = rng.gauss(1.5 + (effect if arm is Arm.ASMR else 0.0), 1.5)
        after = max(0, min(10, round(before - relief)))
        mode = Mode.AUDIO if arm is Arm.ASMR else Mode.REST
        sessions.append(make(start, before, after, mode=mode))
        days.append(
            Day(day + timedelta(days=1), Headache.MILD if rng.random() < 0.4 else Headache.NONE)
        )
    return sessions, days


def _trial(seed: int, weeks: int = 4) -> Trial:
    return Trial(START, weeks, seed, draw(seed, weeks), datetime(2026, 3, 2, tzinfo=UTC), "u")


def test_finds_help_and_harm() -> None:
    rng = random.Random(7)
    trial = _trial(1)
    sessions, days = _diary(trial, 3.0, rng)
    result = evaluate_trial(trial, sessions, days, date(2026, 4, 30), UTC)
    assert result.verdict is Verdict.HELPED
    sessions, days = _diary(trial, -3.0, rng)
    result = evaluate_trial(trial, sessions, days, date(2026, 4, 30), UTC)
    assert result.verdict is Verdict.WORSE
    assert result.finished and "weekly blocks" in result.design
    assert any("blind" in limit for limit in result.limits)
    assert "Headache the day after" in result.next_day_text


def test_on_the_null_no_clear_difference_at_the_stated_rate() -> None:
    """No true difference: 'no clear difference' in about 95 % of 400 trials."""
    rng = random.Random(2024)
    clear = 0
    runs = 400
    for seed in range(runs):
        trial = _trial(seed)
        sessions, days = _diary(trial, 0.0, rng)
        verdict = evaluate_trial(trial, sessions, days, date(2026, 4, 30), UTC).verdict
        clear += verdict is not Verdict.NO_CLEAR_DIFFERENCE
    # 5 % expected (20 of 400); binomial sd ~4.4 (rounding makes it a little conservative).
    assert clear <= 20 + 3 * 4.4, f"{clear} of {runs} null trials claimed a difference"


def test_an_evening_not_done_as_drawn_is_shown_and_never_moved() -> None:
    trial = _trial(3, weeks=2)
    asmr_day = trial.start + timedelta(days=trial.plan.index(Arm.ASMR))
    rest_day = trial.start + timedelta(days=trial.plan.index(Arm.REST))
    at = lambda d: datetime(d.year, d.month, d.day, 21, tzinfo=UTC)  # noqa: E731
    sessions = [make(at(asmr_day), 5, 1, mode=Mode.REST), make(at(rest_day), 5, 4)]
    result = evaluate_trial(trial, sessions, [], trial.start + timedelta(days=5), UTC)
    shown = {e.day: e for e in result.evenings}
    assert shown[asmr_day].done is Done.OTHER_KIND and shown[asmr_day].relief is None
    assert shown[rest_day].done is Done.OTHER_KIND and shown[rest_day].relief is None
    assert result.relief.a.n == 0 and result.relief.b.n == 0  # in neither arm
    assert shown[trial.start + timedelta(days=6)].done is Done.TO_COME
    assert len(result.not_as_drawn) == 6  # 6 evenings so far: 2 of the other kind, 4 empty
