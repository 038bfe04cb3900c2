"""The prompt queue: what to ask the person next, one question at a time.

The questions of the app (how is your head before a session, the rating after it, the
sessions still waiting for a rating, the two-hour "pain-free now?", calm advice after a
red flag) all pass through here, so they never stack, never appear over the visuals, and
each answer is saved the same way whoever shows it. No Qt: the window shows a prompt when
:attr:`PromptQueue.present` is called and reports the answer back with one of the
``answer_*`` methods; tests and other front ends do the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.diary.days import Day, DayBook, Headache, Medication, MedKind
from asmr_desktop.diary.model import EndReason, Mode, RatingState, Session
from asmr_desktop.diary.service import Diary

log = logging.getLogger(__name__)

#: A session that ended this recently is "now"; older ones are named by their date.
RECENT = timedelta(minutes=15)


class PromptKind(StrEnum):
    BEFORE = "before"  # "How is your head now?" as a session starts
    RATING = "rating"  # the after-session rating
    UNRATED = "unrated"  # "N sessions have not been rated yet"
    TWO_HOUR = "two_hour"  # "Are you pain-free now?" two hours after a painful start
    ADVICE = "advice"  # calm advice to seek care after a red flag
    CHECKIN = "checkin"  # the daily "Headache today?" (or about an earlier day)


class UnratedChoice(StrEnum):
    RATE_NOW = "rate_now"
    DISMISS_ALL = "dismiss_all"
    NOT_NOW = "not_now"


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Prompt:
    """One question for the person. ``session`` is what it is about (None for advice)."""

    kind: PromptKind
    session: Session | None = None
    #: UNRATED: the sessions waiting for a rating.
    waiting: tuple[Session, ...] = ()
    #: ADVICE: the text to show.
    text: str = ""
    #: RATING: False when the session just ended ("how is your head now?"), True when it is
    #: asked about later (deferred, queued, or after a restart).
    later: bool = False
    #: RATING: its place in a run of queued ratings ("2 of 3"); 0 when it stands alone.
    position: int = 0
    total: int = 0
    #: CHECKIN: the local date asked about, and the day's record when it has one (edit).
    day: date | None = None
    recorded: Day | None = None
    #: CHECKIN: the date the question was asked on (for "today" / "yesterday").
    today: date | None = None
    #: CHECKIN: True when the person asked for it (the menu, History), not the schedule.
    by_hand: bool = False
    #: Runs once the prompt is answered or skipped (visual-only mode waits for BEFORE).
    then: Callable[[], None] = field(default=_nothing, compare=False, repr=False)

    @property
    def question(self) -> str:
        """The question in the right tense for the session (or day) it is about."""
        if self.kind is PromptKind.CHECKIN:
            return checkin_question(self.day, self.today)
        session = self.session
        if self.kind is PromptKind.BEFORE:
            return "How is your head now?"
        if self.kind is not PromptKind.RATING or session is None or not self.later:
            return "How is your head now?"
        if session.end_reason is EndReason.SLEEP_TIMER:
            return "How was your head when you woke?"
        return "How was your head after that session?"

    @property
    def context(self) -> str:
        """Which session this is about: when, what, how long, and its place in the queue."""
        if self.session is None or self.kind is not PromptKind.RATING:
            return ""
        parts = [session_summary(self.session)] if self.later else []
        if self.total > 1:
            parts.append(f"{self.position} of {self.total}")
        return "  ·  ".join(parts)

    @property
    def session_id(self) -> int:
        if self.session is None or self.session.id is None:
            raise AsmrError("This question is not about a saved session.")
        return self.session.id


def checkin_question(day: date | None, today: date | None) -> str:
    """'Headache today?', 'Headache yesterday?' or 'Headache on Tue 03 Feb?'."""
    if day is None or today is None or day == today:
        return "Headache today?"
    if day == today - timedelta(days=1):
        return "Headache yesterday?"
    return f"Headache on {day:%a %d %b %Y}?"


#: A medicine the person took without naming it (the check-in's "y"): counted as a
#: medication day, never as a class of the overuse rule.
UNNAMED_MEDICATION = "not named"


@dataclass(frozen=True)
class CheckInAnswer:
    """The check-in: the level, whether something was taken (None: not asked), and,
    optionally, the 0-10 value and what was taken."""

    headache: Headache
    took_something: bool | None = None
    pain: int | None = None
    medication: tuple[Medication, ...] = ()
    note: str = ""

    def medicines(self) -> tuple[Medication, ...]:
        if self.medication:
            return self.medication
        if self.took_something:
            return (Medication(UNNAMED_MEDICATION, MedKind.OTHER),)
        return ()


@dataclass(frozen=True)
class RatingAnswer:
    """What the person said after a session. ``pain`` is the value they chose (0-10)."""

    pain: int
    triggers: Sequence[str] = ()
    care: Sequence[str] = ()
    symptom: str | None = None
    note: str = ""
    unusual: bool = False


def describe(session: Session) -> str:
    """'the session of Tue 02 Dec, 21:04' in the person's local time."""
    local = session.started.astimezone()
    return f"the session of {local.strftime('%a %d %b, %H:%M')}"


MODE_WORDS = {Mode.VISUAL: "visual only", Mode.REST: "rest without sound"}


def minutes_text(seconds: float | None) -> str:
    if seconds is None:
        return "length unknown"
    minutes = round(seconds / 60)
    return "under a minute" if minutes < 1 else f"{minutes} min"


def session_summary(session: Session) -> str:
    """'Tue 02 Dec, 21:04  ·  Before sleep: Breathing, Rain  ·  35 min' for a prompt."""
    local = session.started.astimezone()
    if session.mode in MODE_WORDS:
        what = MODE_WORDS[session.mode]
    else:
        # What was heard where the record knows it, else what was queued.
        names = [title for title, _ in session.heard] if session.heard else session.items
        titles = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
        what = ": ".join(part for part in (session.playlist, titles) if part) or "sound"
    return "  ·  ".join((local.strftime("%a %d %b, %H:%M"), what, minutes_text(session.duration_s)))


def unrated_text(waiting: Sequence[Session]) -> str:
    if len(waiting) == 1:
        return f"{describe(waiting[0]).capitalize()} has not been rated yet."
    first = waiting[0].started.astimezone().strftime("%a %d %b")
    return f"{len(waiting)} sessions have not been rated yet, the first from {first}."


class PromptQueue:
    """Holds the questions waiting to be asked and saves every answer in the diary.

    ``present(prompt)`` is called (on the caller's thread) when a prompt should appear; the
    front end answers it later. ``changed()`` is called after the diary changed, so views
    can refresh; ``problem(error)`` when an answer could not be saved.
    """

    def __init__(
        self,
        diary: Diary,
        present: Callable[[Prompt], None] | None = None,
        *,
        changed: Callable[[], None] = _nothing,
        problem: Callable[[AsmrError], None] | None = None,
        advice_shown: Callable[[str], None] | None = None,
        days: DayBook | None = None,
        checkin_done: Callable[[Prompt], None] | None = None,
    ) -> None:
        self.diary = diary
        #: The day records the check-in saves to (None: no check-in in this front end).
        self.days = days
        #: Called when a check-in was answered or skipped (the schedule notes the day).
        self.checkin_done: Callable[[Prompt], None] = checkin_done or (lambda _prompt: None)
        self.present: Callable[[Prompt], None] = present or (lambda _prompt: None)
        self.changed = changed
        self.problem: Callable[[AsmrError], None] = problem or (
            lambda error: log.error("%s", error)
        )
        self.advice_shown: Callable[[str], None] = advice_shown or (lambda _text: None)
        self.showing: Prompt | None = None
        self._queue: list[Prompt] = []
        self._held = False
        self._unrated_wanted = False

    # -- state -----------------------------------------------------------------------------
    @property
    def held(self) -> bool:
        """True while nothing may appear (visual-only mode is on screen)."""
        return self._held

    @held.setter
    def held(self, value: bool) -> None:
        self._held = value
        if not value:
            self._show_next()

    @property
    def waiting(self) -> tuple[Prompt, ...]:
        return tuple(self._queue)

    # -- asking ----------------------------------------------------------------------------
    def ask_before(self, session: Session, then: Callable[[], None] = _nothing) -> None:
        """'How is your head now?' for a session just started; ``then`` runs after.

        It is shown even while held: visual-only mode asks it before the screen goes dark.
        """
        prompt = Prompt(PromptKind.BEFORE, session=session, then=then)
        if self.showing is None:
            self._present(prompt)
        else:
            self._queue.insert(0, prompt)

    def ask_rating(self, session: Session) -> None:
        """The after-session rating, now or as soon as the prompt on screen is answered."""
        recent = session.ended is not None and self.diary.now() - session.ended < RECENT
        self._queue.append(Prompt(PromptKind.RATING, session=session, later=not recent))
        self._show_next()

    def ask_unrated_later(self) -> None:
        """Ask about unrated sessions once nothing else is waiting (e.g. after start)."""
        self._unrated_wanted = True
        self._show_next()

    def check_two_hour(self) -> bool:
        """Ask 'pain-free now?' for a session due for it; False when none is due or busy."""
        if self.showing is not None or self._held:
            return False
        due = self.diary.two_hour_checks_due()
        if not due:
            return False
        self._present(Prompt(PromptKind.TWO_HOUR, session=due[0]))
        return True

    def two_hour_due_at(self) -> datetime | None:
        """When the next two-hour question is due, for the front end's timer."""
        return self.diary.next_two_hour_check()

    def ask_checkin(self, day: date, *, by_hand: bool = False) -> Prompt | None:
        """The check-in about ``day``: after whatever is on screen, never while held.

        Asked once: a check-in already waiting for the same day is not queued twice.
        """
        if self.days is None:
            raise AsmrError("This window cannot keep a daily record.")
        if any(p.kind is PromptKind.CHECKIN and p.day == day for p in self._queue):
            return None
        showing = self.showing
        if showing is not None and showing.kind is PromptKind.CHECKIN and showing.day == day:
            return None
        prompt = Prompt(
            PromptKind.CHECKIN,
            day=day,
            today=self.days.today(),
            recorded=self.days.get(day),
            by_hand=by_hand,
        )
        self._queue.append(prompt)
        self._show_next()
        return prompt

    def answer_checkin(self, prompt: Prompt, answer: CheckInAnswer | None) -> None:
        """Save the day (``None``: skipped; nothing is stored and the day stays unknown)."""
        self._done(prompt)
        if answer is not None and prompt.day is not None and self.days is not None:
            days, day = self.days, prompt.day
            note = answer.note or (prompt.recorded.note if prompt.recorded else "")
            self._save(
                lambda: days.record(
                    day,
                    answer.headache,
                    pain=answer.pain,
                    medication=answer.medicines(),
                    note=note,
                )
            )
        self.checkin_done(prompt)
        self._show_next()

    # -- answers ---------------------------------------------------------------------------
    def answer_before(self, prompt: Prompt, pain: int | None) -> None:
        """``pain`` as chosen, or None when the question was skipped."""
        self._done(prompt)
        if pain is not None and prompt.session is not None and prompt.session.id is not None:
            self._save(lambda: self.diary.set_pain_before(prompt.session_id, pain))
        prompt.then()
        self._show_next()

    def answer_rating(self, prompt: Prompt, answer: RatingAnswer | None) -> None:
        """Save the rating, or dismiss the session (it stays, unrated) when ``answer`` is
        None. A red flag shows its advice before anything else."""
        self._done(prompt)
        session_id = prompt.session_id
        if answer is None:
            self._save(lambda: self.diary.dismiss(session_id))
        else:
            try:
                outcome = self.diary.rate(
                    session_id,
                    answer.pain,
                    triggers=answer.triggers,
                    care=answer.care,
                    symptom=answer.symptom,
                    note=answer.note,
                    unusual=answer.unusual,
                )
            except AsmrError as exc:
                self.problem(exc)
            else:
                self.changed()
                if outcome.advice:
                    self.advice_shown(outcome.advice)
                    self._present(
                        Prompt(PromptKind.ADVICE, session=prompt.session, text=outcome.advice)
                    )
                    return
        self._show_next()

    def skip_rating(self, prompt: Prompt) -> None:
        """Not now: the session stays unrated and will be offered again later."""
        self._done(prompt)
        self._show_next()

    def skip_all_ratings(self, prompt: Prompt) -> None:
        """Not now for every queued rating: all stay unrated, to be offered again later."""
        self._done(prompt)
        self._queue = [p for p in self._queue if p.kind is not PromptKind.RATING]
        self._show_next()

    def answer_unrated(self, prompt: Prompt, choice: UnratedChoice) -> None:
        self._done(prompt)
        if choice is UnratedChoice.RATE_NOW:
            total = len(prompt.waiting)
            for position, session in enumerate(prompt.waiting, start=1):
                self._queue.append(
                    Prompt(
                        PromptKind.RATING,
                        session=session,
                        later=True,
                        position=position,
                        total=total,
                    )
                )
        elif choice is UnratedChoice.DISMISS_ALL:
            ids = [s.id for s in prompt.waiting if s.id is not None]
            self._save(lambda: [self.diary.dismiss(session_id) for session_id in ids])
        self._show_next()

    def answer_two_hour(self, prompt: Prompt, pain_free: bool | None) -> None:
        """True / False as answered; None when skipped (it is not asked again)."""
        self._done(prompt)
        self._save(lambda: self.diary.answer_two_hour_check(prompt.session_id, pain_free))
        self._show_next()

    def acknowledge(self, prompt: Prompt) -> None:
        """The advice was read."""
        self._done(prompt)
        self.changed()
        self._show_next()

    # -- helpers ---------------------------------------------------------------------------
    def _done(self, prompt: Prompt) -> None:
        if self.showing is prompt:
            self.showing = None

    def _save(self, action: Callable[[], object]) -> None:
        try:
            action()
        except AsmrError as exc:
            self.problem(exc)
            return
        self.changed()

    def _present(self, prompt: Prompt) -> None:
        self.showing = prompt
        self.present(prompt)

    def _show_next(self) -> None:
        while self._queue and self.showing is None and not self._held:
            prompt = self._queue.pop(0)
            if prompt.kind is PromptKind.RATING:
                fresh = self.diary.get(prompt.session_id)
                if fresh.state not in (RatingState.PENDING, RatingState.DEFERRED):
                    continue  # rated or dismissed meanwhile (e.g. in History)
                prompt = replace(prompt, session=fresh)
            self._present(prompt)
        if self._unrated_wanted and self.showing is None and not self._held and not self._queue:
            self._unrated_wanted = False
            try:
                waiting = self.diary.unrated()
            except AsmrError as exc:
                self.problem(exc)
                return
            self.changed()
            if waiting:
                self._present(
                    Prompt(PromptKind.UNRATED, waiting=tuple(waiting), text=unrated_text(waiting))
                )
