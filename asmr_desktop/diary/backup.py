"""Export to CSV and a JSON backup, and import the backup back without duplicates.

The backup format (README "Exporting your diary"): a JSON object with ``format``
"asmr-desktop-backup", ``version`` 1, ``exported`` (ISO time) and ``sessions``, a list of
session records as :meth:`Session.to_record` writes them. Version 1 backups stay importable
by every later version (tests/unit/diary/data/backup-v1.json is the witness).

Import is checked as a whole before anything is written, then added in one atomic write:
all of it or nothing, also on a full disk or a kill. It is linear in the number of sessions
(uids are looked up in a set; the whole batch is one store write): measured 7,300 sessions
in about 1 s where one write per session took 173 s and wrote 15 GB (bench/bench_store.py).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from asmr_desktop.core.fileio import FileWriteError, atomic_write_text
from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import TABLE as DAYS_TABLE
from asmr_desktop.diary.days import Day, DayBook
from asmr_desktop.diary.model import DiaryError, Session, pain_category
from asmr_desktop.diary.service import TABLE, Diary

log = logging.getLogger(__name__)

BACKUP_FORMAT = "asmr-desktop-backup"
#: Version 2 adds ``days`` (check-ins and medication); version 1 backups still import.
BACKUP_VERSION = 2
READABLE_VERSIONS = (1, 2)
#: Clocks differ between computers and time zones; anything later than this is "in the future".
FUTURE_TOLERANCE = timedelta(days=1)
#: How many problems an import names before "and N more".
PROBLEMS_NAMED = 10
#: The uids the app itself makes (uuid4 hex, or stable_uid): such a record was written by
#: the app, so a date in the future means its clock ran ahead, not a made-up record.
_APP_UID = re.compile(r"[0-9a-f]{32}")
#: Cells a spreadsheet would run as a formula start with one of these (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int, int], None]

#: CSV columns, in order, with their meaning (README.md documents the same list).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("session_id", "a unique id of the session"),
    ("started", "local date and time the session started (ISO 8601)"),
    ("ended", "local date and time it ended (empty while running)"),
    ("duration_min", "length in minutes"),
    ("mode", "audio, visual (visual-only) or rest (rest without sound)"),
    ("playlist", "name of the playlist"),
    ("items", "the playlist's items when it started, separated by a vertical bar"),
    (
        "heard",
        "what was actually heard: title=minutes, separated by a vertical bar; "
        "empty when not recorded (sessions from before version 0.2)",
    ),
    ("last_item", "what was playing when the session ended (empty if not known)"),
    ("volume", "volume slider position 0-1"),
    ("migraine_mode", "1 when migraine mode was on"),
    ("pain_before", "pain 0-10 before the session (empty if not asked)"),
    ("pain_after", "pain 0-10 after the session (empty if not rated)"),
    ("category_after", "none / mild / moderate / severe for pain_after"),
    ("relief", "pain_before minus pain_after"),
    ("end_reason", "stopped, finished, sleep_timer or interrupted"),
    ("rating", "rated, dismissed, pending, deferred or open"),
    ("triggers", "triggers noted, separated by a vertical bar"),
    ("care", "care taken, separated by a vertical bar"),
    ("symptom", "most bothersome symptom"),
    ("unusual", "1 when 'this headache is unusual' was checked"),
    ("pain_free_2h", "1 pain-free two hours after starting, 0 not, empty not asked"),
    ("note", "free text"),
    (
        "clock_changed",
        "1 when the computer's clock changed during the session "
        "(duration_min is the measured length)",
    ),
)


def _local(value: datetime | None) -> str:
    return value.astimezone().isoformat(timespec="seconds") if value is not None else ""


def _flag(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def _opt(value: object) -> str:
    return "" if value is None else str(value)


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show, never run: a formula start gets a leading '."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_row(session: Session) -> list[str]:
    duration = session.duration_s
    return [
        neutralise(session.uid),
        _local(session.started),
        _local(session.ended),
        f"{duration / 60:.1f}" if duration is not None else "",
        str(session.mode),
        neutralise(session.playlist),
        neutralise(" | ".join(session.items)),
        neutralise(heard_text(session.heard)),
        neutralise(session.last_item or ""),
        f"{session.volume:.2f}" if session.volume is not None else "",
        _flag(session.migraine_mode),
        _opt(session.pain_before),
        _opt(session.pain_after),
        pain_category(session.pain_after) if session.pain_after is not None else "",
        _opt(session.relief),
        _opt(session.end_reason),
        str(session.state),
        " | ".join(session.triggers),
        " | ".join(session.care),
        session.symptom or "",
        _flag(session.unusual),
        _flag(session.pain_free_2h),
        neutralise(session.note),
        _flag(session.clock_changed),
    ]


def heard_text(heard: list[tuple[str, float]] | None) -> str:
    """'Rain=20.0 | Brown noise=3.5' (minutes each); '' when not known."""
    if heard is None:
        return ""
    return " | ".join(f"{title}={seconds / 60:.1f}" for title, seconds in heard)


def to_csv(sessions: list[Session]) -> str:
    buffer = io.StringIO()
    # RFC 4180 line ends: with "\n" alone, a carriage return inside a note was written
    # unquoted and split the row in two for every reader.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    writer.writerows(csv_row(s) for s in sessions)
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    """Exports are health data too: written atomically, owner-only."""
    try:
        atomic_write_text(path, text)
    except FileWriteError as exc:
        raise DiaryError(str(exc)) from exc


def export_csv(diary: Diary, path: Path) -> int:
    sessions = diary.sessions()
    _write(path, to_csv(sessions))
    return len(sessions)


def backup_document(diary: Diary, now: datetime, book: DayBook | None = None) -> dict[str, Any]:
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "exported": now.isoformat(),
        "sessions": [s.to_record() for s in diary.sessions()],
        "days": [d.to_record() for d in book.days()] if book is not None else [],
    }


#: Columns of the days CSV (``export --days-csv``), in order; README.md lists the same.
DAY_CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", "the local calendar date (YYYY-MM-DD); a date without a row is unknown"),
    ("headache", "none, mild, moderate or severe"),
    ("pain", "the 0-10 value, when given"),
    ("medication_days", "1 when any medicine was taken that day, else 0"),
    ("medication", "each medicine as name (kind) amount at HH:MM, separated by a vertical bar"),
    ("note", "free text"),
)


def day_row(day: Day) -> list[str]:
    meds = " | ".join(
        " ".join(
            part
            for part in (m.name, f"({m.kind})", m.amount, f"at {m.time}" if m.time else "")
            if part
        )
        for m in day.medication
    )
    return [
        day.day.isoformat(),
        str(day.headache),
        _opt(day.pain),
        "1" if day.took_medication else "0",
        neutralise(meds),
        neutralise(day.note),
    ]


def export_days_csv(book: DayBook, path: Path) -> int:
    """One row per recorded day (CRLF rows, formula cells neutralised, as the sessions)."""
    days = book.days()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in DAY_CSV_COLUMNS])
    writer.writerows(day_row(d) for d in days)
    _write(path, buffer.getvalue())
    return len(days)


def export_json(diary: Diary, path: Path, now: datetime, book: DayBook | None = None) -> int:
    document = backup_document(diary, now, book)
    _write(path, json.dumps(document, ensure_ascii=False, indent=1))
    return len(document["sessions"])


@dataclass(frozen=True)
class ImportResult:
    added: int
    already_there: int
    clock_ahead: int = 0  # imported, dated in the future: marked ``clock_ahead``
    days_added: int = 0
    days_already_there: int = 0  # a date the diary already has keeps its own record

    def message(self) -> str:
        text = f"Imported {self.added} sessions; {self.already_there} were already here."
        if self.days_added or self.days_already_there:
            text += (
                f" Days: {self.days_added} added, {self.days_already_there} already recorded "
                "here (kept as they were)."
            )
        if self.clock_ahead:
            text += (
                f" {self.clock_ahead} of them {'is' if self.clock_ahead == 1 else 'are'} dated "
                "in the future (the computer's clock was probably ahead) and marked so."
            )
        return text


def _refuse_constant(name: str) -> object:
    raise DiaryError(f"it holds {name}, which is not a number")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise DiaryError(f"it holds {text}, a number too large to be real")
    return value


def read_backup_document(path: Path) -> dict[str, Any]:
    """The parsed backup file, strictly: no NaN or infinities, nothing nested too deeply."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DiaryError(f"There is no file {path}.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DiaryError(f"{path} is not a readable backup: {exc}.") from exc
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise DiaryError(f"{path} is not a readable backup: {exc}.") from exc
    except RecursionError as exc:
        raise DiaryError(
            f"{path} is not a backup: it is nested too deeply. Nothing was imported."
        ) from exc
    except DiaryError as exc:
        raise DiaryError(f"{path} is not a usable backup: {exc}. Nothing was imported.") from exc
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise DiaryError(f"{path} is not an ASMR Desktop backup.")
    version = document.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise DiaryError(
            f"{path} is a backup of version {version!r}; "
            f"this app reads versions {', '.join(map(str, READABLE_VERSIONS))}."
        )
    return document


def check_backup(path: Path, now: datetime, progress: Progress | None = None) -> list[Session]:
    """Every session of a backup, validated; DiaryError names each problem, imports nothing.

    A session dated more than a day ahead of ``now`` is refused, unless the app wrote it (it
    carries the app's uid): then the clock of the computer that recorded it ran ahead, and
    it is kept, marked ``clock_ahead``.
    """
    return _check_sessions(read_backup_document(path), path, now, progress)


def _check_sessions(
    document: dict[str, Any], path: Path, now: datetime, progress: Progress | None
) -> list[Session]:
    records = document.get("sessions")
    if not isinstance(records, list):
        raise DiaryError(f"{path} has no list of sessions.")
    latest = now + FUTURE_TOLERANCE
    incoming: list[Session] = []
    problems: list[str] = []
    total = len(records)
    for number, record in enumerate(records, start=1):
        if progress is not None and number % 500 == 0:
            progress(number, total)
        try:
            incoming.append(_check_one(record, latest))
        except DiaryError as exc:
            problems.append(f"session {number}: {exc}")
    _refuse(path, "session", problems)
    return incoming


def _check_days(document: dict[str, Any], path: Path, now: datetime) -> list[Day]:
    """The days of a version-2 backup, validated as a whole (version 1 has none)."""
    records = document.get("days", [])
    if document.get("version") == 1 and "days" not in document:
        return []
    if not isinstance(records, list):
        raise DiaryError(f"{path} has no list of days. Nothing was imported.")
    latest = (now + FUTURE_TOLERANCE).date()
    days: list[Day] = []
    problems: list[str] = []
    for number, record in enumerate(records, start=1):
        try:
            if not isinstance(record, dict):
                raise DiaryError("it is not a record")
            days.append(Day.from_record(record, latest))
        except DiaryError as exc:
            problems.append(f"day {number}: {exc}")
    _refuse(path, "day", problems)
    return days


def _refuse(path: Path, kind: str, problems: list[str]) -> None:
    """Nothing is imported when anything is wrong: name the first problems, count the rest."""
    if not problems:
        return
    named = "; ".join(problems[:PROBLEMS_NAMED])
    hidden = len(problems) - PROBLEMS_NAMED
    more = f"; and {hidden} more" if hidden > 0 else ""
    raise DiaryError(
        f"{path} has {len(problems)} {kind}{'s' if len(problems) != 1 else ''} that cannot "
        f"be imported: {named}{more}. Nothing was imported."
    )


def _check_one(record: object, latest: datetime) -> Session:
    if not isinstance(record, dict):
        raise DiaryError("it is not a record")
    session = Session.from_record(record)
    ahead = [when for when in (session.started, session.ended) if when and when > latest]
    if not ahead:
        return session
    if _APP_UID.fullmatch(str(record.get("uid"))):
        return replace(session, clock_ahead=True)
    raise DiaryError(f"it is dated in the future ({ahead[0].isoformat()})")


def import_json(
    store: Store, path: Path, clock: Callable[[], datetime], progress: Progress | None = None
) -> ImportResult:
    """Merge a backup: all of it is checked first, then added in ONE atomic write.

    ``progress(done, total)`` is called while checking, from the calling thread.
    """
    now = clock()
    document = read_backup_document(path)
    incoming = _check_sessions(document, path, now, progress)
    days = _check_days(document, path, now)
    known = {uid for doc in store.all(TABLE) if isinstance(uid := doc.get("uid"), str)}
    fresh: dict[str, Session] = {}
    for session in incoming:
        if session.uid not in known:
            fresh.setdefault(session.uid, session)
    known_days = {d for doc in store.all(DAYS_TABLE) if isinstance(d := doc.get("day"), str)}
    fresh_days: dict[str, Day] = {}
    for day in days:
        if day.day.isoformat() not in known_days:
            fresh_days.setdefault(day.day.isoformat(), day)
    # Sessions and days in ONE write: a full disk or a kill leaves the diary as it was.
    store.insert_into_tables(
        {
            TABLE: [s.to_record() for s in fresh.values()],
            DAYS_TABLE: [d.to_record() for d in fresh_days.values()],
        }
    )
    if progress is not None:
        progress(len(incoming), len(incoming))
    result = ImportResult(
        added=len(fresh),
        already_there=len(incoming) - len(fresh),
        clock_ahead=sum(s.clock_ahead for s in fresh.values()),
        days_added=len(fresh_days),
        days_already_there=len(days) - len(fresh_days),
    )
    log.info("imported %s: %s", path, result)
    return result
