"""The listening session: the playlist, what plays, the migraine skip rule, saved settings.

Everything the Play page decides lives here, Qt-free, so it is tested without a window and
the same rules hold for every front end: which playlist is loaded and how it is saved, when
a diary session starts and ends, which tracks migraine mode passes over, and how the
person's levels reach the engine and the settings.

Threads: the engine calls :meth:`ListeningService.skips` on its render thread. It reads
only :attr:`_skip`, an immutable snapshot that the caller's thread replaces whole, so no
lock is needed and the render thread never waits for the window.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from asmr_desktop.analysis.track import TrackAnalysis
from asmr_desktop.analysis.verdict import Verdict
from asmr_desktop.audio.engine import Engine, EngineSettings, PlayState, StopReason
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core import safety
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import Settings, SettingsStore
from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.library.builtin import add_ready_playlists
from asmr_desktop.library.files import audio_files_in
from asmr_desktop.library.m3u import read_m3u, write_m3u
from asmr_desktop.library.playlists import PlaylistStore, probe
from asmr_desktop.services.sessions import SessionService

log = logging.getLogger(__name__)

#: How the diary records each way playback can stop.
STOP_REASONS = {
    StopReason.ASKED: EndReason.STOPPED,
    StopReason.ENDED: EndReason.FINISHED,
    StopReason.SLEEP_TIMER: EndReason.SLEEP_TIMER,
}


def engine_settings(saved: Settings) -> EngineSettings:
    """The engine's settings from the saved ones, so it starts as the person left it."""
    return EngineSettings(
        volume=saved.volume,
        ceiling_db=safety.clamp_ceiling_db(saved.ceiling_db),
        loudness_target_lufs=safety.clamp_loudness_target(saved.loudness_target_lufs),
        crossfade_s=saved.crossfade_s,
        migraine=saved.migraine_mode,
    )


@dataclass(frozen=True)
class SkipSnapshot:
    """What the render thread needs for the skip rule, replaced whole, never changed."""

    active: bool = False  # migraine mode on and "skip tracks that are not gentle" chosen
    ungentle: frozenset[Path] = frozenset()


@dataclass(frozen=True)
class PlayPlan:
    """What pressing Play on a row does: play ``row``, ask first, or say why not."""

    row: int | None
    ask_about: TrackAnalysis | None = None
    message: str = ""


@dataclass
class Loaded:
    """A playlist just loaded; ``migraine_on`` when loading it turned migraine mode on."""

    name: str
    items: list[PlaylistItem] = field(default_factory=list)
    migraine_on: bool = False


class ListeningService:
    """The Play page's rules over the engine, the playlists, the diary and the settings."""

    def __init__(
        self,
        engine: Engine,
        sessions: SessionService,
        playlists: PlaylistStore,
        settings: SettingsStore,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.playlists = playlists
        self._settings = settings
        self.playlist_name = settings.settings.last_playlist
        self._analyses: Mapping[Path, TrackAnalysis] = MappingProxyType({})
        self._skip = SkipSnapshot()
        self._pending: dict[str, object] = {}
        self._update_skip()
        engine.set_skip(self.skips)
        sessions.heard_source = self.take_heard

    # -- playlist --------------------------------------------------------------------------
    def items(self) -> list[PlaylistItem]:
        return self.engine.items()

    def load_initial(self) -> list[PlaylistItem]:
        """The playlist of the last run (or the unsaved one), probed, into the engine."""
        items: list[PlaylistItem] = []
        try:
            if self.playlist_name and self.playlists.exists(self.playlist_name):
                items = self.playlists.load(self.playlist_name)
            else:
                self.playlist_name = ""
                items = self.playlists.load_working()
        finally:
            self.engine.set_items([probe(item) for item in items])
        return items

    def load(self, name: str) -> Loaded:
        """Load a saved playlist ("" is the unsaved one); a migraine playlist turns migraine
        mode on. Raises AsmrError when it cannot be read."""
        items = self.playlists.load(name) if name else self.playlists.load_working()
        self.playlist_name = name
        self._remember("last_playlist", name)
        migraine_on = False
        if name and self.playlists.wants_migraine_mode(name) and not self.engine.settings.migraine:
            self.set_migraine(True)
            migraine_on = True
        self.engine.set_items([probe(item) for item in items])
        return Loaded(name, items, migraine_on)

    def add_paths(self, paths: Sequence[Path]) -> list[PlaylistItem]:
        """Add audio files (folders searched); raises AsmrError when none is found."""
        files = audio_files_in(list(paths))
        if not files:
            raise AsmrError("No audio files found there (WAV, FLAC, Ogg, Opus or MP3).")
        items = [PlaylistItem.from_path(p) for p in files]
        self.add_items(items)
        return items

    def add_items(self, items: Sequence[PlaylistItem]) -> None:
        for item in items:
            probe(item)
        self.engine.add(list(items))
        self.save_playlist_now()

    def remove(self, rows: Sequence[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            self.engine.remove(row)
        if rows:
            self.save_playlist_now()

    def move(self, source: int, target: int) -> None:
        self.engine.move(source, target)
        self.save_playlist_now()

    def save_playlist_now(self) -> None:
        """Keep the playlist as it is now: under its name, or as the unsaved playlist."""
        if self.playlist_name:
            self.playlists.save(self.playlist_name, self.items())
        else:
            self.playlists.save_working(self.items())

    def save_as(self, name: str) -> str:
        """Save under ``name`` and make it the current playlist; returns the name used."""
        self.playlists.save(name, self.items())
        self.playlist_name = name.strip()
        self._remember("last_playlist", self.playlist_name)
        return self.playlist_name

    def delete_current(self) -> str:
        """Delete the current saved playlist; its tracks stay, unsaved. Returns its name."""
        name = self.playlist_name
        if not name:
            return ""
        self.playlists.delete(name)
        self.playlist_name = ""
        self._remember("last_playlist", "")
        self.playlists.save_working(self.items())
        return name

    def import_m3u(self, path: Path) -> list[PlaylistItem]:
        items = read_m3u(path)
        self.add_items(items)
        return items

    def export_m3u(self, path: Path) -> int:
        """Write the file items as M3U; returns how many soundscapes had no file form."""
        write_m3u(path, self.items())
        return sum(1 for i in self.items() if i.path is None)

    # -- analyses and the migraine skip rule -----------------------------------------------
    @property
    def analyses(self) -> Mapping[Path, TrackAnalysis]:
        return self._analyses

    def record_analysis(self, path: Path, analysis: TrackAnalysis) -> None:
        self._analyses = MappingProxyType({**self._analyses, path: analysis})
        self._update_skip()

    def to_analyse(self, items: Sequence[PlaylistItem]) -> list[Path]:
        """Files of ``items`` not measured yet."""
        paths = [i.path for i in items if i.path is not None and not i.failed]
        return [p for p in dict.fromkeys(paths) if p not in self._analyses]

    def analysis_of(self, item: PlaylistItem) -> TrackAnalysis | None:
        return self._analyses.get(item.path) if item.path is not None else None

    def skips(self, item: PlaylistItem) -> bool:
        """Runs on the render thread: skip a track that is not gentle, if asked to."""
        snapshot = self._skip
        return snapshot.active and item.path is not None and item.path in snapshot.ungentle

    def plan_play(self, row: int) -> PlayPlan:
        """Play a row; in migraine mode a track that is not gentle is asked about first, or
        passed over when the person chose to skip such tracks."""
        items = self.items()
        if not 0 <= row < len(items):
            return PlayPlan(None)
        analysis = self.analysis_of(items[row])
        if not self.engine.settings.migraine or analysis is None or _gentle(analysis):
            return PlayPlan(row)
        if not self._settings.settings.migraine_skip_ungentle:
            return PlayPlan(None, ask_about=analysis)
        gentle = self._next_gentle(row)
        if gentle is None:
            return PlayPlan(None, message="No track here is gentle enough for migraine mode.")
        return PlayPlan(gentle)

    def skip_ungentle_from_now(self) -> None:
        """The person chose 'skip tracks like this while migraine mode is on'."""
        self._remember("migraine_skip_ungentle", True)
        self._update_skip()

    def _next_gentle(self, row: int) -> int | None:
        items = self.items()
        order: list[int] = [*range(row, len(items)), *range(row)]
        for index in order:
            found = self.analysis_of(items[index])
            if found is None or _gentle(found):
                return index
        return None

    def _update_skip(self) -> None:
        active = self._settings.settings.migraine_skip_ungentle and self.engine.settings.migraine
        ungentle = frozenset(p for p, a in self._analyses.items() if not _gentle(a))
        self._skip = SkipSnapshot(active, ungentle)

    # -- levels: to the engine at once, to the settings when flushed -----------------------
    def set_volume(self, position: float) -> None:
        position = max(0.0, min(1.0, position))
        self.engine.set_volume(position)
        self._pending["volume"] = position

    def set_ceiling_db(self, ceiling_db: float) -> None:
        self.engine.set_ceiling_db(ceiling_db)
        self._pending["ceiling_db"] = safety.clamp_ceiling_db(ceiling_db)

    def set_crossfade_s(self, seconds: float) -> None:
        self.engine.set_crossfade_s(seconds)
        self._pending["crossfade_s"] = seconds

    def set_migraine(self, on: bool) -> None:
        self.engine.set_migraine(on)
        self._pending["migraine_mode"] = on
        self._update_skip()

    def set_loudness_target(self, target_lufs: float) -> None:
        self.engine.set_loudness_target(target_lufs)

    def flush_settings(self) -> None:
        """Save the levels changed since the last flush (a slider drag is many changes)."""
        pending, self._pending = self._pending, {}
        if pending:
            try:
                self._settings.update(**pending)
            except AsmrError as exc:
                log.warning("settings not saved: %s", exc)

    # -- what was heard --------------------------------------------------------------------
    def take_heard(self, reset: bool = True) -> tuple[list[tuple[str, float]], str | None]:
        """What the engine counted as audible since the session began: (title, seconds) in
        the order first heard, and the title heard last; ``reset`` starts a new count."""
        heard = self.engine.heard(reset=reset)
        titles = [(item.title, round(seconds, 1)) for item, seconds in heard.items]
        return titles, heard.last.title if heard.last is not None else None

    # -- what the engine reports (call these on one thread, the window's) -------------------
    def state_changed(self, state: PlayState) -> None:
        """Sound started: a diary session begins with what is about to be heard."""
        if state is PlayState.PLAYING and self.sessions.current is None:
            settings = self.engine.settings
            self.sessions.begin(
                Mode.AUDIO,
                playlist=self.playlist_name,
                items=[i.title for i in self.items()],
                volume=settings.volume,
                migraine_mode=settings.migraine,
            )

    def stopped(self, reason: StopReason) -> None:
        """Sound stopped: the audio session ends with the reason the diary records."""
        current = self.sessions.current
        if current is not None and current.mode is Mode.AUDIO:
            self.sessions.finish(STOP_REASONS[reason])

    # -- helpers ---------------------------------------------------------------------------
    def _remember(self, key: str, value: object) -> None:
        try:
            self._settings.update(**{key: value})
        except AsmrError as exc:
            log.warning("setting %s not saved: %s", key, exc)


def ensure_ready_playlists(playlists: PlaylistStore, settings: SettingsStore) -> None:
    """First start: 'Before sleep' and 'During a migraine', so there is something to play.

    Done once: a person who deletes them does not get them back at the next start.
    """
    if settings.settings.ready_playlists_added:
        return
    try:
        added = add_ready_playlists(playlists)
        changes: dict[str, object] = {"ready_playlists_added": True}
        if added and not settings.settings.last_playlist:
            changes["last_playlist"] = added[0]
        settings.update(**changes)
    except AsmrError as exc:
        log.warning("ready playlists not added: %s", exc)


def _gentle(analysis: TrackAnalysis) -> bool:
    return analysis.verdict is Verdict.GENTLE
