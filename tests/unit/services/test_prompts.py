"""The prompt queue without Qt: one question at a time, never over the visuals, every
answer saved exactly as given."""

from __future__ import annotations

from datetime import timedelta

from asmr_desktop.diary.model import EndReason, Mode, RatingState
from asmr_desktop.diary.service import ADVICE_UNUSUAL, Diary
from asmr_desktop.services.prompts import PromptKind, PromptQueue, RatingAnswer, UnratedChoice
from asmr_desktop.services.sessions import SessionService
from tests.helpers.clock import FakeClock

from .conftest import Screen


def ended(sessions: SessionService, mode: Mode = Mode.REST) -> int:
    session = sessions.begin(mode)
    assert session is not None and session.id is not None
    sessions.finish(EndReason.STOPPED)
    return session.id


def test_prompts_never_stack(
    sessions: SessionService, queue: PromptQueue, screen: Screen, diary: Diary
) -> None:
    first = ended(sessions)
    second = ended(sessions)
    assert len(screen.shown) == 1 and screen.last.session_id == first
    assert [p.session_id for p in queue.waiting] == [second]
    queue.answer_rating(screen.last, RatingAnswer(pain=3))
    assert len(screen.shown) == 2 and screen.last.session_id == second
    assert diary.get(first).pain_after == 3


def test_nothing_appears_while_held_and_the_rating_comes_after(
    sessions: SessionService, queue: PromptQueue, screen: Screen
) -> None:
    queue.held = True
    session_id = ended(sessions)
    assert screen.shown == []
    queue.held = False
    assert screen.last.kind is PromptKind.RATING and screen.last.session_id == session_id


def test_the_before_question_may_appear_while_held(
    sessions: SessionService, queue: PromptQueue, screen: Screen, diary: Diary
) -> None:
    """Visual-only mode asks it before the screen goes dark, then shows the visuals."""
    queue.held = True
    session = sessions.begin(Mode.VISUAL, ask_before=False)
    assert session is not None
    went_dark = []
    queue.ask_before(session, then=lambda: went_dark.append(True))
    assert screen.last.kind is PromptKind.BEFORE
    queue.answer_before(screen.last, 7)
    assert went_dark == [True]
    assert session.id is not None and diary.get(session.id).pain_before == 7


def test_skipping_the_before_question_stores_nothing(
    sessions: SessionService, queue: PromptQueue, screen: Screen, diary: Diary
) -> None:
    session = sessions.begin(Mode.REST, ask_before=False)
    assert session is not None and session.id is not None
    queue.ask_before(session)
    queue.answer_before(screen.last, None)
    assert diary.get(session.id).pain_before is None


def test_a_dismissed_rating_stores_no_value(
    sessions: SessionService, queue: PromptQueue, screen: Screen, diary: Diary
) -> None:
    session_id = ended(sessions)
    queue.answer_rating(screen.last, None)
    saved = diary.get(session_id)
    assert saved.state is RatingState.DISMISSED and saved.pain_after is None


def test_a_rating_given_elsewhere_meanwhile_is_not_asked_again(
    sessions: SessionService, queue: PromptQueue, screen: Screen, diary: Diary
) -> None:
    ended(sessions)
    second = ended(sessions)
    diary.rate(second, 2)  # e.g. in the History page
    queue.answer_rating(screen.last, RatingAnswer(pain=4))
    assert len(screen.shown) == 1 and queue.showing is None


def test_a_red_flag_shows_its_advice_before_anything_else(
    sessions: SessionService, queue: PromptQueue, screen: Screen
) -> None:
    advised: list[str] = []
    queue.advice_shown = advised.append
    ended(sessions)
    ended(sessions)
    queue.answer_rating(screen.last, RatingAnswer(pain=5, unusual=True))
    assert screen.last.kind is PromptKind.ADVICE and screen.last.text == ADVICE_UNUSUAL
    assert advised == [ADVICE_UNUSUAL]
    queue.acknowledge(screen.last)
    assert screen.last.kind is PromptKind.RATING


def test_unrated_sessions_are_offered_once_the_queue_is_empty(
    sessions: SessionService, queue: PromptQueue, screen: Screen, diary: Diary
) -> None:
    a = sessions.begin(Mode.AUDIO)
    assert a is not None and a.id is not None
    sessions.finish(EndReason.SLEEP_TIMER)
    b = sessions.begin(Mode.AUDIO)
    assert b is not None and b.id is not None
    sessions.finish(EndReason.SLEEP_TIMER)
    queue.ask_unrated_later()
    prompt = screen.last
    assert prompt.kind is PromptKind.UNRATED and len(prompt.waiting) == 2
    assert prompt.text.startswith("2 sessions have not been rated yet")
    queue.answer_unrated(prompt, UnratedChoice.RATE_NOW)
    assert screen.last.kind is PromptKind.RATING and screen.last.session_id == a.id
    assert screen.last.later and screen.last.context.endswith("1 of 2")
    assert screen.last.question == "How was your head when you woke?"
    queue.answer_rating(screen.last, RatingAnswer(pain=1))
    queue.answer_rating(screen.last, RatingAnswer(pain=2))
    assert (diary.get(a.id).pain_after, diary.get(b.id).pain_after) == (1, 2)


def test_dismiss_all_and_not_now(
    sessions: SessionService, queue: PromptQueue, screen: Screen, diary: Diary
) -> None:
    for _ in range(2):
        sessions.begin(Mode.AUDIO)
        sessions.finish(EndReason.SLEEP_TIMER)
    queue.ask_unrated_later()
    queue.answer_unrated(screen.last, UnratedChoice.NOT_NOW)
    assert all(s.state is RatingState.DEFERRED for s in diary.sessions())
    queue.ask_unrated_later()
    queue.answer_unrated(screen.last, UnratedChoice.DISMISS_ALL)
    assert all(s.state is RatingState.DISMISSED for s in diary.sessions())
    assert all(s.pain_after is None for s in diary.sessions())


def test_the_two_hour_question(
    sessions: SessionService,
    queue: PromptQueue,
    screen: Screen,
    diary: Diary,
    clock: FakeClock,
) -> None:
    session = sessions.begin(Mode.VISUAL)
    assert session is not None and session.id is not None
    diary.set_pain_before(session.id, 6)
    assert queue.two_hour_due_at() == session.started + timedelta(hours=2)
    assert queue.check_two_hour() is False
    clock.advance(hours=2, seconds=1)
    queue.held = True
    assert queue.check_two_hour() is False, "not over the visuals"
    queue.held = False
    assert queue.check_two_hour() is True
    assert screen.last.kind is PromptKind.TWO_HOUR
    queue.answer_two_hour(screen.last, True)
    assert diary.get(session.id).pain_free_2h is True
    assert queue.two_hour_due_at() is None


def test_a_skipped_deferred_rating_stays_to_be_asked_later(
    sessions: SessionService, queue: PromptQueue, screen: Screen, diary: Diary
) -> None:
    ids = []
    for _ in range(3):
        session = sessions.begin(Mode.AUDIO, playlist="Before sleep", items=["Rain"])
        assert session is not None and session.id is not None
        ids.append(session.id)
        sessions.finish(EndReason.SLEEP_TIMER)
    queue.ask_unrated_later()
    queue.answer_unrated(screen.last, UnratedChoice.RATE_NOW)
    first = screen.last
    assert "Before sleep: Rain" in first.context and first.context.endswith("1 of 3")
    queue.skip_rating(first)
    assert screen.last.position == 2
    queue.answer_rating(screen.last, None)  # "I don't remember": no value
    queue.skip_all_ratings(screen.last)
    assert queue.showing is None and queue.waiting == ()
    states = [diary.get(i).state for i in ids]
    assert states == [RatingState.DEFERRED, RatingState.DISMISSED, RatingState.DEFERRED]
    assert all(diary.get(i).pain_after is None for i in ids)
    queue.ask_unrated_later()
    assert len(screen.last.waiting) == 2, "the skipped ones are offered again"


def test_a_visual_or_rest_session_says_so(
    sessions: SessionService, queue: PromptQueue, screen: Screen, clock: FakeClock
) -> None:
    sessions.begin(Mode.VISUAL)
    clock.advance(minutes=25)
    sessions.finish(EndReason.STOPPED, ask=False)
    queue.ask_unrated_later()
    queue.answer_unrated(screen.last, UnratedChoice.RATE_NOW)
    assert "visual only" in screen.last.context and "25 min" in screen.last.context
    assert screen.last.question == "How was your head after that session?"
