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


SOURCES = ("rain", "brown noise", "page turning", "soft brushing", "fire", "whispered story")


def generated(days: int, end: datetime, seed: int = 1) -> list[Session]:
    """A plausible diary: most evenings a session, some rest evenings, now and then none."""
    import random

    rng = random.Random(seed)
    out = []
    for back in range(days, 0, -1):
        evening = end - timedelta(days=back, minutes=rng.randint(-60, 90))
        if rng.random() < 0.12:
            continue
        mode = rng.choices([Mode.AUDIO, Mode.VISUAL, Mode.REST], [0.7, 0.12, 0.18])[0]
        before = rng.choice([0, 0, 1, 2, 3, 3, 4, 5, 6, 7]) if rng.random() < 0.85 else None
        eased = (
            rng.choice([0, 1, 1, 2, 2, 3]) if mode is not Mode.REST else rng.choice([0, 0, 1, 1, 2])
        )
        after = max(0, (before if before is not None else rng.randint(0, 5)) - eased)
        rated = rng.random() < 0.9
        items = tuple(rng.sample(SOURCES[:5], rng.randint(1, 2)))
        if rng.random() < 0.03:
            items = ("rare track",)
        out.append(
            make(
                evening,
                before,
                after if rated else None,
                minutes=rng.randint(10, 60),
                mode=mode,
                items=items,
                playlist="Evening",
            )
        )
    return out
