"""A visual-only session records the person's own videos watched, like sound heard."""

from __future__ import annotations

from pathlib import Path

from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.heartbeat import BeatFile
from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.diary.service import Diary
from asmr_desktop.insights.relief import relief_by_source
from asmr_desktop.services.prompts import PromptQueue
from asmr_desktop.services.sessions import SessionService


class Watched:
    """What visual-only mode counts: seconds on screen per video."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.last: str | None = None
        self.resets = 0

    def __call__(self, reset: bool) -> tuple[list[tuple[str, float]], str | None]:
        out = (list(self.seconds.items()), self.last)
        if reset:
            self.resets += 1
        return out


def test_the_videos_watched_are_recorded_with_their_seconds(
    sessions: SessionService, diary: Diary
) -> None:
    watched = Watched()
    sessions.watched_source = watched
    sessions.begin(Mode.VISUAL, ask_before=False)
    watched.seconds = {"hands.mp4": 300.0, "towels.webm": 120.0}
    watched.last = "towels.webm"
    sessions.finish(EndReason.STOPPED)
    (session,) = diary.sessions()
    assert session.heard == [("hands.mp4", 300.0), ("towels.webm", 120.0)]
    assert session.last_item == "towels.webm"
    assert watched.resets == 1
    # a video is not a sound: relief by sound never credits it
    assert relief_by_source([session]) == []


def test_scenes_only_name_nothing(sessions: SessionService, diary: Diary) -> None:
    sessions.watched_source = Watched()
    sessions.begin(Mode.VISUAL, ask_before=False)
    sessions.finish(EndReason.STOPPED)
    (session,) = diary.sessions()
    assert session.heard is None and session.last_item is None


def test_a_sound_session_does_not_take_the_videos(sessions: SessionService, diary: Diary) -> None:
    watched = Watched()
    watched.seconds = {"hands.mp4": 60.0}
    sessions.watched_source = watched
    sessions.begin(Mode.AUDIO, ask_before=False)
    sessions.finish(EndReason.STOPPED)
    (session,) = diary.sessions()
    assert session.heard is None and watched.resets == 0


def test_a_crash_keeps_the_videos_up_to_the_last_beat(
    diary: Diary, settings: SettingsStore, queue: PromptQueue, tmp_path: Path
) -> None:
    beats = BeatFile(tmp_path / "session.beat")
    mono = [0.0]
    sessions = SessionService(diary, settings, queue, beats=beats, monotonic=lambda: mono[0])
    watched = Watched()
    sessions.watched_source = watched
    sessions.begin(Mode.VISUAL, ask_before=False)
    mono[0] = 40.0
    watched.seconds, watched.last = {"hands.mp4": 38.0}, "hands.mp4"
    sessions.heartbeat()
    after = SessionService(diary, settings, queue, beats=BeatFile(tmp_path / "session.beat"))
    after.recover()
    (session,) = diary.sessions()
    assert session.end_reason is EndReason.INTERRUPTED
    assert session.heard == [("hands.mp4", 38.0)]
    assert session.last_item == "hands.mp4"
