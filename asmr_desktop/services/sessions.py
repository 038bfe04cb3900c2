"""Sessions in the diary: recorded when they start, ended once, offered for rating.

One running session at a time, whatever started it (the player, visual-only mode, rest).
A crash loses nothing: the session is written when it starts and a heartbeat keeps its
length; the next start closes what a crash left open. No Qt: the window calls
:meth:`SessionService.heartbeat` from a timer, and hears about changes through callbacks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.heartbeat import Beat, BeatFile
from asmr_desktop.diary.model import EndReason, Mode, RatingState, Session
from asmr_desktop.diary.service import Diary
from asmr_desktop.services.prompts import PromptQueue

log = logging.getLogger(__name__)

#: How often a running session's length is saved (in the small heartbeat file), so a
#: crash loses at most this much of it.
HEARTBEAT_S = 10.0
#: Every this many beats the diary itself notes the session too (a fallback for a lost
#: heartbeat file; each such write rewrites the whole data file).
DIARY_BEAT_EVERY = 6


#: (reset) -> ([(title, seconds heard)], title heard last), counted by the audio engine;
#: ``reset`` ends the count (the session ends), else it is only read (a heartbeat).
HeardSource = Callable[[bool], tuple[list[tuple[str, float]], str | None]]


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
        *,
        beats: BeatFile | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.diary = diary
        self.prompts = prompts
        self.events = events or SessionEvents()
        self._settings = settings
        self._beats = beats
        self._monotonic = monotonic
        self._started_at = 0.0
        self._beat_count = 0
        self.current: Session | None = None
        #: Where a sound session's "what was heard" comes from when it ends (the listening
        #: service sets it); None for sessions without sound.
        self.heard_source: HeardSource | None = None
        #: The same for a visual-only session: the videos watched, with their seconds on
        #: screen (visual-only mode sets it); nothing named stays None, as before.
        self.watched_source: HeardSource | None = None

    @property
    def elapsed_s(self) -> float | None:
        """How long the running session has run, on the monotonic clock."""
        if self.current is None:
            return None
        return max(0.0, self._monotonic() - self._started_at)

    def recover(self) -> None:
        """At start, before anything plays: sessions a crash left open are closed at their
        last heartbeat."""
        beat = self._beats.read() if self._beats is not None else None
        try:
            self.diary.close_interrupted(beat)
        except AsmrError as exc:
            self.prompts.problem(exc)
            return
        if self._beats is not None:
            self._beats.clear()

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
        self._started_at = self._monotonic()
        self._beat_count = 0
        self.events.started(session)
        self.prompts.changed()
        if ask_before and carried is None and self.wants_before_question():
            self.prompts.ask_before(session)
        return session

    def wants_before_question(self) -> bool:
        return self._settings.settings.ask_before_session

    def finish(
        self,
        reason: EndReason,
        *,
        ask: bool = True,
        heard: list[tuple[str, float]] | None = None,
        last_item: str | None = None,
    ) -> Session | None:
        """End the running session; queue its rating unless it ended while asleep.

        ``heard`` and ``last_item`` say what was actually audible (the listening service
        counts it); the length is the one measured on the monotonic clock.
        """
        ended = self._end(reason, heard=heard, last_item=last_item)
        if ended is None:
            return None
        self.events.ended(ended)
        self.prompts.changed()
        if ask and ended.state is RatingState.PENDING:
            self.prompts.ask_rating(ended)
        return ended

    def heartbeat(self) -> None:
        """Note the running session's length (a full disk must not interrupt the calm)."""
        session, elapsed = self.current, self.elapsed_s
        if session is None or session.id is None or elapsed is None:
            return
        self._beat_count += 1
        try:
            if self._beats is not None:
                heard, last = self._heard_so_far(session)
                self._beats.write(Beat(session.uid, elapsed, self.diary.now(), heard, last))
            if self._beats is None or self._beat_count % DIARY_BEAT_EVERY == 0:
                self.diary.heartbeat(session.id)
        except AsmrError as exc:
            log.warning("heartbeat not saved: %s", exc)

    def shutdown(
        self,
        *,
        heard: list[tuple[str, float]] | None = None,
        last_item: str | None = None,
    ) -> Session | None:
        """The app closes: the running session ends, to be rated now or at the next start."""
        return self._end(EndReason.STOPPED, heard=heard, last_item=last_item)

    def _heard_so_far(self, session: Session) -> tuple[list[tuple[str, float]] | None, str | None]:
        source = self._source_for(session)
        if source is None:
            return None, None
        heard, last = source(False)
        return self._named(session, heard, last)

    def _source_for(self, session: Session) -> HeardSource | None:
        if session.mode is Mode.AUDIO:
            return self.heard_source
        if session.mode is Mode.VISUAL:
            return self.watched_source
        return None

    @staticmethod
    def _named(
        session: Session, heard: list[tuple[str, float]], last: str | None
    ) -> tuple[list[tuple[str, float]] | None, str | None]:
        """A visual session that showed only generated scenes names nothing: None."""
        if session.mode is Mode.VISUAL and not heard:
            return None, None
        return heard, last

    def _end(
        self,
        reason: EndReason,
        *,
        heard: list[tuple[str, float]] | None,
        last_item: str | None,
    ) -> Session | None:
        session, elapsed = self.current, self.elapsed_s
        if session is None or session.id is None:
            return None
        self.current = None
        source = self._source_for(session)
        if heard is None and source is not None:
            heard, last_item = self._named(session, *source(True))
        try:
            ended = self.diary.end(
                session.id, reason, measured_s=elapsed, heard=heard, last_item=last_item
            )
        except AsmrError as exc:
            self.prompts.problem(exc)
            return None
        if self._beats is not None:
            self._beats.clear()
        return ended

    def _fresh(self, session: Session) -> Session:
        if session.id is None:
            return session
        try:
            return self.diary.get(session.id)
        except AsmrError:
            return session
