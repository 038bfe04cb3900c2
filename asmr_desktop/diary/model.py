"""What the diary records: sessions, their ratings, and the words used for them."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from asmr_desktop.core.errors import AsmrError

E = TypeVar("E", bound=StrEnum)


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
#: Longest playlist name, item (a file path) and uid a record may hold.
TEXT_MAX_CHARS = 4096
#: No session can be older than this; earlier dates (year 1, a clock reset) are refused, and
#: the latest allowed year keeps every date far from datetime's limits (OverflowError).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_YEAR = 9000

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
    unknown = [v for v in values if not isinstance(v, str) or v not in allowed]
    if unknown:
        raise DiaryError(f"Unknown {what}: {', '.join(map(_show, unknown))}.")
    return [v for v in allowed if v in values]  # canonical order, no duplicates


@dataclass
class Session:
    """One session, as stored. Times are timezone-aware (UTC in the file)."""

    started: datetime
    mode: Mode
    uid: str = field(default_factory=lambda: new_uid())
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
    #: Dated in the future when imported: recorded while the computer's clock ran ahead.
    clock_ahead: bool = False
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
        """A session from a stored or imported record, checked strictly by type and range.

        Nothing is coerced: "false" is not False, "abc" is not a list of items, NaN is not a
        volume. DiaryError names the first problem. A record without a uid gets a stable one
        from its content, so importing it twice never makes two sessions.
        """
        data = {k: v for k, v in record.items() if not k.startswith("_")}
        unknown = sorted(data.keys() - _RECORD_FIELDS)
        if unknown:
            raise DiaryError(f"Unknown field(s) in a session: {', '.join(unknown)}.")
        if "started" not in data or "mode" not in data:
            missing = "started" if "started" not in data else "mode"
            raise DiaryError(f"A session is missing its {missing!r} field.")
        uid = data.get("uid")
        return cls(
            started=_parse_time(data["started"], "started"),
            mode=_choice(Mode, data["mode"], "mode"),
            uid=stable_uid(data) if uid is None else _text(uid, "uid", empty=False),
            playlist=_text(data.get("playlist", ""), "playlist"),
            items=[_text(i, "item") for i in _list(data.get("items", []), "items")],
            volume=_optional_volume(data.get("volume")),
            migraine_mode=_flag(data.get("migraine_mode", False), "migraine_mode"),
            pain_before=_optional_pain(data.get("pain_before"), "pain before"),
            ended=_optional_time(data.get("ended"), "ended"),
            last_seen=_optional_time(data.get("last_seen"), "last_seen"),
            end_reason=_optional_choice(EndReason, data.get("end_reason"), "end_reason"),
            state=_choice(RatingState, data.get("state", "open"), "state"),
            pain_after=_optional_pain(data.get("pain_after"), "pain after"),
            rated_at=_optional_time(data.get("rated_at"), "rated_at"),
            triggers=check_choices(
                _list(data.get("triggers", []), "triggers"), TRIGGERS, "trigger"
            ),
            care=check_choices(_list(data.get("care", []), "care"), CARE, "care"),
            symptom=_optional_symptom(data.get("symptom")),
            note=check_note(data.get("note", "")),
            unusual=_flag(data.get("unusual", False), "unusual"),
            pain_free_2h=_optional_flag(data.get("pain_free_2h"), "pain_free_2h"),
            two_hour_asked=_flag(data.get("two_hour_asked", False), "two_hour_asked"),
            clock_ahead=_flag(data.get("clock_ahead", False), "clock_ahead"),
            measured_s=_optional_seconds(data.get("measured_s"), "measured_s"),
            heard=_optional_heard(data.get("heard")),
            last_item=_optional_text(data.get("last_item"), "last_item"),
            id=doc_id,
        )


_RECORD_FIELDS = frozenset(f for f in Session.__dataclass_fields__ if f != "id")


def new_uid() -> str:
    """A new random uid (uuid4 as 32 hex digits). ``uuid`` is imported here, not at the top:
    it loads ``platform``, a cost before the window's first frame (issue 17)."""
    import uuid

    return uuid.uuid4().hex


def stable_uid(record: dict[str, Any]) -> str:
    """A uid from a record's content: the same record always gets the same uid.
    ``hashlib`` (OpenSSL) is imported when first needed, after the first frame."""
    import hashlib

    content = {k: v for k, v in record.items() if k != "uid" and not k.startswith("_")}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _text(value: object, what: str, *, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise DiaryError(f"The {what} must be text, not {_show(value)}.")
    if len(value) > TEXT_MAX_CHARS:
        raise DiaryError(f"The {what} is {len(value)} characters long; at most {TEXT_MAX_CHARS}.")
    if not empty and not value:
        raise DiaryError(f"The {what} must not be empty.")
    return value


def _list(value: object, what: str) -> list[str]:
    if not isinstance(value, list):
        raise DiaryError(f"The {what} must be a list, not {_show(value)}.")
    return value


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise DiaryError(f"{what} must be true or false, not {_show(value)}.")
    return value


def _optional_flag(value: object, what: str) -> bool | None:
    return None if value is None else _flag(value, what)


def _choice(kind: type[E], value: object, what: str) -> E:
    if not isinstance(value, str) or value not in {m.value for m in kind}:
        allowed = ", ".join(str(m) for m in kind)
        raise DiaryError(f"The {what} {_show(value)} is not one of: {allowed}.")
    return kind(value)


def _optional_choice(kind: type[E], value: object, what: str) -> E | None:
    return None if value is None else _choice(kind, value, what)


def _show(value: object) -> str:
    """A value for a message, cut short (a 1 MB note must not fill the screen)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _parse_time(value: object, what: str) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise DiaryError(f"The time {what!r} is missing or not text: {_show(value)}.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise DiaryError(f"The time {what!r} is not a date and time: {_show(value)}.") from exc
    if parsed.tzinfo is None:
        raise DiaryError(f"The time {what!r} has no time zone: {value!r}.")
    try:
        too_early = parsed < EARLIEST
    except OverflowError:  # year 1 with a positive offset is before year 1 in UTC
        too_early = True
    if too_early or parsed.year > LATEST_YEAR:
        raise DiaryError(
            f"The time {what!r} ({value}) is outside the years 2000 to {LATEST_YEAR}: "
            "the computer's clock was probably wrong."
        )
    return parsed


def _optional_time(value: object, what: str) -> datetime | None:
    return None if value is None else _parse_time(value, what)


def _optional_pain(value: object, what: str) -> int | None:
    return None if value is None else check_pain(value, what)


def _optional_volume(value: object) -> float | None:
    """The volume slider's position: a finite number from 0 to 1."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DiaryError(f"The volume must be a number from 0 to 1, not {_show(value)}.")
    if not 0.0 <= value <= 1.0:
        raise DiaryError(f"The volume must be from 0 to 1; {value} is outside that.")
    return float(value)


def _optional_seconds(value: object, what: str) -> float | None:
    """A length in seconds: a finite number from 0 to two days, or None (not known)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DiaryError(f"The {what} must be a number of seconds, not {_show(value)}.")
    if not 0.0 <= value <= MAX_SESSION_S:
        raise DiaryError(f"The {what} must be from 0 to {MAX_SESSION_S:.0f} seconds.")
    return float(value)


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _text(value, what)


#: A session may credit at most this many items as heard.
HEARD_MAX_ITEMS = 1000


def _optional_heard(value: object) -> list[tuple[str, float]] | None:
    """[[title, seconds], ...] as stored; None stays None (not known, never 'all heard')."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise DiaryError(f"'heard' must be a list, not {_show(value)}.")
    entries: list[object] = value
    if len(entries) > HEARD_MAX_ITEMS:
        raise DiaryError(f"'heard' lists {len(entries)} items; at most {HEARD_MAX_ITEMS}.")
    heard: list[tuple[str, float]] = []
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2):
            raise DiaryError(f"An entry of 'heard' must be [title, seconds]: {_show(entry)}.")
        seconds = _optional_seconds(entry[1], "seconds heard")
        if seconds is None:
            raise DiaryError(f"An entry of 'heard' must be [title, seconds]: {_show(entry)}.")
        heard.append((_text(entry[0], "title heard"), seconds))
    return heard


def _optional_symptom(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in SYMPTOMS:
        raise DiaryError(f"Unknown symptom {_show(value)}.")
    return str(value)


def check_note(value: object) -> str:
    if not isinstance(value, str):
        raise DiaryError(f"A note must be text, not {_show(value)}.")
    if len(value) > NOTE_MAX_CHARS:
        raise DiaryError(f"A note may be at most {NOTE_MAX_CHARS} characters long.")
    return value
