"""What the diary records: sessions, their ratings, and the words used for them."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from asmr_desktop.core.errors import AsmrError


class DiaryError(AsmrError):
    """A rating, a date or an imported record is not acceptable; nothing was changed."""


class Mode(StrEnum):
    """How a session was spent."""

    AUDIO = "audio"
    VISUAL = "visual"
    REST = "rest"  # resting without any sound or visuals: the comparison for experiments


class EndReason(StrEnum):
    STOPPED = "stopped"  # the person stopped it
    FINISHED = "finished"  # the playlist came to its end
    SLEEP_TIMER = "sleep_timer"  # the sleep timer faded it out: do not ask at 3 a.m.
    INTERRUPTED = "interrupted"  # the app closed or crashed; closed on the next start


class RatingState(StrEnum):
    OPEN = "open"  # still running
    PENDING = "pending"  # ended, waiting for a rating
    DEFERRED = "deferred"  # ended while asleep: ask next time the app opens
    RATED = "rated"
    DISMISSED = "dismissed"  # the person chose not to rate it


PAIN_MIN = 0
PAIN_MAX = 10
NOTE_MAX_CHARS = 2000
#: No session lasts longer than this (two days): a longer length is a broken record.
MAX_SESSION_S = 48 * 3600.0
#: A wall-clock length this far from the measured one means the clock was changed.
CLOCK_TOLERANCE_S = 60.0

TRIGGERS = (
    "stress",
    "poor sleep",
    "screens",
    "posture",
    "hormonal",
    "sensory overload",
    "dehydration",
    "skipped meal",
    "weather",
    "other",
)
CARE = ("water", "neck stretch", "screen break", "gentle massage")
SYMPTOMS = ("light", "sound", "nausea", "none")


def pain_category(pain: int) -> str:
    """The 4-point research category: none 0, mild 1-3, moderate 4-6, severe 7-10."""
    check_pain(pain)
    if pain == 0:
        return "none"
    if pain <= 3:
        return "mild"
    if pain <= 6:
        return "moderate"
    return "severe"


def check_pain(pain: object, what: str = "pain rating") -> int:
    """A 0-10 whole number, or DiaryError naming the problem."""
    if isinstance(pain, bool) or not isinstance(pain, int):
        raise DiaryError(f"The {what} must be a whole number from 0 to 10, not {pain!r}.")
    if not PAIN_MIN <= pain <= PAIN_MAX:
        raise DiaryError(f"The {what} must be from 0 to 10; {pain} is outside that.")
    return pain


def check_choices(values: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise DiaryError(f"Unknown {what}: {', '.join(map(repr, unknown))}.")
    return [v for v in allowed if v in values]  # canonical order, no duplicates


@dataclass
class Session:
    """One session, as stored. Times are timezone-aware (UTC in the file)."""

    started: datetime
    mode: Mode
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)
    playlist: str = ""
    items: list[str] = field(default_factory=list)
    volume: float | None = None
    migraine_mode: bool = False
    pain_before: int | None = None
    ended: datetime | None = None
    last_seen: datetime | None = None
    end_reason: EndReason | None = None
    state: RatingState = RatingState.OPEN
    pain_after: int | None = None
    rated_at: datetime | None = None
    triggers: list[str] = field(default_factory=list)
    care: list[str] = field(default_factory=list)
    symptom: str | None = None
    note: str = ""
    unusual: bool = False
    pain_free_2h: bool | None = None
    two_hour_asked: bool = False
    #: The length measured on a monotonic clock while it ran (immune to clock changes);
    #: None in records written before it was measured.
    measured_s: float | None = None
    #: What was actually heard: (title, seconds audible) per item, in the order first
    #: heard; a crossfade counts for both sides. None when not known (older records).
    heard: list[tuple[str, float]] | None = None
    #: The item that was playing when the session ended (None: not known, or nothing).
    last_item: str | None = None
    id: int | None = None  # the store's record id; not part of the record itself

    @property
    def duration_s(self) -> float | None:
        """How long it lasted: the monotonic measurement where there is one (a clock that
        was changed meanwhile cannot make it negative or zero), else end minus start."""
        if self.measured_s is not None:
            return self.measured_s
        if self.ended is None:
            return None
        return max(0.0, (self.ended - self.started).total_seconds())

    @property
    def clock_changed(self) -> bool:
        """The wall clock disagreed with the measured length (changed, or jumped)."""
        if self.measured_s is None or self.ended is None:
            return False
        wall = (self.ended - self.started).total_seconds()
        return abs(wall - self.measured_s) > CLOCK_TOLERANCE_S

    @property
    def relief(self) -> int | None:
        """Pain before minus pain after: positive means it eased."""
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_before - self.pain_after

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record.pop("id")
        for key in ("started", "ended", "last_seen", "rated_at"):
            value = record[key]
            record[key] = value.isoformat() if value is not None else None
        for key in ("mode", "end_reason", "state"):
            value = record[key]
            record[key] = str(value) if value is not None else None
        if self.heard is not None:
            record["heard"] = [[title, seconds] for title, seconds in self.heard]
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any], doc_id: int | None = None) -> Session:
        """A session from a stored or imported record; DiaryError names what is wrong."""
        data = {k: v for k, v in record.items() if k[0] != "_"}
        unknown = sorted(data.keys() - _RECORD_FIELDS)
        if unknown:
            raise DiaryError(f"Unknown field(s) in a session: {', '.join(unknown)}.")
        try:
            session = cls(
                started=_parse_time(data["started"], "started"),
                mode=Mode(data["mode"]),
                uid=str(data.get("uid") or uuid.uuid4().hex),
                playlist=str(data.get("playlist", "")),
                items=[str(i) for i in data.get("items", [])],
                volume=_optional_float(data.get("volume")),
                migraine_mode=bool(data.get("migraine_mode", False)),
                pain_before=_optional_pain(data.get("pain_before"), "pain before"),
                ended=_optional_time(data.get("ended"), "ended"),
                last_seen=_optional_time(data.get("last_seen"), "last_seen"),
                end_reason=EndReason(data["end_reason"]) if data.get("end_reason") else None,
                state=RatingState(data.get("state", RatingState.OPEN)),
                pain_after=_optional_pain(data.get("pain_after"), "pain after"),
                rated_at=_optional_time(data.get("rated_at"), "rated_at"),
                triggers=check_choices(list(data.get("triggers", [])), TRIGGERS, "trigger"),
                care=check_choices(list(data.get("care", [])), CARE, "care"),
                symptom=_optional_symptom(data.get("symptom")),
                note=check_note(data.get("note", "")),
                unusual=bool(data.get("unusual", False)),
                pain_free_2h=data.get("pain_free_2h"),
                two_hour_asked=bool(data.get("two_hour_asked", False)),
                measured_s=_optional_seconds(data.get("measured_s"), "measured_s"),
                heard=_optional_heard(data.get("heard")),
                last_item=_optional_text(data.get("last_item"), "last_item"),
                id=doc_id,
            )
        except KeyError as exc:
            raise DiaryError(f"A session is missing its {exc.args[0]!r} field.") from exc
        except ValueError as exc:  # bad enum values and numbers
            raise DiaryError(f"A session has a bad value: {exc}.") from exc
        except TypeError as exc:
            raise DiaryError(f"A session has a value of the wrong kind: {exc}.") from exc
        if session.pain_free_2h is not None and not isinstance(session.pain_free_2h, bool):
            raise DiaryError("pain_free_2h must be true, false or empty.")
        return session


_RECORD_FIELDS = frozenset(f for f in Session.__dataclass_fields__ if f != "id")


def _parse_time(value: object, what: str) -> datetime:
    if not isinstance(value, str):
        raise DiaryError(f"The time {what!r} is missing or not text: {value!r}.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise DiaryError(f"The time {what!r} is not a date and time: {value!r}.") from exc
    if parsed.tzinfo is None:
        raise DiaryError(f"The time {what!r} has no time zone: {value!r}.")
    return parsed


def _optional_time(value: object, what: str) -> datetime | None:
    return None if value is None else _parse_time(value, what)


def _optional_pain(value: object, what: str) -> int | None:
    return None if value is None else check_pain(value, what)


def _optional_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DiaryError(f"Expected a number, found {value!r}.")
    return float(value)


def _optional_seconds(value: object, what: str) -> float | None:
    seconds = _optional_float(value)
    if seconds is not None and not (0.0 <= seconds < MAX_SESSION_S):
        raise DiaryError(f"{what} must be between 0 and {MAX_SESSION_S:.0f} seconds.")
    return seconds


def _optional_text(value: object, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > NOTE_MAX_CHARS:
        raise DiaryError(f"{what} must be a short text, not {value!r}.")
    return value


def _optional_heard(value: object) -> list[tuple[str, float]] | None:
    """[[title, seconds], ...] as stored; None stays None (not known, never 'all')."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise DiaryError(f"'heard' must be a list of [title, seconds], not {value!r}.")
    heard: list[tuple[str, float]] = []
    for entry in value:
        if not (isinstance(entry, list | tuple) and len(entry) == 2):
            raise DiaryError(f"An entry of 'heard' must be [title, seconds]: {entry!r}.")
        title = _optional_text(entry[0], "a heard item's title")
        seconds = _optional_seconds(entry[1], "a heard item's seconds")
        if title is None or seconds is None:
            raise DiaryError(f"An entry of 'heard' must be [title, seconds]: {entry!r}.")
        heard.append((title, seconds))
    return heard


def _optional_symptom(value: object) -> str | None:
    if value is None:
        return None
    if value not in SYMPTOMS:
        raise DiaryError(f"Unknown symptom {value!r}.")
    return str(value)


def check_note(value: object) -> str:
    if not isinstance(value, str):
        raise DiaryError(f"A note must be text, not {value!r}.")
    if len(value) > NOTE_MAX_CHARS:
        raise DiaryError(f"A note may be at most {NOTE_MAX_CHARS} characters long.")
    return value
