"""A 2-4 week self-experiment: relief with ASMR against relief when resting without it.

Experiments are kept in the data store's ``experiments`` table. The comparison is Welch's
difference of mean relief (before minus after) between ASMR sessions (sound or visual)
and "rest, no sound" sessions whose local start date falls inside the experiment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.store import Store
from asmr_desktop.diary.model import Mode, Session, new_uid
from asmr_desktop.insights.stats import Difference, welch
from asmr_desktop.insights.timeline import maybe_within

TABLE = "experiments"
MIN_DAYS = 14
MAX_DAYS = 28
DEFAULT_DAYS = 21
#: Rated sessions needed in each arm before any verdict. With 5 per arm Welch's test has at
#: least 4 degrees of freedom (t = 2.78; at 3 it is 3.18 and the interval balloons), the
#: spread of each arm is estimated from more than a handful of evenings, and 5 rest
#: evenings fit in two weeks of asking for one rest evening in three.
MIN_PER_ARM = 5

REMINDER = (
    "During the experiment, on about one evening in three, rest for the same length of time "
    'without sound or visuals and log it as a "rest, no sound" session, with a pain rating '
    "before and after. Those evenings are what your ASMR sessions are compared with."
)
CAVEATS = (
    "This was not a controlled trial: you chose when to use ASMR and when to rest, so those "
    "evenings may have differed in other ways.",
    "Expecting something to help can ease pain by itself (an expectation effect), and so can "
    "simply lying down and resting.",
    "Other changes in those weeks, such as sleep, stress, medicines, hormones or weather, can "
    "move the numbers.",
    "It shows what happened for you in these weeks; it is not a diagnosis or a treatment.",
)


#: The hand-picked comparison's label: the person chose the evenings (insights/trial.py is
#: the randomised one).
NOT_RANDOMISED = "not randomised"


class ExperimentError(AsmrError):
    """An experiment cannot be started, stopped or read as asked; nothing was changed."""


class Verdict(StrEnum):
    HELPED = "helped"
    WORSE = "worse"
    NO_CLEAR_DIFFERENCE = "no clear difference"
    TOO_LITTLE_DATA = "too little data"


@dataclass(frozen=True)
class Experiment:
    """Dates are local calendar dates, both inclusive."""

    start: date
    end: date
    planned_end: date
    created: datetime
    uid: str
    stopped_early: bool = False  # ended by hand; its last day is the day it was ended
    id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def running(self, today: date) -> bool:
        """Between its dates and not ended by hand (an ended one still counts its last day)."""
        return not self.stopped_early and self.start <= today <= self.end

    def to_record(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "planned_end": self.planned_end.isoformat(),
            "created": self.created.isoformat(),
            "uid": self.uid,
            "stopped_early": self.stopped_early,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], doc_id: int | None = None) -> Experiment:
        data = {k: v for k, v in record.items() if not k.startswith("_")}
        unknown = sorted(data.keys() - {f for f in cls.__dataclass_fields__ if f != "id"})
        if unknown:
            raise ExperimentError(f"Unknown field(s) in an experiment: {', '.join(unknown)}.")
        try:
            experiment = cls(
                start=date.fromisoformat(data["start"]),
                end=date.fromisoformat(data["end"]),
                planned_end=date.fromisoformat(data["planned_end"]),
                created=datetime.fromisoformat(data["created"]),
                uid=str(data["uid"]),
                stopped_early=bool(data.get("stopped_early", False)),
                id=doc_id,
            )
        except KeyError as exc:
            raise ExperimentError(f"An experiment is missing its {exc.args[0]!r} field.") from exc
        except (TypeError, ValueError) as exc:
            raise ExperimentError(f"An experiment has a bad value: {exc}.") from exc
        check_dates(experiment.start, experiment.end)
        check_dates(experiment.start, experiment.planned_end)
        if experiment.end > experiment.planned_end:
            raise ExperimentError("An experiment cannot end after its planned end.")
        return experiment


def check_dates(start: date, end: date) -> None:
    if end < start:
        raise ExperimentError(f"An experiment cannot end ({end}) before it starts ({start}).")
    if (end - start).days + 1 > MAX_DAYS:
        raise ExperimentError(f"An experiment lasts at most {MAX_DAYS} days (4 weeks).")


class Experiments:
    """The experiments in the data store; every change is saved at once."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def all(self) -> list[Experiment]:
        """Oldest first."""
        found = [Experiment.from_record(dict(d), d.doc_id) for d in self._store.all(TABLE)]
        found.sort(key=lambda e: (e.start, e.created))
        return found

    def latest(self) -> Experiment | None:
        found = self.all()
        return found[-1] if found else None

    def running(self, today: date) -> Experiment | None:
        return next((e for e in self.all() if e.running(today)), None)

    def start(self, today: date, days: int = DEFAULT_DAYS) -> Experiment:
        """Begin today and last ``days`` days (14-28); only one runs at a time."""
        if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
            raise ExperimentError(
                f"An experiment lasts {MIN_DAYS} to {MAX_DAYS} days (2-4 weeks), not {days!r}."
            )
        if self.running(today) is not None:
            raise ExperimentError("An experiment is already running; end it first.")
        end = today + timedelta(days=days - 1)
        experiment = Experiment(today, end, end, self._clock(), new_uid())
        doc_id = self._store.insert(TABLE, experiment.to_record())
        return Experiment(**{**experiment.__dict__, "id": doc_id})

    def stop(self, experiment: Experiment, today: date) -> Experiment:
        """End it now: today becomes the last day (it cannot end before it started)."""
        if experiment.id is None:
            raise ExperimentError("This experiment was never saved.")
        if today > experiment.end or experiment.stopped_early:
            return experiment
        if today < experiment.start:  # started in the future by a clock change: drop it
            self._store.remove(TABLE, experiment.id)
            return experiment
        stopped = Experiment(**{**experiment.__dict__, "end": today, "stopped_early": True})
        self._store.update(TABLE, experiment.id, stopped.to_record())
        return stopped


@dataclass(frozen=True)
class ExperimentResult:
    """The comparison and what to make of it."""

    experiment: Experiment
    finished: bool
    comparison: Difference  # ASMR minus rest
    verdict: Verdict
    headline: str
    detail: str
    caveats: tuple[str, ...] = CAVEATS


def _points(value: float) -> str:
    rounded = round(abs(value), 1)
    return f"{rounded:g} point" + ("" if rounded == 1 else "s")


def judge(comparison: Difference, min_per_arm: int = MIN_PER_ARM) -> tuple[Verdict, str]:
    """The verdict and its one-line headline.

    - fewer than ``min_per_arm`` rated sessions in either arm: too little data;
    - the 95 % interval lies wholly above 0: helped, by about the difference;
    - wholly below 0: seemed to make it worse;
    - otherwise (including an interval that touches 0): no clear difference.
    """
    n_asmr, n_rest = comparison.a.n, comparison.b.n
    if n_asmr < min_per_arm or n_rest < min_per_arm:
        return Verdict.TOO_LITTLE_DATA, (
            f"Too little data: at least {min_per_arm} rated sessions of each kind are needed "
            f"(so far {n_asmr} with ASMR and {n_rest} resting without it)"
        )
    diff, low, high = comparison.diff, comparison.low, comparison.high
    assert diff is not None and low is not None and high is not None
    if low > 0:
        return Verdict.HELPED, f"Helped you by about {_points(diff)}"
    if high < 0:
        return Verdict.WORSE, (
            f"Seemed to make it worse: about {_points(diff)} less relief than resting without it"
        )
    return Verdict.NO_CLEAR_DIFFERENCE, "No clear difference between ASMR and resting without it"


def describe(comparison: Difference, first: str, second: str, what: str) -> str:
    """'With ASMR: 9 rated sessions, mean relief 2.1 points; resting without it: ...;
    difference +1.0 (95 % interval +0.2 to +1.8).' for either comparison."""
    a, b = comparison.a, comparison.b
    parts = [
        f"{first}: {a.n} {what}"
        + (f", mean relief {a.mean:.1f} points" if a.mean is not None else ""),
        f"{second}: {b.n}" + (f", mean relief {b.mean:.1f} points" if b.mean is not None else ""),
    ]
    if comparison.diff is not None and comparison.low is not None and comparison.high is not None:
        parts.append(
            f"difference {comparison.diff:+.1f} (95 % interval {comparison.low:+.1f} "
            f"to {comparison.high:+.1f})"
        )
    return "; ".join(parts) + "."


def evaluate(
    experiment: Experiment,
    sessions: Iterable[Session],
    today: date,
    tz: tzinfo | None = None,
    min_per_arm: int = MIN_PER_ARM,
) -> ExperimentResult:
    """Relief with ASMR against relief at rest, inside the experiment's local dates."""
    asmr: list[float] = []
    rest: list[float] = []
    for s in sessions:
        relief = s.relief
        if relief is None or not maybe_within(s.started, experiment.start, experiment.end):
            continue
        if not experiment.start <= s.started.astimezone(tz).date() <= experiment.end:
            continue
        (rest if s.mode is Mode.REST else asmr).append(float(relief))
    comparison = welch(asmr, rest)
    verdict, headline = judge(comparison, min_per_arm)
    detail = describe(comparison, "With ASMR", "resting without it", "rated sessions")
    finished = today > experiment.end or experiment.stopped_early
    return ExperimentResult(experiment, finished, comparison, verdict, headline, detail)
