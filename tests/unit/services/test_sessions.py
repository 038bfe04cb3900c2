"""Sessions without Qt: recorded at the start, ended once, rated at the right moment."""

from __future__ import annotations

from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.heartbeat import BeatFile
from asmr_desktop.diary.model import EndReason, Mode, RatingState
from asmr_desktop.diary.service import Diary
from asmr_desktop.services.prompts import PromptKind
from asmr_desktop.services.sessions import (
    DIARY_BEAT_EVERY,
    HEARTBEAT_S,
    SessionEvents,
    SessionService,
)
from tests.helpers.clock import FakeClock

from .conftest import Screen


def test_a_session_is_recorded_when_it_starts(sessions: SessionService, diary: Diary) -> None:
    started = []
    sessions.events = SessionEvents(started=started.append)
    session = sessions.begin(Mode.AUDIO, playlist="Rain", items=["a", "b"], volume=0.5)
    assert session is not None and sessions.current == session
    (saved,) = diary.sessions()
    assert (saved.mode, saved.playlist, saved.items, saved.state) == (
        Mode.AUDIO,
        "Rain",
        ["a", "b"],
        RatingState.OPEN,
    )
    assert started == [session]


def test_finish_ends_it_and_queues_the_rating(
    sessions: SessionService, diary: Diary, screen: Screen, clock: FakeClock
) -> None:
    sessions.begin(Mode.REST)
    clock.advance(minutes=20)
    ended = sessions.finish(EndReason.STOPPED)
    assert ended is not None and ended.state is RatingState.PENDING
    assert sessions.current is None
    assert [p.kind for p in screen.shown] == [PromptKind.RATING]
    assert not screen.last.later, "just ended: asked about 'now'"
    assert screen.last.question == "How is your head now?" and screen.last.context == ""
    assert sessions.finish(EndReason.STOPPED) is None, "ending twice does nothing"


def test_a_sleep_timer_end_is_not_asked_about_at_night(
    sessions: SessionService, screen: Screen
) -> None:
    sessions.begin(Mode.AUDIO)
    ended = sessions.finish(EndReason.SLEEP_TIMER)
    assert ended is not None and ended.state is RatingState.DEFERRED
    assert screen.shown == []


def test_a_new_session_ends_the_running_one_and_carries_its_before_rating(
    sessions: SessionService, diary: Diary, screen: Screen
) -> None:
    first = sessions.begin(Mode.AUDIO)
    assert first is not None and first.id is not None
    diary.set_pain_before(first.id, 6)
    second = sessions.begin(Mode.VISUAL)
    assert second is not None and second.pain_before == 6
    assert diary.get(first.id).state is RatingState.PENDING
    assert screen.shown == [], "the first one is asked about later, not now"


def test_the_before_question_follows_the_setting(
    sessions: SessionService, settings: SettingsStore, screen: Screen
) -> None:
    sessions.begin(Mode.REST, ask_before=True)
    assert screen.shown == []
    settings.update(ask_before_session=True)
    sessions.finish(EndReason.STOPPED, ask=False)
    session = sessions.begin(Mode.REST)
    assert [p.kind for p in screen.shown] == [PromptKind.BEFORE]
    assert screen.last.session == session


def test_a_crash_is_closed_at_the_next_start(
    diary: Diary, settings: SettingsStore, queue, clock: FakeClock
) -> None:
    before = SessionService(diary, settings, queue)
    running = before.begin(Mode.AUDIO)
    assert running is not None and running.id is not None
    clock.advance(minutes=30)
    before.heartbeat()
    clock.advance(minutes=5)  # the process dies here
    after = SessionService(diary, settings, queue)
    after.recover()
    closed = diary.get(running.id)
    assert closed.end_reason is EndReason.INTERRUPTED
    assert closed.state is RatingState.DEFERRED
    assert closed.ended is not None and (closed.ended - closed.started).total_seconds() == 1800


def test_shutdown_ends_the_session_unrated_for_the_next_start(
    sessions: SessionService, diary: Diary, screen: Screen
) -> None:
    session = sessions.begin(Mode.AUDIO)
    assert session is not None and session.id is not None
    sessions.shutdown()
    assert sessions.current is None
    assert diary.get(session.id).state is RatingState.PENDING
    assert screen.shown == []
    assert [s.id for s in diary.unrated()] == [session.id]


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_crash_loses_at_most_one_beat_of_the_length(
    diary: Diary, settings: SettingsStore, queue, clock: FakeClock, tmp_path
) -> None:
    mono = Monotonic()
    beats = BeatFile(tmp_path / "session.beat")
    running = SessionService(diary, settings, queue, beats=beats, monotonic=mono)
    session = running.begin(Mode.AUDIO)
    assert session is not None and session.id is not None
    for _ in range(7):  # 70 s, a beat every 10 s
        clock.advance(seconds=HEARTBEAT_S)
        mono.now += HEARTBEAT_S
        running.heartbeat()
    clock.advance(seconds=9)
    mono.now += 9  # the power goes here, 79 s in
    again = SessionService(diary, settings, queue, beats=beats, monotonic=Monotonic())
    again.recover()
    closed = diary.get(session.id)
    assert closed.end_reason is EndReason.INTERRUPTED
    assert closed.duration_s is not None and 79 - 10 <= closed.duration_s <= 79
    assert not beats.path.exists(), "the beat is cleared once used"


def test_a_clock_set_back_never_gives_a_negative_or_zero_length(
    sessions: SessionService, diary: Diary, clock: FakeClock
) -> None:
    mono = Monotonic()
    sessions._monotonic = mono
    session = sessions.begin(Mode.REST)
    assert session is not None and session.id is not None
    clock.advance(hours=-1)  # the clock is corrected back an hour
    mono.now += 600
    ended = sessions.finish(EndReason.STOPPED)
    assert ended is not None and ended.ended is not None and ended.ended < ended.started
    assert ended.duration_s == 600 and ended.clock_changed
    assert diary.get(session.id).duration_s == 600, "kept in the record"


def test_beats_write_the_diary_only_now_and_then(
    diary: Diary, settings: SettingsStore, queue, clock: FakeClock, tmp_path, monkeypatch
) -> None:
    writes = []
    monkeypatch.setattr(diary, "heartbeat", lambda session_id: writes.append(session_id))
    running = SessionService(diary, settings, queue, beats=BeatFile(tmp_path / "b"))
    running.begin(Mode.AUDIO)
    for _ in range(DIARY_BEAT_EVERY * 3):
        running.heartbeat()
    assert len(writes) == 3
