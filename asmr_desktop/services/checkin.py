"""When the daily check-in is asked: at the time the person set (default 21:00), and at the
first start of a day when yesterday has no record. Once per day asked about: an answer or a
skip is remembered (``checkin_asked_on``), so a restart does not ask again. No Qt: the
window's timer calls :meth:`CheckInSchedule.tick` at :meth:`CheckInSchedule.due_at`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.days import DayBook
from asmr_desktop.services.prompts import Prompt, PromptKind, PromptQueue

log = logging.getLogger(__name__)


class CheckInSchedule:
    """Asks the queue for the check-in when it is due; notes each day asked about."""

    def __init__(
        self,
        queue: PromptQueue,
        days: DayBook,
        settings: SettingsStore,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
    ) -> None:
        self.queue = queue
        self.days = days
        self._settings = settings
        self._clock = clock
        self._tz = tz
        queue.checkin_done = self._done

    def _now(self) -> datetime:
        return self._clock().astimezone(self._tz)

    def _asked_up_to(self) -> date | None:
        text = self._settings.settings.checkin_asked_on
        return date.fromisoformat(text) if text else None

    def _asked(self, day: date) -> bool:
        last = self._asked_up_to()
        return last is not None and last >= day

    def _time_today(self, now: datetime) -> datetime:
        hours, minutes = (int(part) for part in self._settings.settings.checkin_time.split(":"))
        return datetime.combine(now.date(), time(hours, minutes), tzinfo=now.tzinfo)

    def at_start(self) -> Prompt | None:
        """The first start of a day: ask about yesterday when it has no record."""
        if not self._settings.settings.checkin_enabled:
            return None
        yesterday = self._now().date() - timedelta(days=1)
        if self._asked(yesterday) or self.days.get(yesterday) is not None:
            return None
        return self.queue.ask_checkin(yesterday)

    def due_at(self) -> datetime | None:
        """When tonight's question is due (None: switched off); may be in the past."""
        if not self._settings.settings.checkin_enabled:
            return None
        now = self._now()
        today = now.date()
        at = self._time_today(now)
        if self._asked(today) or self.days.get(today) is not None:
            at += timedelta(days=1)
        return at

    def tick(self) -> Prompt | None:
        """Ask about today when its time has come and it has neither record nor answer."""
        due = self.due_at()
        now = self._now()
        if due is None or now < due or due.date() != now.date():
            return None
        return self.queue.ask_checkin(now.date())

    def _done(self, prompt: Prompt) -> None:
        """Remember the day asked about (answered or skipped); by hand changes nothing."""
        if prompt.kind is not PromptKind.CHECKIN or prompt.day is None or prompt.by_hand:
            return
        last = self._asked_up_to()
        if last is not None and last >= prompt.day:
            return
        try:
            self._settings.update(checkin_asked_on=prompt.day.isoformat())
        except AsmrError as exc:  # a full disk: at worst it is asked once more
            log.warning("could not note the check-in of %s: %s", prompt.day, exc)
