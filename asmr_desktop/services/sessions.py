"""Sessions in the diary: recorded when they start, ended once, offered for rating.

One running session at a time, whatever started it (the player, visual-only mode, rest).
A crash loses nothing: the session is written when it starts and a heartbeat keeps its
length; the next start closes what a crash left open. No Qt: the window calls
:meth:`SessionService.heartbeat` from a timer, and hears about changes through callbacks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.model import EndReason, Mode, RatingState, Session
from asmr_desktop.diary.service import Diary
from asmr_desktop.services.prompts import PromptQueue

log = logging.getLogger(__name__)

#: How often a running session's length is saved, so a crash loses at most this much.
HEARTBEAT_S = 60.0


def _ignore(_session: Session) -> None:
    return None


@dataclass
class SessionEvents:
    """Callbacks of the session service; each defaults to doing nothing."""

    started: Callable[[Session], None] = _ignore
    ended: Callable[[Session], None] = _ignore


class SessionService:
    """Starts and ends diary sessions and queues their questions."""

    def __init__(
        self,
        diary: Diary,
        settings: SettingsStore,
        prompts: PromptQueue,
        events: SessionEvents | None = None,
    ) -> None:
        self.diary = diary
        self.prompts = prompts
        self.events = events or SessionEvents()
        self._settings = settings
        self.current: Session | None = None

    def recover(self) -> None:
        """At start, before anything plays: sessions a crash left open are closed."""
        try:
            self.diary.close_interrupted()
        except AsmrError as exc:
            self.prompts.problem(exc)

    def begin(
        self,
        mode: Mode,
        *,
        playlist: str = "",
        items: Iterable[str] = (),
        volume: float | None = None,
        migraine_mode: bool = False,
        ask_before: bool = True,
    ) -> Session | None:
        """Record a new session now, and ask 'how is your head?' if that is set.

        A session already running ends first, unrated for now (it is asked about later);
        its 'before' rating carries over, since it was given only moments ago. Returns
        None when the diary could not save (the person has been told).
        """
        carried: int | None = None
        if self.current is not None:
            carried = self._fresh(self.current).pain_before
            self.finish(EndReason.STOPPED, ask=False)
        try:
            session = self.diary.start(
                mode,
                playlist=playlist,
                items=items,
                volume=volume,
                migraine_mode=migraine_mode,
                pain_before=carried,
            )
        except AsmrError as exc:
            self.prompts.problem(exc)
            return None
        self.current = session
        self.events.started(session)
        self.prompts.changed()
        if ask_before and carried is None and self.wants_before_question():
            self.prompts.ask_before(session)
        return session

    def wants_before_question(self) -> bool:
        return self._settings.settings.ask_before_session

    def finish(self, reason: EndReason, *, ask: bool = True) -> Session | None:
        """End the running session; queue its rating unless it ended while asleep."""
        session = self.current
        if session is None or session.id is None:
            return None
        self.current = None
        try:
            ended = self.diary.end(session.id, reason)
        except AsmrError as exc:
            self.prompts.problem(exc)
            return None
        self.events.ended(ended)
        self.prompts.changed()
        if ask and ended.state is RatingState.PENDING:
            self.prompts.ask_rating(ended)
        return ended

    def heartbeat(self) -> None:
        """Save the running session's length (a full disk must not interrupt the calm)."""
        if self.current is not None and self.current.id is not None:
            try:
                self.diary.heartbeat(self.current.id)
            except AsmrError as exc:
                log.warning("heartbeat not saved: %s", exc)

    def shutdown(self) -> None:
        """The app closes: the running session ends and is asked about at the next start."""
        session = self.current
        if session is None or session.id is None:
            return
        self.current = None
        try:
            self.diary.end(session.id, EndReason.STOPPED)
        except AsmrError as exc:
            log.warning("could not close the session on exit: %s", exc)

    def _fresh(self, session: Session) -> Session:
        if session.id is None:
            return session
        try:
            return self.diary.get(session.id)
        except AsmrError:
            return session
