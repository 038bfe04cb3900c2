"""The playlists as the store holds them, read without the audio stack: names and rows.

The window paints its Play page (the playlist names and the rows of the playlist it will
load) before numpy, soundfile and the engine are imported (issue 18); turning a record into
a playable item (:mod:`asmr_desktop.library.playlists`) needs all of them. So the record
layout lives here, once, and both read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asmr_desktop.core.store import Store

TABLE = "playlists"
#: The playlist being edited, saved on every change so a restart finds it again.
WORKING = "__working__"


def title_of(record: Mapping[str, Any]) -> str:
    return str(record.get("title") or "untitled")


def duration_of(record: Mapping[str, Any]) -> float | None:
    duration = record.get("duration_s")
    return float(duration) if isinstance(duration, int | float) else None


def playlist_names(store: Store) -> list[str]:
    """The saved playlists' names, in the order the window lists them."""
    names = {doc.get("name") for doc in store.all(TABLE)}
    return sorted((n for n in names if isinstance(n, str) and n != WORKING), key=str.lower)


@dataclass(frozen=True)
class Row:
    """One entry of a stored playlist, as far as the record tells without opening it."""

    title: str
    duration_s: float | None
    #: A built-in soundscape (a generator): without a length it plays until stopped.
    soundscape: bool


@dataclass(frozen=True)
class Listing:
    """What the Play page shows before the engine exists: names, current playlist, rows."""

    names: tuple[str, ...] = ()
    #: The playlist the window will load ("" for the unsaved one).
    current: str = ""
    rows: tuple[Row, ...] = ()


def initial_listing(store: Store, last_playlist: str) -> Listing:
    """The playlist of the last run if it still exists, else the unsaved one (as the
    listening service loads it), with every saved playlist's name."""
    names = playlist_names(store)
    current = last_playlist if last_playlist in names else ""
    wanted = current or WORKING
    records: list[Any] = []
    for doc in store.all(TABLE):
        if doc.get("name") == wanted:
            records = doc.get("items") or []
            break
    rows = tuple(
        Row(title_of(r), duration_of(r), isinstance(r.get("soundscape"), str))
        for r in records
        if isinstance(r, dict)
    )
    return Listing(tuple(names), current, rows)
