"""The diary's lifecycle and rules, with a clock the tests move by hand."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from asmr_desktop.core.store import Store
from asmr_desktop.diary.model import DiaryError, EndReason, Mode, RatingState, pain_category
from asmr_desktop.diary.service import ADVICE_FREQUENT_SEVERE, ADVICE_UNUSUAL, Diary
from tests.helpers.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data.json")


@pytest.fixture
def diary(store: Store, clock: FakeClock) -> Diary:
    return Diary(store, clock)


@pytest.mark.parametrize(
    ("pain", "category"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_pain_categories(pain: int, category: str) -> None:
    assert pain_category(pain) == category


def test_session_is_on_disk_from_its_start(diary: Diary, store: Store, clock: FakeClock) -> None:
    session = diary.start(
        Mode.AUDIO, playlist="Before sleep", items=["rain"], volume=0.4, pain_before=5
    )
    assert session.id is not None
    reopened = Diary(Store(store.path), clock)
    saved = reopened.get(session.id)
    assert saved.state is RatingState.OPEN
    assert saved.pain_before == 5
    assert saved.items == ["rain"]
    assert saved.started == clock.now


def test_end_then_rate(diary: Diary, clock: FakeClock) -> None:
    session = diary.start(Mode.VISUAL, pain_before=6)
    assert session.id is not None
    clock.advance(minutes=20)
    ended = diary.end(session.id, EndReason.STOPPED)
    assert ended.state is RatingState.PENDING
    assert ended.duration_s == 20 * 60
    assert [s.id for s in diary.unrated()] == [session.id]
    outcome = diary.rate(session.id, 3, triggers=["screens", "stress"], care=["water"], note="ok")
    assert outcome.advice is None
    assert outcome.session.state is RatingState.RATED
    assert outcome.session.relief == 3
    assert outcome.session.triggers == ["stress", "screens"]  # canonical order
    assert diary.unrated() == []


def test_sleep_timer_session_waits_for_next_start(diary: Diary, clock: FakeClock) -> None:
    session = diary.start(Mode.AUDIO)
    assert session.id is not None
    clock.advance(minutes=45)
    ended = diary.end(session.id, EndReason.SLEEP_TIMER)
    assert ended.state is RatingState.DEFERRED
    assert [s.id for s in diary.unrated()] == [session.id]
    diary.dismiss(session.id)
    assert diary.unrated() == []
    assert diary.get(session.id).state is RatingState.DISMISSED


def test_crash_leaves_session_that_closes_on_next_start(
    diary: Diary, store: Store, clock: FakeClock
) -> None:
    session = diary.start(Mode.AUDIO)
    assert session.id is not None
    clock.advance(minutes=10)
    diary.heartbeat(session.id)
    clock.advance(hours=8)  # the app died; it starts again the next morning
    after_restart = Diary(Store(store.path), clock)
    closed = after_restart.close_interrupted()
    assert [s.id for s in closed] == [session.id]
    assert closed[0].end_reason is EndReason.INTERRUPTED
    assert closed[0].duration_s == 10 * 60, "ends at its last sign of life, not at restart"
    assert [s.id for s in after_restart.unrated()] == [session.id]


@pytest.mark.parametrize("bad", [-1, 11, 3.5, "5", None, True])
def test_bad_ratings_are_refused_and_nothing_changes(diary: Diary, bad: object) -> None:
    session = diary.start(Mode.AUDIO)
    assert session.id is not None
    with pytest.raises(DiaryError, match="0 to 10"):
        diary.rate(session.id, bad)  # type: ignore[arg-type]
    assert diary.get(session.id).pain_after is None


def test_unknown_trigger_is_refused(diary: Diary) -> None:
    session = diary.start(Mode.AUDIO)
    assert session.id is not None
    with pytest.raises(DiaryError, match="Unknown trigger"):
        diary.rate(session.id, 2, triggers=["moon phase"])
    assert diary.get(session.id).state is RatingState.OPEN


def test_unusual_headache_gives_advice(diary: Diary) -> None:
    session = diary.start(Mode.AUDIO)
    assert session.id is not None
    outcome = diary.rate(session.id, 4, unusual=True)
    assert outcome.advice == ADVICE_UNUSUAL
    assert "medical care now" in ADVICE_UNUSUAL


def test_three_severe_ratings_in_a_week_give_advice(diary: Diary, clock: FakeClock) -> None:
    advice = []
    for _ in range(3):
        s = diary.start(Mode.AUDIO)
        assert s.id is not None
        advice.append(diary.rate(s.id, 9).advice)
        clock.advance(days=2)
    assert advice == [None, None, ADVICE_FREQUENT_SEVERE]


def test_severe_ratings_spread_over_more_than_a_week_do_not(diary: Diary, clock: FakeClock) -> None:
    advice = []
    for _ in range(3):
        s = diary.start(Mode.AUDIO)
        assert s.id is not None
        advice.append(diary.rate(s.id, 10).advice)
        clock.advance(days=4)
    assert advice == [None, None, None]


def test_eight_is_not_severe_enough(diary: Diary) -> None:
    for _ in range(4):
        s = diary.start(Mode.AUDIO)
        assert s.id is not None
        assert diary.rate(s.id, 8).advice is None


def test_two_hour_check_timing(diary: Diary, clock: FakeClock) -> None:
    with_pain = diary.start(Mode.AUDIO, pain_before=5)
    diary.start(Mode.AUDIO, pain_before=0)  # no pain: never asked
    assert with_pain.id is not None
    assert diary.next_two_hour_check() == clock.now + timedelta(hours=2)
    clock.advance(hours=1, minutes=59)
    assert diary.two_hour_checks_due() == []
    clock.advance(minutes=1)
    assert [s.id for s in diary.two_hour_checks_due()] == [with_pain.id]
    diary.answer_two_hour_check(with_pain.id, True)
    assert diary.two_hour_checks_due() == []
    assert diary.get(with_pain.id).pain_free_2h is True
    assert diary.next_two_hour_check() is None


def test_two_hour_check_expires(diary: Diary, clock: FakeClock) -> None:
    diary.start(Mode.AUDIO, pain_before=5)
    clock.advance(hours=4)
    assert diary.two_hour_checks_due() == []
    assert diary.next_two_hour_check() is None


def test_edit_delete_and_undo(diary: Diary) -> None:
    s = diary.start(Mode.AUDIO, pain_before=6)
    assert s.id is not None
    diary.rate(s.id, 4, note="first")
    before_edit = diary.edit_rating(s.id, pain_after=2)
    assert diary.get(s.id).pain_after == 2
    diary.restore(before_edit)
    assert diary.get(s.id).pain_after == 4
    with pytest.raises(DiaryError):
        diary.edit_rating(s.id, pain_after=12)
    assert diary.get(s.id).pain_after == 4
    before_delete = diary.delete_rating(s.id)
    assert diary.get(s.id).pain_after is None
    diary.restore(before_delete)
    assert diary.get(s.id).note == "first"
    removed = diary.delete_session(s.id)
    assert diary.sessions() == []
    back = diary.restore(removed)
    assert diary.get(back.id or 0).uid == s.uid


def test_date_filter(diary: Diary, clock: FakeClock) -> None:
    first = diary.start(Mode.AUDIO)
    clock.advance(days=3)
    diary.start(Mode.AUDIO)
    day = first.started.astimezone().date()
    assert [s.uid for s in diary.sessions(start=day, end=day)] == [first.uid]
    assert len(diary.sessions(start=day)) == 2
