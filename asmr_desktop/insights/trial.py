"""A randomised self-trial: which evenings are "ASMR" and which "rest, no sound" is drawn
in advance, from a seed the trial keeps, so the person does not choose (the first caveat of
the hand-picked comparison in experiment.py, which stays, labelled "not randomised").

Design: 2-4 weeks; each week is one block of 7 evenings, 4 of one kind and 3 of the other,
shuffled; the kind with 4 alternates from week to week (the first week's is drawn), so every
week has both and 2 or 4 weeks are exactly balanced (3 weeks: 11 and 10). The seed comes
from the operating system's random source, never from the date, so the plan cannot be
guessed from the calendar; the same seed always gives the same plan.

Verdict: relief (before minus after) per evening done as drawn, ASMR minus rest, with
Welch's 95 % interval (the same rule as the hand-picked comparison: helped only when the
whole interval is above 0, so on no true difference it says "no clear difference" 95 % of
the time); and headache on the day after each evening, by the kind drawn (all evenings
whose next day is known, whatever was done), as a difference of proportions with its 95 %
interval. An evening not done as drawn is shown as such and left out of the relief
comparison, never moved to the other kind.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import Day
from asmr_desktop.diary.model import Mode, Session, new_uid
from asmr_desktop.insights.days import day_facts
from asmr_desktop.insights.experiment import MIN_PER_ARM, Verdict, describe, judge
from asmr_desktop.insights.stats import Difference, welch
from asmr_desktop.insights.timeline import pain_points

log = logging.getLogger(__name__)

TABLE = "trials"
MIN_WEEKS = 2
MAX_WEEKS = 4
WEEK = 7
#: Evenings with a known next day needed per kind before the next-day comparison.
MIN_NEXT_DAYS = 5

LIMITS = (
    "Not blinded: you knew each evening whether it was ASMR or rest, and expecting "
    "something to help can ease pain by itself (an expectation effect).",
    "Evenings not done as drawn are left out of the relief comparison; if they differ "
    "(e.g. skipped on the worst days), the result can lean one way.",
    "A few weeks of one person's evenings: other changes in those weeks (sleep, stress, "
    "medicines, hormones, weather) still move the numbers.",
    "It shows what happened for you in these weeks; it is not a diagnosis or a treatment.",
)


class TrialError(AsmrError):
    """A self-trial cannot be started or read as asked; nothing was changed."""


class Arm(StrEnum):
    ASMR = "asmr"
    REST = "rest"


ARM_WORDS = {Arm.ASMR: "ASMR", Arm.REST: "rest, no sound"}


class Done(StrEnum):
    AS_DRAWN = "as drawn"
    OTHER_KIND = "the other kind instead"
    BOTH = "both kinds"
    NOTHING = "no session logged"
    TO_COME = "still to come"


def draw(seed: int, weeks: int) -> tuple[Arm, ...]:
    """The plan: one shuffled block of 4 + 3 evenings per week, the larger half alternating."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise TrialError(f"A self-trial lasts {MIN_WEEKS} to {MAX_WEEKS} weeks, not {weeks!r}.")
    rng = random.Random(seed)
    larger = rng.choice((Arm.ASMR, Arm.REST))
    plan: list[Arm] = []
    for _week in range(weeks):
        smaller = Arm.REST if larger is Arm.ASMR else Arm.ASMR
        block = [larger] * 4 + [smaller] * 3
        rng.shuffle(block)
        plan.extend(block)
        larger = smaller
    return tuple(plan)


@dataclass(frozen=True)
class Trial:
    start: date
    weeks: int
    seed: int
    plan: tuple[Arm, ...]
    created: datetime
    uid: str
    stopped_on: date | None = None  # ended by hand: evenings after it are not counted
    id: int | None = None

    @property
    def end(self) -> date:
        return self.start + timedelta(days=len(self.plan) - 1)

    @property
    def last(self) -> date:
        return min(self.end, self.stopped_on) if self.stopped_on else self.end

    def arm_on(self, day: date) -> Arm | None:
        if not self.start <= day <= self.last:
            return None
        return self.plan[(day - self.start).days]

    def tonight(self, day: date) -> str:
        arm = self.arm_on(day)
        if arm is None:
            return ""
        if arm is Arm.ASMR:
            return (
                "Tonight is an ASMR evening: a session as you usually have it, rated before "
                "and after."
            )
        return (
            "Tonight is a rest evening: rest for the same time without sound or visuals "
            "(Rest page), rated before and after."
        )

    def to_record(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "weeks": self.weeks,
            "seed": self.seed,
            "plan": [str(a) for a in self.plan],
            "created": self.created.isoformat(),
            "uid": self.uid,
            "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], doc_id: int | None = None) -> Trial:
        try:
            trial = cls(
                start=date.fromisoformat(record["start"]),
                weeks=record["weeks"],
                seed=record["seed"],
                plan=tuple(Arm(a) for a in record["plan"]),
                created=datetime.fromisoformat(record["created"]),
                uid=str(record["uid"]),
                stopped_on=(
                    date.fromisoformat(record["stopped_on"]) if record.get("stopped_on") else None
                ),
                id=doc_id,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TrialError(f"A stored self-trial cannot be read ({exc}).") from exc
        if not isinstance(trial.seed, int) or trial.plan != draw(trial.seed, trial.weeks):
            # The plan is kept and checked against its seed: an edited plan is not a draw.
            raise TrialError("A stored self-trial's plan does not match its seed; it is set aside.")
        return trial


class Trials:
    """Self-trials in the data store; one runs at a time."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def all(self) -> list[Trial]:
        found = []
        for doc in self._store.all(TABLE):
            try:
                found.append(Trial.from_record(dict(doc), doc.doc_id))
            except TrialError as exc:
                log.warning("self-trial %s set aside: %s", doc.doc_id, exc)
        found.sort(key=lambda t: (t.start, t.created))
        return found

    def latest(self) -> Trial | None:
        found = self.all()
        return found[-1] if found else None

    def running(self, today: date) -> Trial | None:
        return next((t for t in self.all() if t.start <= today <= t.last), None)

    def start(self, today: date, weeks: int, seed: int | None = None) -> Trial:
        """Draw the plan now, from ``seed`` or a fresh one from the system's random source."""
        if self.running(today) is not None:
            raise TrialError("A self-trial is already running; end it first.")
        chosen = secrets.randbits(63) if seed is None else seed
        trial = Trial(today, weeks, chosen, draw(chosen, weeks), self._clock(), new_uid())
        return replace(trial, id=self._store.insert(TABLE, trial.to_record()))

    def stop(self, trial: Trial, today: date) -> Trial:
        if trial.id is None:
            raise TrialError("This self-trial was never saved.")
        stopped = replace(trial, stopped_on=max(trial.start, min(today, trial.end)))
        self._store.update(TABLE, trial.id, stopped.to_record())
        return stopped


@dataclass(frozen=True)
class Evening:
    day: date
    drawn: Arm
    done: Done
    relief: float | None  # the mean relief of the sessions of the drawn kind, if done so
    headache_next_day: bool | None  # None: the next day is unknown


@dataclass(frozen=True)
class TrialResult:
    trial: Trial
    finished: bool
    evenings: tuple[Evening, ...]
    relief: Difference  # ASMR minus rest, evenings done as drawn
    verdict: Verdict
    headline: str
    next_day: Difference  # share of next days with headache, ASMR minus rest
    next_day_text: str
    limits: tuple[str, ...] = LIMITS

    @property
    def not_as_drawn(self) -> tuple[Evening, ...]:
        return tuple(e for e in self.evenings if e.done not in (Done.AS_DRAWN, Done.TO_COME))

    @property
    def relief_text(self) -> str:
        """Relief per kind of evening done as drawn, and the difference with its interval."""
        return describe(
            self.relief, "ASMR evenings done as drawn", "rest evenings", "with relief rated"
        )

    @property
    def design(self) -> str:
        t = self.trial
        n_asmr = sum(1 for a in t.plan if a is Arm.ASMR)
        return (
            f"{t.weeks} weeks from {t.start:%d %b %Y}: {n_asmr} ASMR and "
            f"{len(t.plan) - n_asmr} rest evenings, drawn in advance in weekly blocks "
            f"(seed {t.seed})."
        )


def _evening(
    day: date, drawn: Arm, sessions: Sequence[Session], today: date, headache: bool | None
) -> Evening:
    asmr = [s for s in sessions if s.mode is not Mode.REST]
    rest = [s for s in sessions if s.mode is Mode.REST]
    if day > today:
        done = Done.TO_COME
    elif asmr and rest:
        done = Done.BOTH
    elif (asmr and drawn is Arm.ASMR) or (rest and drawn is Arm.REST):
        done = Done.AS_DRAWN
    elif asmr or rest:
        done = Done.OTHER_KIND
    else:
        done = Done.NOTHING
    relief = None
    if done is Done.AS_DRAWN:
        values = [s.relief for s in (asmr if drawn is Arm.ASMR else rest) if s.relief is not None]
        relief = sum(values) / len(values) if values else None
    return Evening(day, drawn, done, relief, headache)


def evaluate_trial(
    trial: Trial,
    sessions: Iterable[Session],
    days: Iterable[Day],
    today: date,
    tz: tzinfo | None = None,
) -> TrialResult:
    """The trial's evenings, what was done on each, and the two comparisons."""
    sessions = list(sessions)
    by_day: dict[date, list[Session]] = {}
    for s in sessions:
        local = s.started.astimezone(tz).date()
        if trial.start <= local <= trial.last:
            by_day.setdefault(local, []).append(s)
    facts = day_facts(days, pain_points(sessions, tz))
    evenings = []
    for n in range(len(trial.plan)):
        day = trial.start + timedelta(days=n)
        if day > trial.last:
            break
        nxt = facts.get(day + timedelta(days=1))
        headache = nxt.headache if nxt is not None and day + timedelta(days=1) <= today else None
        evenings.append(_evening(day, trial.plan[n], by_day.get(day, []), today, headache))
    relief = welch(
        [e.relief for e in evenings if e.drawn is Arm.ASMR and e.relief is not None],
        [e.relief for e in evenings if e.drawn is Arm.REST and e.relief is not None],
    )
    verdict, headline = judge(relief, MIN_PER_ARM)
    next_day = welch(
        [
            float(e.headache_next_day)
            for e in evenings
            if e.drawn is Arm.ASMR and e.headache_next_day is not None
        ],
        [
            float(e.headache_next_day)
            for e in evenings
            if e.drawn is Arm.REST and e.headache_next_day is not None
        ],
    )
    return TrialResult(
        trial=trial,
        finished=today > trial.last,
        evenings=tuple(evenings),
        relief=relief,
        verdict=verdict,
        headline=headline,
        next_day=next_day,
        next_day_text=_next_day_text(next_day),
    )


def _next_days(evenings: Sequence[Evening], arm: Arm) -> list[float]:
    return [
        float(e.headache_next_day)
        for e in evenings
        if e.drawn is arm and e.headache_next_day is not None
    ]


def _next_day_text(d: Difference) -> str:
    if d.a.n < MIN_NEXT_DAYS or d.b.n < MIN_NEXT_DAYS or d.a.mean is None or d.b.mean is None:
        return (
            f"Headache the day after: too few known next days so far ({d.a.n} after ASMR, "
            f"{d.b.n} after rest; {MIN_NEXT_DAYS} of each are needed)."
        )
    text = (
        f"Headache the day after: {d.a.mean:.0%} of {d.a.n} days after ASMR evenings, "
        f"{d.b.mean:.0%} of {d.b.n} after rest evenings"
    )
    if d.diff is not None and d.low is not None and d.high is not None:
        text += (
            f"; difference {d.diff * 100:+.0f} percentage points "
            f"(95 % interval {d.low * 100:+.0f} to {d.high * 100:+.0f})"
        )
    return text + "."
