"""Named playlists and the working playlist, kept in the data store.

Items are files (a path) or generated soundscapes (a name and its settings); a resolver
passed in turns a soundscape entry back into a playable item, so this module needs to
know nothing about the generators.

A playlist also keeps its layers (issue 17): the bed and the soundscapes mixed under it, each
with its own volume, as an optional ``layers`` list beside ``items`` (the same entry layout,
plus ``volume`` and ``bed``). It is an added key, not a new layout: a playlist saved before
layers existed has none and loads with none, every record still carries the store's schema
version (:data:`~asmr_desktop.core.store.SCHEMA_KEY`), and no migration is needed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asmr_desktop.audio.decoder import open_audio
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core.defaults import BEDS_MAX, LAYERS_MAX
from asmr_desktop.core.errors import AsmrError, DecodeError
from asmr_desktop.core.store import Store
from asmr_desktop.library.listing import TABLE, WORKING, duration_of, playlist_names, title_of

log = logging.getLogger(__name__)

NAME_MAX_CHARS = 80

#: (spec, duration_s) -> a playable item, or None when the spec names no soundscape.
SoundscapeResolver = Callable[[str, float | None], PlaylistItem | None]


def probe(item: PlaylistItem) -> PlaylistItem:
    """Fill in a file item's length, or mark it failed with a short reason; reads the header."""
    if item.path is None:
        return item
    try:
        source = open_audio(item.path)
    except DecodeError as exc:
        item.failed = str(exc).removeprefix(f"{item.path}: ")
        return item
    try:
        item.duration_s = source.duration_s
        item.failed = None
    finally:
        source.close()
    return item


class PlaylistError(AsmrError):
    """A playlist name or entry is not acceptable."""


def item_to_record(item: PlaylistItem) -> dict[str, Any]:
    record: dict[str, Any] = {"title": item.title, "duration_s": item.duration_s}
    if item.path is not None:
        record["path"] = str(item.path)
    if item.spec is not None:
        record["soundscape"] = item.spec
    return record


@dataclass(frozen=True)
class StoredLayer:
    """A layer as a playlist keeps it: what plays, its own volume (0-1), bed or not."""

    item: PlaylistItem
    volume: float
    bed: bool = False


def layer_to_record(layer: StoredLayer) -> dict[str, Any]:
    return {**item_to_record(layer.item), "volume": layer.volume, "bed": layer.bed}


class PlaylistStore:
    """Save, load, list and delete playlists by name."""

    def __init__(self, store: Store, resolve_soundscape: SoundscapeResolver | None = None) -> None:
        self._store = store
        self._resolve = resolve_soundscape

    def names(self) -> list[str]:
        return playlist_names(self._store)

    def exists(self, name: str) -> bool:
        return self._find(name) is not None

    def save(
        self,
        name: str,
        items: list[PlaylistItem],
        *,
        migraine: bool | None = None,
        layers: Sequence[StoredLayer] | None = None,
    ) -> None:
        """Save ``items`` under ``name``; ``migraine`` marks a playlist made for migraine
        mode, ``layers`` are its bed and layers (None keeps what the playlist had)."""
        name = self._check_name(name)
        self._put(name, items, migraine, layers)

    def wants_migraine_mode(self, name: str) -> bool:
        doc = self._find(name)
        return doc is not None and doc.get("migraine") is True

    def save_working(
        self, items: list[PlaylistItem], layers: Sequence[StoredLayer] | None = None
    ) -> None:
        self._put(WORKING, items, layers=layers)

    def load(self, name: str) -> list[PlaylistItem]:
        doc = self._find(name)
        if doc is None:
            raise PlaylistError(f"There is no playlist called {name!r}.")
        return [self._item(record) for record in doc.get("items", []) if isinstance(record, dict)]

    def load_working(self) -> list[PlaylistItem]:
        return self.load(WORKING) if self.exists(WORKING) else []

    def load_layers(self, name: str) -> list[StoredLayer]:
        """The layers saved with playlist ``name`` ("" the unsaved one); none for a playlist
        saved before layers existed. An entry that is not a layer is left out (logged)."""
        doc = self._find(name or WORKING)
        records = doc.get("layers") if doc is not None else None
        if not isinstance(records, list):
            return []
        layers: list[StoredLayer] = []
        for record in records:
            volume = record.get("volume") if isinstance(record, dict) else None
            if not isinstance(volume, int | float) or not 0.0 <= volume <= 1.0:
                log.warning("playlist %r: a layer entry left out: %r", name, record)
                continue
            layers.append(StoredLayer(self._item(record), float(volume), record.get("bed") is True))
        beds = [layer for layer in layers if layer.bed][:BEDS_MAX]
        return beds + [layer for layer in layers if not layer.bed][:LAYERS_MAX]

    def delete(self, name: str) -> None:
        doc = self._find(name)
        if doc is not None:
            self._store.remove(TABLE, doc.doc_id)

    # -- helpers ---------------------------------------------------------------------------
    def _put(
        self,
        name: str,
        items: list[PlaylistItem],
        migraine: bool | None = None,
        layers: Sequence[StoredLayer] | None = None,
    ) -> None:
        record: dict[str, Any] = {"name": name, "items": [item_to_record(i) for i in items]}
        if migraine is not None:
            record["migraine"] = migraine
        if layers is not None:
            record["layers"] = [layer_to_record(layer) for layer in layers]
        doc = self._find(name)
        if doc is None:
            self._store.insert(TABLE, record)
        else:
            self._store.update(TABLE, doc.doc_id, record)

    def _find(self, name: str) -> Any:
        for doc in self._store.all(TABLE):
            if doc.get("name") == name:
                return doc
        return None

    @staticmethod
    def _check_name(name: str) -> str:
        name = name.strip()
        if not name:
            raise PlaylistError("A playlist needs a name.")
        if len(name) > NAME_MAX_CHARS or name == WORKING:
            raise PlaylistError(f"Choose a shorter name (at most {NAME_MAX_CHARS} characters).")
        return name

    def _item(self, record: Mapping[str, Any]) -> PlaylistItem:
        title = title_of(record)
        duration_s = duration_of(record)
        soundscape = record.get("soundscape")
        if isinstance(soundscape, str):
            try:
                item = self._resolve(soundscape, duration_s) if self._resolve else None
            except AsmrError as exc:
                return PlaylistItem(title=title, failed=str(exc))
            if item is None:
                return PlaylistItem(title=title, failed=f"unknown soundscape {soundscape!r}")
            return item
        path = record.get("path")
        if not isinstance(path, str):
            return PlaylistItem(title=title, failed="no file")
        return PlaylistItem(title=title, path=Path(path), duration_s=duration_s)
