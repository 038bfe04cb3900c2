"""Every day counted: one record per local date with the headache, its 0-10 value and any
medication taken, kept in its own ``days`` table.

A date without a record is *unknown*, never headache-free: :meth:`DayBook.status` says
which. Records are checked as strictly as sessions (diary/model.py): nothing is coerced,
dates run from 2000-01-01 to tomorrow (a day ahead covers time zones and a clock slightly
fast), and a record that fails validation is set aside, never fatal to the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from asmr_desktop.core.store import Store
from asmr_desktop.diary.model import (
    EARLIEST,
    DiaryError,
    E,
    _choice,
    _show,
    _text,
    check_note,
    check_pain,
    new_uid,
    pain_category,
)

log = logging.getLogger(__name__)

TABLE = "days"
FIRST_DAY = EARLIEST.date()
NAME_MAX_CHARS = 80
AMOUNT_MAX_CHARS = 40
#: More than this many medications on one day is a broken record, not a diary entry.
MEDICATION_MAX = 20
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class Headache(StrEnum):
    """The 4-point scale of headache diaries and trials (IHS guidelines)."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class MedKind(StrEnum):
    """The classes ICHD-3's medication-overuse rule counts (8.2), and 'other'."""

    SIMPLE = "simple analgesic"
    TRIPTAN = "triptan"
    COMBINATION = "combination analgesic"
    OPIOID = "opioid"
    OTHER = "other"


class DayStatus(StrEnum):
    UNKNOWN = "unknown"  # no record: never counted as headache-free
    HEADACHE_FREE = "headache-free"
    HEADACHE = "headache"


@dataclass(frozen=True)
class Medication:
    """One medicine taken: its name as typed, an amount ('400 mg'), the local time
    ('HH:MM', None when not given) and its kind."""

    name: str
    kind: MedKind = MedKind.OTHER
    amount: str = ""
    time: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"name": self.name, "kind": str(self.kind), "amount": self.amount, "time": self.time}

    @classmethod
    def from_record(cls, record: object) -> Medication:
        if not isinstance(record, dict):
            raise DiaryError(f"A medication must be a record, not {_show(record)}.")
        unknown = sorted(record.keys() - {"name", "kind", "amount", "time"})
        if unknown:
            raise DiaryError(f"Unknown field(s) in a medication: {', '.join(unknown)}.")
        if "name" not in record:
            raise DiaryError("A medication is missing its 'name' field.")
        return check_medication(
            record["name"],
            _fast_choice(MedKind, record.get("kind", "other"), "medication kind"),
            record.get("amount", ""),
            record.get("time"),
        )


def _fast_choice(kind: type[E], value: object, what: str) -> E:
    """model._choice without building the set of values per call (10 years: 4,900 calls)."""
    if isinstance(value, str) and value in kind._value2member_map_:
        return kind(value)
    return _choice(kind, value, what)  # its message names the allowed values


def check_medication(
    name: object, kind: MedKind, amount: object = "", time: object = None
) -> Medication:
    """A medication from typed values, or DiaryError naming the problem."""
    name_text = _text(name, "medication name").strip()
    if not name_text:
        raise DiaryError("A medication needs a name.")
    if len(name_text) > NAME_MAX_CHARS:
        raise DiaryError(f"A medication name may be at most {NAME_MAX_CHARS} characters long.")
    amount_text = _text(amount, "medication amount").strip()
    if len(amount_text) > AMOUNT_MAX_CHARS:
        raise DiaryError(f"An amount may be at most {AMOUNT_MAX_CHARS} characters long.")
    if time is not None and not (isinstance(time, str) and _TIME.fullmatch(time)):
        raise DiaryError(f"A medication's time is HH:MM (e.g. 14:30), not {_show(time)}.")
    return Medication(name_text, kind, amount_text, time)


def check_day(value: object, latest: date) -> date:
    """A calendar date from 2000-01-01 to ``latest`` (tomorrow), as a date or ISO text."""
    if isinstance(value, datetime) or not isinstance(value, date | str):
        raise DiaryError(f"A day is a date such as 2026-03-01, not {_show(value)}.")
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise DiaryError(
                f"A day is a date such as 2026-03-01 (YYYY-MM-DD), not {_show(value)}."
            )
        try:
            value = date.fromisoformat(value)
        except ValueError as exc:
            raise DiaryError(f"{value} is not a date in the calendar.") from exc
    if not FIRST_DAY <= value <= latest:
        raise DiaryError(
            f"The day {value.isoformat()} is outside {FIRST_DAY.isoformat()} to "
            f"{latest.isoformat()}: a diary day cannot be in the future."
        )
    return value


def check_level(headache: object, pain: object) -> tuple[Headache, int | None]:
    """The level and the optional 0-10 value, which must agree (pain 2 is mild, not severe)."""
    level = _fast_choice(Headache, headache, "headache")
    if pain is None:
        return level, None
    value = check_pain(pain, "pain value")
    if pain_category(value) != level.value:
        raise DiaryError(
            f"A pain of {value} is {pain_category(value)}, not {level.value}: give the level "
            "that matches, or leave the 0-10 value out."
        )
    return level, value


@dataclass(frozen=True)
class Day:
    """What the person recorded about one local date."""

    day: date
    headache: Headache
    pain: int | None = None
    medication: tuple[Medication, ...] = ()
    note: str = ""
    recorded: datetime | None = None  # when it was last saved
    uid: str = field(default_factory=lambda: new_uid())
    id: int | None = None

    @property
    def status(self) -> DayStatus:
        return DayStatus.HEADACHE_FREE if self.headache is Headache.NONE else DayStatus.HEADACHE

    @property
    def took_medication(self) -> bool:
        return bool(self.medication)

    def to_record(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "headache": str(self.headache),
            "pain": self.pain,
            "medication": [m.to_record() for m in self.medication],
            "note": self.note,
            "recorded": self.recorded.isoformat() if self.recorded is not None else None,
            "uid": self.uid,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], latest: date, doc_id: int | None = None) -> Day:
        """A day from a stored or imported record, checked strictly; DiaryError names the
        first problem. ``latest`` is the last date allowed (tomorrow)."""
        data = {k: v for k, v in record.items() if not k.startswith("_")}
        unknown = sorted(data.keys() - _DAY_FIELDS)
        if unknown:
            raise DiaryError(f"Unknown field(s) in a day: {', '.join(unknown)}.")
        for required in ("day", "headache"):
            if required not in data:
                raise DiaryError(f"A day is missing its {required!r} field.")
        level, pain = check_level(data["headache"], data.get("pain"))
        meds = data.get("medication", [])
        if not isinstance(meds, list):
            raise DiaryError(f"A day's medication must be a list, not {_show(meds)}.")
        if len(meds) > MEDICATION_MAX:
            raise DiaryError(f"A day lists {len(meds)} medications; at most {MEDICATION_MAX}.")
        recorded = data.get("recorded")
        when: datetime | None = None
        if recorded is not None:
            if not isinstance(recorded, str):
                raise DiaryError(f"'recorded' must be a time, not {_show(recorded)}.")
            try:
                when = datetime.fromisoformat(recorded)
            except ValueError as exc:
                raise DiaryError(f"'recorded' is not a time: {_show(recorded)}.") from exc
            if when.tzinfo is None:
                raise DiaryError(f"'recorded' has no time zone: {recorded!r}.")
        uid = data.get("uid")
        return cls(
            day=check_day(data["day"], latest),
            headache=level,
            pain=pain,
            medication=tuple(Medication.from_record(m) for m in meds),
            note=check_note(data.get("note", "")),
            recorded=when,
            uid=new_uid() if uid is None else _text(uid, "uid", empty=False),
            id=doc_id,
        )


_DAY_FIELDS = frozenset(f for f in Day.__dataclass_fields__ if f != "id")


@dataclass(frozen=True)
class SetAsideDay:
    doc_id: int
    reason: str


class DayBook:
    """The days table: one record per local date, saved at once.

    ``tz`` is the zone whose calendar the days follow (None: this computer's).
    """

    def __init__(
        self, store: Store, clock: Callable[[], datetime], tz: tzinfo | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._tz = tz

    def today(self) -> date:
        return self._clock().astimezone(self._tz).date()

    def latest(self) -> date:
        """The last date a record may have: tomorrow (time zones, a clock a little fast)."""
        return self.today() + timedelta(days=1)

    # -- reading ---------------------------------------------------------------------------
    def _parsed(
        self, first: date | None = None, last: date | None = None
    ) -> tuple[list[Day], list[SetAsideDay]]:
        latest = self.latest()
        low = first.isoformat() if first is not None else None
        high = last.isoformat() if last is not None else None
        good: list[Day] = []
        bad: list[SetAsideDay] = []
        for doc in self._store.all(TABLE):
            # Filter on the stored ISO text before the full (validating) parse: ISO dates
            # sort as text, and ten years of days parse in ~170 ms, a month in ~2 ms.
            text = doc.get("day")
            if (
                isinstance(text, str)
                and len(text) == 10
                and ((low is not None and text < low) or (high is not None and text > high))
            ):
                continue
            try:
                good.append(Day.from_record(dict(doc), latest, doc.doc_id))
            except DiaryError as exc:
                bad.append(SetAsideDay(doc.doc_id, str(exc)))
        good.sort(key=lambda d: d.day)
        return good, bad

    def days(self, first: date | None = None, last: date | None = None) -> list[Day]:
        """Valid day records, oldest first, optionally within [first, last]."""
        found = self._parsed(first, last)[0]
        return [
            d
            for d in found
            if (first is None or d.day >= first) and (last is None or d.day <= last)
        ]

    def set_aside(self) -> list[SetAsideDay]:
        return self._parsed()[1]

    def get(self, day: date) -> Day | None:
        wanted = day.isoformat()
        for doc in self._store.all(TABLE):
            if doc.get("day") == wanted:
                try:
                    return Day.from_record(dict(doc), self.latest(), doc.doc_id)
                except DiaryError:
                    return None
        return None

    def status(self, day: date) -> DayStatus:
        """Unknown without a record; never headache-free by default."""
        record = self.get(day)
        return DayStatus.UNKNOWN if record is None else record.status

    def medication_names(self) -> list[str]:
        """Every name used before, most used first (the remembered list)."""
        counts: dict[str, int] = {}
        spelled: dict[str, str] = {}
        for d in self.days():
            for m in d.medication:
                key = m.name.casefold()
                counts[key] = counts.get(key, 0) + 1
                spelled.setdefault(key, m.name)
        return [spelled[k] for k in sorted(counts, key=lambda k: (-counts[k], k))]

    # -- writing ---------------------------------------------------------------------------
    def record(
        self,
        day: date,
        headache: Headache | str,
        *,
        pain: int | None = None,
        medication: Sequence[Medication] = (),
        note: str = "",
    ) -> Day:
        """Save (or replace) the record of ``day``; nothing is saved when any part is wrong."""
        checked_day = check_day(day, self.latest())
        level, value = check_level(str(headache), pain)
        if len(medication) > MEDICATION_MAX:
            raise DiaryError(f"At most {MEDICATION_MAX} medications a day.")
        existing = self._doc_id(checked_day)
        entry = Day(
            day=checked_day,
            headache=level,
            pain=value,
            medication=tuple(medication),
            note=check_note(note),
            recorded=self._clock(),
        )
        if existing is None:
            saved = replace(entry, id=self._store.insert(TABLE, entry.to_record()))
        else:
            doc = self._store.get(TABLE, existing)
            uid = doc.get("uid") if doc is not None else None
            entry = replace(entry, uid=uid if isinstance(uid, str) and uid else entry.uid)
            self._store.update(TABLE, existing, entry.to_record())
            saved = replace(entry, id=existing)
        log.info("day %s recorded (%s, %d medication)", checked_day, level, len(medication))
        return saved

    def remove(self, day: date) -> Day | None:
        """Forget a day's record (it becomes unknown); returns it, for undo."""
        before = self.get(day)
        doc_id = self._doc_id(day)
        if doc_id is not None:
            self._store.remove(TABLE, doc_id)
        return before

    def _doc_id(self, day: date) -> int | None:
        wanted = day.isoformat()
        return next((d.doc_id for d in self._store.all(TABLE) if d.get("day") == wanted), None)


def by_date(days: Iterable[Day]) -> dict[date, Day]:
    return {d.day: d for d in days}
