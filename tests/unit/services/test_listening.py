"""The Play page's rules without Qt: sessions follow the sound, the migraine skip rule, the
playlist saved as it changes, levels reaching the engine and the settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asmr_desktop.analysis.meter import Measurement
from asmr_desktop.analysis.track import TrackAnalysis
from asmr_desktop.analysis.verdict import Verdict
from asmr_desktop.audio.engine import Engine, PlayState, StopReason
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core import safety
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.core.store import Store
from asmr_desktop.diary.model import EndReason, Mode, RatingState
from asmr_desktop.diary.service import Diary
from asmr_desktop.library import builtin
from asmr_desktop.library.playlists import PlaylistStore
from asmr_desktop.services.listening import (
    ListeningService,
    engine_settings,
    ensure_ready_playlists,
)
from asmr_desktop.services.sessions import SessionService


def tone(path: Path, seconds: float = 1.0) -> Path:
    rate = 44100
    x = 0.1 * np.sin(2 * np.pi * 220 * np.arange(int(rate * seconds)) / rate)
    sf.write(path, np.stack([x, x], axis=1), rate)
    return path


def analysis(path: Path, verdict: Verdict) -> TrackAnalysis:
    measurement = Measurement(60.0, 44100, 2, -30.0, 3.0, -14.0, 0.05, ())
    concerns = () if verdict is Verdict.GENTLE else (verdict,)
    return TrackAnalysis(str(path), measurement, verdict, concerns, f"{verdict} by test")


@pytest.fixture
def playlists(store: Store) -> PlaylistStore:
    return PlaylistStore(store, builtin.resolve)


@pytest.fixture
def listening(
    sessions: SessionService, playlists: PlaylistStore, settings: SettingsStore
) -> ListeningService:
    engine = Engine(48000, 2, engine_settings(settings.settings))
    return ListeningService(engine, sessions, playlists, settings)


def test_sound_starting_records_what_is_about_to_play(
    listening: ListeningService, tmp_path: Path, diary: Diary
) -> None:
    listening.add_paths([tone(tmp_path / "Rain.wav"), tone(tmp_path / "Wind.wav")])
    listening.set_volume(0.4)
    listening.state_changed(PlayState.PLAYING)
    listening.state_changed(PlayState.PLAYING)  # a resume is the same session
    (session,) = diary.sessions()
    assert (session.mode, session.items, session.volume) == (Mode.AUDIO, ["Rain", "Wind"], 0.4)
    listening.state_changed(PlayState.PAUSED)
    assert diary.sessions()[0].state is RatingState.OPEN, "a pause does not end it"


@pytest.mark.parametrize(
    ("reason", "recorded", "state"),
    [
        (StopReason.ASKED, EndReason.STOPPED, RatingState.PENDING),
        (StopReason.ENDED, EndReason.FINISHED, RatingState.PENDING),
        (StopReason.SLEEP_TIMER, EndReason.SLEEP_TIMER, RatingState.DEFERRED),
    ],
)
def test_sound_stopping_ends_the_session_with_its_reason(
    listening: ListeningService, diary: Diary, reason, recorded, state
) -> None:
    listening.state_changed(PlayState.PLAYING)
    listening.stopped(reason)
    (session,) = diary.sessions()
    assert (session.end_reason, session.state) == (recorded, state)


def test_sound_stopping_leaves_a_visual_session_alone(
    listening: ListeningService, sessions: SessionService, diary: Diary
) -> None:
    sessions.begin(Mode.VISUAL)
    listening.stopped(StopReason.ASKED)
    assert sessions.current is not None and sessions.current.mode is Mode.VISUAL


def test_the_skip_rule_needs_migraine_mode_and_the_persons_choice(
    listening: ListeningService, tmp_path: Path
) -> None:
    loud = PlaylistItem.from_path(tone(tmp_path / "bell.wav"))
    calm = PlaylistItem.from_path(tone(tmp_path / "calm.wav"))
    listening.record_analysis(loud.path, analysis(loud.path, Verdict.SUDDEN))  # type: ignore[arg-type]
    listening.record_analysis(calm.path, analysis(calm.path, Verdict.GENTLE))  # type: ignore[arg-type]
    assert not listening.skips(loud), "migraine mode is off"
    listening.set_migraine(True)
    assert not listening.skips(loud), "the person has not chosen to skip"
    listening.skip_ungentle_from_now()
    assert listening.skips(loud) and not listening.skips(calm)
    assert not listening.skips(PlaylistItem(title="rain", factory=lambda: None))  # type: ignore[arg-type, return-value]
    listening.set_migraine(False)
    assert not listening.skips(loud)


def test_the_skip_rule_reads_a_snapshot_that_is_replaced_whole(
    listening: ListeningService, tmp_path: Path
) -> None:
    listening.set_migraine(True)
    listening.skip_ungentle_from_now()
    before = listening._skip
    path = tone(tmp_path / "bell.wav")
    listening.record_analysis(path, analysis(path, Verdict.LOUD))
    assert listening._skip is not before and before.ungentle == frozenset()
    with pytest.raises(AttributeError):
        listening._skip.active = False  # type: ignore[misc]


def test_the_skip_rule_follows_the_choice_saved_in_preferences(
    listening: ListeningService, settings: SettingsStore, tmp_path: Path
) -> None:
    loud = PlaylistItem.from_path(tone(tmp_path / "bell.wav"))
    listening.record_analysis(loud.path, analysis(loud.path, Verdict.LOUD))  # type: ignore[arg-type]
    listening.set_migraine(True)
    settings.update(migraine_skip_ungentle=True)  # as Preferences saves it
    assert not listening.skips(loud), "the snapshot changes only when told"
    listening.skip_rule_changed()
    assert listening.skips(loud)
    settings.update(migraine_skip_ungentle=False)
    listening.skip_rule_changed()
    assert not listening.skips(loud), "turned off again: the track plays"


def test_play_in_migraine_mode_asks_then_skips_tracks_that_are_not_gentle(
    listening: ListeningService, tmp_path: Path
) -> None:
    bell, calm = tone(tmp_path / "bell.wav"), tone(tmp_path / "calm.wav")
    listening.add_paths([bell, calm])
    listening.record_analysis(bell, analysis(bell, Verdict.SUDDEN))
    assert listening.plan_play(0).row == 0, "migraine mode off: plays"
    listening.set_migraine(True)
    plan = listening.plan_play(0)
    assert plan.row is None and plan.ask_about is not None
    listening.skip_ungentle_from_now()
    assert listening.plan_play(0).row == 1
    listening.record_analysis(calm, analysis(calm, Verdict.BRIGHT))
    plan = listening.plan_play(0)
    assert plan.row is None and "gentle enough" in plan.message
    assert listening.plan_play(7).row is None


def test_the_playlist_is_saved_as_it_changes(
    listening: ListeningService, playlists: PlaylistStore, tmp_path: Path
) -> None:
    a, b = tone(tmp_path / "a.wav"), tone(tmp_path / "b.wav")
    listening.add_paths([a, b])
    listening.move(0, 1)
    assert [i.title for i in playlists.load_working()] == ["b", "a"]
    assert listening.save_as("  Evening ") == "Evening"
    listening.remove([0])
    assert [i.title for i in playlists.load("Evening")] == ["a"]
    assert listening.delete_current() == "Evening"
    assert not playlists.exists("Evening")
    assert [i.title for i in playlists.load_working()] == ["a"], "the tracks stay, unsaved"


def test_adding_a_folder_without_audio_says_so(listening: ListeningService, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no audio")
    with pytest.raises(AsmrError, match="No audio files"):
        listening.add_paths([tmp_path])


def test_loading_the_migraine_playlist_turns_migraine_mode_on(
    listening: ListeningService, playlists: PlaylistStore, settings: SettingsStore
) -> None:
    ensure_ready_playlists(playlists, settings)
    loaded = listening.load("During a migraine")
    assert loaded.migraine_on and listening.engine.settings.migraine
    listening.flush_settings()
    assert settings.settings.migraine_mode is True
    assert settings.settings.last_playlist == "During a migraine"
    assert listening.load("Before sleep").migraine_on is False


def test_ready_playlists_are_added_once(playlists: PlaylistStore, settings: SettingsStore) -> None:
    ensure_ready_playlists(playlists, settings)
    assert playlists.names() == ["Before sleep", "During a migraine"]
    assert settings.settings.last_playlist == "Before sleep"
    playlists.delete("Before sleep")
    ensure_ready_playlists(playlists, settings)
    assert playlists.names() == ["During a migraine"], "a deleted one does not come back"


def test_levels_reach_the_engine_at_once_and_the_settings_when_flushed(
    listening: ListeningService, settings: SettingsStore
) -> None:
    listening.set_volume(0.3)
    listening.set_ceiling_db(0.0)
    listening.set_crossfade_s(2.0)
    engine = listening.engine.settings
    assert (engine.volume, engine.crossfade_s) == (0.3, 2.0)
    assert listening.engine.effective_ceiling_db == safety.CEILING_MAX_DB
    assert settings.settings.volume != 0.3, "not saved on every slider step"
    listening.flush_settings()
    saved = settings.settings
    assert (saved.volume, saved.ceiling_db, saved.crossfade_s) == (0.3, safety.CEILING_MAX_DB, 2.0)


def test_the_engine_starts_with_the_saved_levels(settings: SettingsStore) -> None:
    settings.update(ceiling_db=-30.0, migraine_mode=True, volume=0.5)
    made = engine_settings(settings.settings)
    engine = Engine(48000, 2, made)
    assert engine.effective_ceiling_db == -30.0 - safety.MIGRAINE_CEILING_DROP_DB
    assert (made.volume, made.migraine) == (0.5, True)
