"""Export to CSV and a JSON backup, and import the backup back without duplicates."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from asmr_desktop.core.store import Store, atomic_write_bytes
from asmr_desktop.diary.model import DiaryError, Session, pain_category
from asmr_desktop.diary.service import TABLE, Diary

BACKUP_FORMAT = "asmr-desktop-backup"
BACKUP_VERSION = 1
#: Clocks differ a little between computers; anything later than this is "in the future".
FUTURE_TOLERANCE = timedelta(minutes=10)

#: CSV columns, in order, with their meaning (README.md documents the same list).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("session_id", "a unique id of the session"),
    ("started", "local date and time the session started (ISO 8601)"),
    ("ended", "local date and time it ended (empty while running)"),
    ("duration_min", "length in minutes"),
    ("mode", "audio, visual (visual-only) or rest (rest without sound)"),
    ("playlist", "name of the playlist"),
    ("items", "what was played, separated by a vertical bar"),
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
)


def _local(value: datetime | None) -> str:
    return value.astimezone().isoformat(timespec="seconds") if value is not None else ""


def _flag(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def _opt(value: object) -> str:
    return "" if value is None else str(value)


def csv_row(session: Session) -> list[str]:
    duration = session.duration_s
    return [
        session.uid,
        _local(session.started),
        _local(session.ended),
        f"{duration / 60:.1f}" if duration is not None else "",
        str(session.mode),
        session.playlist,
        " | ".join(session.items),
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
        session.note,
    ]


def to_csv(sessions: list[Session]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    writer.writerows(csv_row(s) for s in sessions)
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    """Exports are health data too: written atomically, owner-only."""
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        raise DiaryError(f"Could not write {path}: {exc.strerror or exc}.") from exc


def export_csv(diary: Diary, path: Path) -> int:
    sessions = diary.sessions()
    _write(path, to_csv(sessions))
    return len(sessions)


def backup_document(diary: Diary, now: datetime) -> dict[str, Any]:
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "exported": now.isoformat(),
        "sessions": [s.to_record() for s in diary.sessions()],
    }


def export_json(diary: Diary, path: Path, now: datetime) -> int:
    document = backup_document(diary, now)
    _write(path, json.dumps(document, ensure_ascii=False, indent=1))
    return len(document["sessions"])


@dataclass(frozen=True)
class ImportResult:
    added: int
    already_there: int


def import_json(store: Store, path: Path, clock: Callable[[], datetime]) -> ImportResult:
    """Merge a backup: all of it is checked first, so a bad record imports nothing."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DiaryError(f"There is no file {path}.") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DiaryError(f"{path} is not a readable backup: {exc}.") from exc
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise DiaryError(f"{path} is not an ASMR Desktop backup.")
    if document.get("version") != BACKUP_VERSION:
        raise DiaryError(
            f"{path} is a backup of version {document.get('version')!r}; "
            f"this app reads version {BACKUP_VERSION}."
        )
    records = document.get("sessions")
    if not isinstance(records, list):
        raise DiaryError(f"{path} has no list of sessions.")
    latest = clock() + FUTURE_TOLERANCE
    incoming: list[Session] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise DiaryError(f"Session {number} in {path} is not a record.")
        try:
            session = Session.from_record(record)
        except DiaryError as exc:
            raise DiaryError(f"Session {number} in {path}: {exc} Nothing was imported.") from exc
        for label, when in (("starts", session.started), ("ends", session.ended)):
            if when is not None and when > latest:
                raise DiaryError(
                    f"Session {number} in {path} {label} in the future "
                    f"({when.isoformat()}). Nothing was imported."
                )
        incoming.append(session)
    known = {doc.get("uid") for doc in store.all(TABLE)}
    added = 0
    seen: set[str] = set()
    for session in incoming:
        if session.uid in known or session.uid in seen:
            continue
        seen.add(session.uid)
        store.insert(TABLE, session.to_record())
        added += 1
    return ImportResult(added=added, already_there=len(incoming) - added)
