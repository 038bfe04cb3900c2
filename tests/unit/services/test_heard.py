"""What a session records as heard, from the engine's own count of audible frames, for the
cases the records issue names: stopped in track 1, crossfading through three tracks, ended
by the sleep timer, and killed."""

from __future__ import annotations

from pathlib import Path

import pytest

from asmr_desktop.audio.engine import Engine, EngineCallbacks, EngineSettings
from asmr_desktop.audio.sleep import SleepTimer
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.heartbeat import BeatFile
from asmr_desktop.diary.model import EndReason, Mode, RatingState
from asmr_desktop.diary.service import Diary
from asmr_desktop.insights.relief import credits
from asmr_desktop.library import builtin
from asmr_desktop.library.playlists import PlaylistStore
from asmr_desktop.services.listening import ListeningService
from asmr_desktop.services.prompts import PromptQueue
from asmr_desktop.services.sessions import SessionService
from tests.helpers.clock import FakeClock
from tests.unit.audio.helpers import array_item, render, render_until_idle, sine

RATE = 48000


class Rig:
    """A listening service over a real engine, rendered by hand; the clocks move with it."""

    def __init__(
        self,
        diary: Diary,
        settings: SettingsStore,
        queue: PromptQueue,
        clock: FakeClock,
        tmp_path: Path,
        crossfade_s: float = 4.0,
    ) -> None:
        self.clock = clock
        self.mono = 0.0
        self.sessions = SessionService(
            diary,
            settings,
            queue,
            beats=BeatFile(tmp_path / "session.beat"),
            monotonic=lambda: self.mono,
        )
        callbacks = EngineCallbacks(
            state_changed=lambda state: self.listening.state_changed(state),
            stopped=lambda reason: self.listening.stopped(reason),
        )
        self.engine = Engine(RATE, 2, EngineSettings(crossfade_s=crossfade_s), callbacks=callbacks)
        self.listening = ListeningService(
            self.engine, self.sessions, PlaylistStore(diary._store, builtin.resolve), settings
        )

    def tracks(self, *seconds: float) -> None:
        items = []
        for index, length in enumerate(seconds):
            item = array_item(sine(220 + 40 * index, length, RATE, amp=0.2), RATE)
            item.title = "abcdefg"[index]
            item.loudness_lufs = -30.0
            items.append(item)
        self.engine.set_items(items)

    def play_for(self, seconds: float) -> None:
        for _ in range(round(seconds / 0.5)):
            render(self.engine, 0.5)
            self.clock.advance(seconds=0.5)
            self.mono += 0.5

    def heard(self) -> dict[str, float]:
        (session,) = self.sessions.diary.sessions()
        assert session.heard is not None
        return dict(session.heard)


@pytest.fixture
def rig(diary, settings, queue, clock, tmp_path) -> Rig:
    return Rig(diary, settings, queue, clock, tmp_path)


def test_stopped_in_the_first_track_credits_only_what_played(rig: Rig) -> None:
    rig.tracks(60, 60, 60, 60, 60, 60, 60)
    rig.engine.play()
    rig.play_for(6)
    rig.engine.stop()
    render_until_idle(rig.engine)
    (session,) = rig.sessions.diary.sessions()
    assert session.items == list("abcdefg")
    assert list(rig.heard()) == ["a"], "the six other items were never heard"
    assert 6.0 <= rig.heard()["a"] <= 6.0 + 1.6  # and the stop fade
    assert session.last_item == "a"
    assert credits(session) == {}, "six seconds are not credited"


def test_a_crossfade_through_three_tracks_counts_for_both_sides(rig: Rig) -> None:
    rig.tracks(20, 20, 20)
    rig.engine.play()
    render_until_idle(rig.engine)
    heard = rig.heard()
    assert list(heard) == ["a", "b", "c"]
    for title in "abc":
        assert heard[title] == pytest.approx(20.0, abs=1.0), (
            title
        )  # a fade tail below -60 dB is not heard
    (session,) = rig.sessions.diary.sessions()
    assert session.end_reason is EndReason.FINISHED and session.last_item == "c"


def test_the_sleep_timer_session_records_what_played_until_it_faded(rig: Rig) -> None:
    rig.tracks(600, 600)
    rig.engine.play()
    rig.engine.set_sleep_timer(SleepTimer.after(90))
    render_until_idle(rig.engine)
    (session,) = rig.sessions.diary.sessions()
    assert session.end_reason is EndReason.SLEEP_TIMER
    assert session.state is RatingState.DEFERRED
    assert list(rig.heard()) == ["a"] and 85 <= rig.heard()["a"] <= 95


def test_a_killed_session_keeps_what_was_heard_up_to_its_last_beat(
    rig: Rig, diary, settings, queue, tmp_path
) -> None:
    rig.tracks(20, 120)
    rig.engine.play()
    rig.listening.state_changed(rig.engine.state)
    for _ in range(5):  # 50 s, a beat every 10 s
        rig.play_for(10)
        rig.sessions.heartbeat()
    rig.play_for(4)  # the power goes here
    after = SessionService(diary, settings, queue, beats=BeatFile(tmp_path / "session.beat"))
    after.recover()
    (session,) = diary.sessions()
    assert session.end_reason is EndReason.INTERRUPTED
    assert session.heard is not None
    heard = dict(session.heard)
    assert heard["a"] == pytest.approx(20.0, abs=1.0)
    assert heard["b"] == pytest.approx(34.0, abs=1.0), "to the last beat, crossfade included"
    assert session.last_item == "b"
    assert session.mode is Mode.AUDIO


def test_each_layer_is_recorded_as_heard_with_its_seconds(rig: Rig) -> None:
    """Issue 17: a layer heard for N seconds is credited like any item; a muted one is not."""
    rig.tracks(600)
    layers = rig.listening.layers
    layers.set_bed("brown", volume=0.8)
    rain = layers.add_layer("rain", volume=1.0)
    layers.add_layer("purr", volume=0.0)  # muted: never audible
    rig.engine.play()
    rig.play_for(90)
    layers.remove_layer(rain)  # heard until here (and its 1.5 s fade)
    rig.play_for(30)
    rig.engine.stop()
    render_until_idle(rig.engine)
    (session,) = rig.sessions.diary.sessions()
    assert session.items == ["a", "Brown noise", "Soft rain"], "what was about to be heard"
    heard = rig.heard()
    assert set(heard) == {"a", "Brown noise", "Soft rain"}, "the muted purr is not credited"
    assert heard["a"] == pytest.approx(120.0, abs=2.0)
    assert heard["Brown noise"] == pytest.approx(heard["a"], abs=0.5)
    assert heard["Soft rain"] == pytest.approx(90.0, abs=2.0)
    assert "Soft rain" in credits(session) and "Purring" not in credits(session)


def test_layers_are_not_credited_while_the_main_volume_is_at_zero(rig: Rig) -> None:
    rig.tracks(600)
    rig.listening.layers.add_layer("purr", volume=1.0)
    rig.listening.set_volume(0.0)
    rig.engine.play()
    rig.play_for(20)
    rig.listening.set_volume(0.8)
    rig.play_for(20)
    rig.engine.stop()
    render_until_idle(rig.engine)
    heard = rig.heard()
    assert heard["Purring"] == pytest.approx(heard["a"], abs=0.5)
    assert 20.0 <= heard["Purring"] <= 22.0, "only the 20 s it could be heard"
