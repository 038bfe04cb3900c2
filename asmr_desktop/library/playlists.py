"""Named playlists and the working playlist, kept in the data store.

Items are files (a path) or generated soundscapes (a name and its settings); a resolver
passed in turns a soundscape entry back into a playable item, so this module needs to
know nothing about the generators.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from asmr_desktop.audio.decoder import FileSource
from asmr_desktop.audio.item import PlaylistItem
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
        source = FileSource(item.path)
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


class PlaylistStore:
    """Save, load, list and delete playlists by name."""

    def __init__(self, store: Store, resolve_soundscape: SoundscapeResolver | None = None) -> None:
        self._store = store
        self._resolve = resolve_soundscape

    def names(self) -> list[str]:
        return playlist_names(self._store)

    def exists(self, name: str) -> bool:
        return self._find(name) is not None

    def save(self, name: str, items: list[PlaylistItem], *, migraine: bool | None = None) -> None:
        """Save ``items`` under ``name``; ``migraine`` marks a playlist made for migraine
        mode (None keeps what the playlist had)."""
        name = self._check_name(name)
        self._put(name, items, migraine)

    def wants_migraine_mode(self, name: str) -> bool:
        doc = self._find(name)
        return doc is not None and doc.get("migraine") is True

    def save_working(self, items: list[PlaylistItem]) -> None:
        self._put(WORKING, items)

    def load(self, name: str) -> list[PlaylistItem]:
        doc = self._find(name)
        if doc is None:
            raise PlaylistError(f"There is no playlist called {name!r}.")
        return [self._item(record) for record in doc.get("items", []) if isinstance(record, dict)]

    def load_working(self) -> list[PlaylistItem]:
        return self.load(WORKING) if self.exists(WORKING) else []

    def delete(self, name: str) -> None:
        doc = self._find(name)
        if doc is not None:
            self._store.remove(TABLE, doc.doc_id)

    # -- helpers ---------------------------------------------------------------------------
    def _put(self, name: str, items: list[PlaylistItem], migraine: bool | None = None) -> None:
        record: dict[str, Any] = {"name": name, "items": [item_to_record(i) for i in items]}
        if migraine is not None:
            record["migraine"] = migraine
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
