"""The daily check-in: when it is asked, once a day, never while held, saved as a day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import DayBook, DayStatus, Headache, Medication, MedKind
from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.diary.service import Diary
from asmr_desktop.services.checkin import CheckInSchedule
from asmr_desktop.services.prompts import (
    UNNAMED_MEDICATION,
    CheckInAnswer,
    PromptKind,
    PromptQueue,
)
from tests.helpers.clock import FakeClock
from tests.unit.services.conftest import Screen

TZ = UTC


@pytest.fixture
def days(store: Store, clock: FakeClock) -> DayBook:
    return DayBook(store, clock, TZ)


@pytest.fixture
def checkin_queue(diary: Diary, screen: Screen, days: DayBook) -> PromptQueue:
    return PromptQueue(diary, screen, days=days)


@pytest.fixture
def schedule(
    checkin_queue: PromptQueue, days: DayBook, settings: SettingsStore, clock: FakeClock
) -> CheckInSchedule:
    return CheckInSchedule(checkin_queue, days, settings, clock, TZ)


def test_asked_at_the_set_time_and_saved_as_a_day(
    schedule: CheckInSchedule, clock: FakeClock, screen: Screen, days: DayBook
) -> None:
    clock.now = datetime(2026, 3, 1, 20, 59, tzinfo=UTC)
    assert schedule.tick() is None and screen.shown == []
    assert schedule.due_at() == datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    clock.advance(minutes=1)
    prompt = schedule.tick()
    assert prompt is not None and screen.last is prompt
    assert prompt.kind is PromptKind.CHECKIN and prompt.question == "Headache today?"
    schedule.queue.answer_checkin(prompt, CheckInAnswer(Headache.MODERATE, took_something=True))
    saved = days.get(date(2026, 3, 1))
    assert saved is not None and saved.headache is Headache.MODERATE
    assert saved.medication == (Medication(UNNAMED_MEDICATION, MedKind.OTHER),)
    # Answered: not asked again today, even after a restart; due tomorrow evening.
    clock.advance(hours=1)
    assert schedule.tick() is None
    assert schedule.due_at() == datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


def test_the_time_is_a_setting(
    schedule: CheckInSchedule, settings: SettingsStore, clock: FakeClock
) -> None:
    settings.update(checkin_time="19:30")
    clock.now = datetime(2026, 3, 1, 19, 30, tzinfo=UTC)
    assert schedule.tick() is not None
    settings.update(checkin_enabled=False)
    assert schedule.due_at() is None


def test_a_skip_is_remembered_and_saves_nothing(
    schedule: CheckInSchedule, clock: FakeClock, days: DayBook, settings: SettingsStore
) -> None:
    clock.now = datetime(2026, 3, 1, 21, 5, tzinfo=UTC)
    prompt = schedule.tick()
    assert prompt is not None
    schedule.queue.answer_checkin(prompt, None)
    assert days.status(date(2026, 3, 1)) is DayStatus.UNKNOWN
    assert settings.settings.checkin_asked_on == "2026-03-01"
    assert schedule.tick() is None
    # The next morning does not ask about a day already asked about.
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert schedule.at_start() is None


def test_first_start_of_a_day_asks_about_a_missing_yesterday(
    schedule: CheckInSchedule, clock: FakeClock, days: DayBook, screen: Screen
) -> None:
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    prompt = schedule.at_start()
    assert prompt is not None and prompt.day == date(2026, 3, 1)
    assert prompt.question == "Headache yesterday?"
    schedule.queue.answer_checkin(prompt, CheckInAnswer(Headache.NONE))
    assert days.status(date(2026, 3, 1)) is DayStatus.HEADACHE_FREE
    assert schedule.at_start() is None  # a second start the same day
    # Tonight's question is still asked.
    clock.now = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
    assert schedule.tick() is not None


def test_yesterday_with_a_record_is_not_asked(
    schedule: CheckInSchedule, clock: FakeClock, days: DayBook
) -> None:
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    days.record(date(2026, 3, 1), Headache.MILD)
    assert schedule.at_start() is None


def test_never_while_held(schedule: CheckInSchedule, clock: FakeClock, screen: Screen) -> None:
    schedule.queue.held = True
    clock.now = datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    prompt = schedule.tick()
    assert prompt is not None and screen.shown == []  # waits in the queue
    assert schedule.tick() is None  # not queued twice
    schedule.queue.held = False
    assert screen.shown == [prompt]


def test_after_the_prompt_on_screen(
    checkin_queue: PromptQueue, diary: Diary, screen: Screen, clock: FakeClock
) -> None:
    session = diary.start(Mode.AUDIO)
    diary.end(session.id or 0, EndReason.STOPPED)
    checkin_queue.ask_rating(diary.get(session.id or 0))
    rating = screen.last
    checkin_queue.ask_checkin(date(2026, 3, 1))
    assert screen.shown == [rating]
    checkin_queue.skip_rating(rating)
    assert screen.last.kind is PromptKind.CHECKIN


def test_by_hand_for_an_older_day_edits_it(
    schedule: CheckInSchedule, days: DayBook, settings: SettingsStore, screen: Screen
) -> None:
    days.record(date(2026, 2, 20), Headache.SEVERE, pain=8, note="kept")
    prompt = schedule.queue.ask_checkin(date(2026, 2, 20), by_hand=True)
    assert prompt is not None and prompt.recorded is not None and prompt.recorded.pain == 8
    assert prompt.question == "Headache on Fri 20 Feb 2026?"
    schedule.queue.answer_checkin(prompt, CheckInAnswer(Headache.MILD, pain=2))
    edited = days.get(date(2026, 2, 20))
    assert edited is not None and edited.pain == 2 and edited.note == "kept"
    assert settings.settings.checkin_asked_on == ""  # by hand: the schedule is unchanged


def test_a_bad_answer_is_reported_not_saved(
    checkin_queue: PromptQueue, days: DayBook, screen: Screen
) -> None:
    problems: list[str] = []
    checkin_queue.problem = lambda error: problems.append(str(error))
    prompt = checkin_queue.ask_checkin(date(2026, 3, 1))
    assert prompt is not None
    checkin_queue.answer_checkin(prompt, CheckInAnswer(Headache.SEVERE, pain=1))
    assert problems and "1 is mild" in problems[0]
    assert days.status(date(2026, 3, 1)) is DayStatus.UNKNOWN
