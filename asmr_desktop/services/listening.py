"""The listening session: the playlist, what plays, the migraine skip rule, saved settings.

Everything the Play page decides lives here, Qt-free, so it is tested without a window and
the same rules hold for every front end: which playlist is loaded and how it is saved, when
a diary session starts and ends, which tracks migraine mode passes over, how the
person's levels reach the engine and the settings, and the layers under the playlist
(:class:`LayerService`, which ``render`` uses too).

Threads: the engine calls :meth:`ListeningService.skips` on its render thread. It reads
only :attr:`_skip`, an immutable snapshot that the caller's thread replaces whole, so no
lock is needed and the render thread never waits for the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from asmr_desktop.analysis.track import TrackAnalysis
from asmr_desktop.analysis.verdict import Verdict
from asmr_desktop.audio.engine import Engine, EngineSettings, PlayState, StopReason
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.layers import LayerInfo
from asmr_desktop.core import safety
from asmr_desktop.core.defaults import LAYER_VOLUME_DEFAULT
from asmr_desktop.core.errors import AsmrError, DecodeError
from asmr_desktop.core.settings import Settings, SettingsStore
from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.library.builtin import add_ready_playlists, soundscape_item
from asmr_desktop.library.files import audio_files_in
from asmr_desktop.library.m3u import read_m3u, write_m3u
from asmr_desktop.library.playlists import PlaylistStore, StoredLayer, probe
from asmr_desktop.services.sessions import SessionService
from asmr_desktop.soundscapes import info, parse_spec

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


#: Layers get seeds from here up, each one no other item or layer uses: two layers with one
#: seed are correlated (the same soundscape twice is the same signal; brown and pink noise
#: from one seed share their random numbers and measured 2.5 LU over the target as layers),
#: and correlated sounds add up to +6 dB per doubling, not the +3 dB the sum's
#: normalisation counts on (see asmr_desktop.audio.layers).
LAYER_SEED_BASE = 1000


def layer_item(spec: str, taken: Sequence[PlaylistItem] = ()) -> PlaylistItem:
    """A built-in soundscape as an endless layer, with a seed none of ``taken`` uses (a
    spec that names its seed keeps it). AsmrError naming the choices for an unknown name."""
    parsed = parse_spec(spec)
    if parsed is None:
        info(spec.partition("?")[0])  # raises, naming every soundscape
        raise AsmrError(f"no built-in soundscape called {spec!r}")
    name, settings, seed = parsed
    if "seed=" not in spec:
        used = set(_seeds(taken))
        seed = next(
            s for s in range(LAYER_SEED_BASE, LAYER_SEED_BASE + len(used) + 1) if s not in used
        )
    return soundscape_item(name, settings, seed)


def bed_item(source: str, taken: Sequence[PlaylistItem] = ()) -> PlaylistItem:
    """A bed from SOURCE: a built-in soundscape's name (or spec), or an audio file to loop.
    DecodeError naming the file when it cannot be played."""
    if parse_spec(source) is not None:
        return layer_item(source, taken)
    path = Path(source).expanduser()
    if not path.suffix and not path.exists():  # meant as a soundscape: name the choices
        info(source.partition("?")[0])
    item = probe(PlaylistItem.from_path(path))
    if item.failed:
        raise DecodeError(f"{path}: {item.failed}")
    return item


def _seeds(items: Sequence[PlaylistItem]) -> list[int]:
    parsed = (parse_spec(item.spec) if item.spec else None for item in items)
    return [found[2] for found in parsed if found is not None]


class LayerService:
    """The layers under the playlist, Qt-free: add, remove, their volumes, the bed.

    The window's Layers panel and ``render`` both drive the engine through it. ``changed``
    runs after a change worth saving at once (the listening service saves the playlist);
    a volume move only marks :attr:`dirty` (a slider drag is many moves), saved when the
    settings are flushed.
    """

    def __init__(self, engine: Engine, changed: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self._changed = changed
        self.dirty = False

    def layers(self) -> list[LayerInfo]:
        return self.engine.layers()

    def add_layer(self, spec: str, volume: float | None = None) -> int:
        """Mix a built-in soundscape (``rain``, ``rain?density=80``) under the playlist;
        its key. AsmrError for an unknown name or once four layers play."""
        item = layer_item(spec, self._items())
        key = self.engine.add_layer(item, volume=_layer_volume(volume))
        self._saved()
        return key

    def remove_layer(self, key: int) -> None:
        self.engine.remove_layer(key)
        self._saved()

    def set_layer_volume(self, key: int, position: float) -> None:
        """A layer's own volume 0-1 (a smooth ramp; it rises at most 6 dB/s)."""
        self.engine.set_layer_volume(key, position)
        self.dirty = True

    def set_bed(self, source: str | None, volume: float | None = None) -> int | None:
        """The background bed: a soundscape's name, an audio file to loop, or None for no
        bed. Its key (None without a bed)."""
        for layer in self.layers():
            if layer.bed and source is None:
                self.engine.remove_layer(layer.key)
        key = None
        if source is not None:
            item = bed_item(source, self._items())
            key = self.engine.add_layer(item, volume=_layer_volume(volume), bed=True)
        self._saved()
        return key

    def bed(self) -> LayerInfo | None:
        return next((layer for layer in self.layers() if layer.bed), None)

    def restore(self, layers: Sequence[StoredLayer]) -> None:
        """Put back the layers a playlist saved (those there are fade out). AsmrError past
        the cap (a hand-edited playlist; the layers within it stay)."""
        self.engine.clear_layers()
        for layer in layers:
            self.engine.add_layer(layer.item, volume=layer.volume, bed=layer.bed)
        self.dirty = False

    def stored(self) -> list[StoredLayer]:
        """The layers as a playlist saves them."""
        return [StoredLayer(layer.item, layer.volume, layer.bed) for layer in self.layers()]

    def save_if_moved(self) -> None:
        """Save now if a volume moved since the last save (a slider let go)."""
        if self.dirty:
            self._saved()

    def _items(self) -> list[PlaylistItem]:
        return [*self.engine.items(), *(layer.item for layer in self.layers())]

    def _saved(self) -> None:
        self.dirty = False
        if self._changed is not None:
            self._changed()


def _layer_volume(volume: float | None) -> float:
    return LAYER_VOLUME_DEFAULT if volume is None else max(0.0, min(1.0, volume))


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
        #: The bed and layers under the playlist, saved with it.
        self.layers = LayerService(engine, self.save_playlist_now)

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
        self._restore_layers()
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
        self._restore_layers()
        return Loaded(name, items, migraine_on)

    def _restore_layers(self) -> None:
        try:
            self.layers.restore(self.playlists.load_layers(self.playlist_name))
        except AsmrError as exc:
            log.warning("playlist %r: layers not all restored: %s", self.playlist_name, exc)

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
        layers = self.layers.stored()
        if self.playlist_name:
            self.playlists.save(self.playlist_name, self.items(), layers=layers)
        else:
            self.playlists.save_working(self.items(), layers)
        self.layers.dirty = False

    def save_as(self, name: str) -> str:
        """Save under ``name`` and make it the current playlist; returns the name used."""
        self.playlists.save(name, self.items(), layers=self.layers.stored())
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
        self.playlists.save_working(self.items(), self.layers.stored())
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

    def skip_rule_changed(self) -> None:
        """The saved "skip tracks that are not gentle" choice changed elsewhere (Preferences):
        the render thread's rule follows it from the next track on."""
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
        if self.layers.dirty:  # a layer's volume moved
            try:
                self.save_playlist_now()
            except AsmrError as exc:
                log.warning("layers not saved: %s", exc)
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
                items=[i.title for i in self.items()] + self._layer_titles(),
                volume=settings.volume,
                migraine_mode=settings.migraine,
            )

    def stopped(self, reason: StopReason) -> None:
        """Sound stopped: the audio session ends with the reason the diary records."""
        current = self.sessions.current
        if current is not None and current.mode is Mode.AUDIO:
            self.sessions.finish(STOP_REASONS[reason])

    # -- helpers ---------------------------------------------------------------------------
    def _layer_titles(self) -> list[str]:
        """The layers about to be heard (not muted, not failed), named like any item."""
        return [
            layer.item.title
            for layer in self.layers.layers()
            if layer.volume > 0 and layer.failed is None
        ]

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
