"""Sessions made by hand for the insights tests, at local wall-clock times."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from asmr_desktop.diary.model import EndReason, Mode, RatingState, Session

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str, tz: ZoneInfo = BERLIN) -> datetime:
    """A local wall-clock time such as '2026-03-29 00:30', made aware in ``tz``."""
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def make(
    start: datetime,
    before: int | None = None,
    after: int | None = None,
    *,
    minutes: float = 30,
    mode: Mode = Mode.AUDIO,
    items: tuple[str, ...] = ("rain",),
    playlist: str = "",
) -> Session:
    return Session(
        started=start,
        mode=mode,
        items=list(items) if mode is not Mode.REST else [],
        playlist=playlist,
        pain_before=before,
        pain_after=after,
        ended=start + timedelta(minutes=minutes),
        end_reason=EndReason.STOPPED,
        state=RatingState.RATED if after is not None else RatingState.DISMISSED,
    )
