"""Built-in soundscapes as playlist items, and the two ready playlists: one builder for all.

The window's first start, its saved playlists and ``asmr-desktop render`` all make their
items here, so a playlist rendered from the command line is the very one the window plays
(same settings, same seeds, and migraine mode when the playlist asks for it).

A ready playlist's ``migraine`` asks for migraine mode, which lowers both the loudness
target and the ceiling; there is no separate per-playlist volume.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.library.playlists import PlaylistStore
from asmr_desktop.soundscapes import NOMINAL_LUFS, create, info, parse_spec

#: Version of this data's layout, for the UI's store.
SCHEMA_VERSION = 1


def builtin_playlists() -> list[dict[str, Any]]:
    """Fresh copies (callers may change them) of the built-in playlists, JSON-ready."""
    return [
        {
            "id": "before-sleep",
            "name": "Before sleep",
            "description": "Slow breathing to settle, then soft rain, then brown noise "
            "until the sleep timer fades it out.",
            "schema": SCHEMA_VERSION,
            "migraine": False,
            "items": [
                {"soundscape": "breathing", "settings": {"pace": 6.0}, "duration_s": 300.0},
                {"soundscape": "rain", "settings": {"density": 120.0}, "duration_s": 1200.0},
                {"soundscape": "brown", "settings": {}, "duration_s": None},
            ],
        },
        {
            "id": "during-migraine",
            "name": "During a migraine",
            "description": "Low and slow: dark, quiet and even, with no taps or crinkles.",
            "schema": SCHEMA_VERSION,
            "migraine": True,
            "items": [
                {
                    "soundscape": "breathing",
                    "settings": {"pace": 5.0, "inhale_pct": 40.0},
                    "duration_s": 300.0,
                },
                {
                    "soundscape": "ocean",
                    "settings": {"pace": 3.0, "tone_hz": 600.0},
                    "duration_s": 1200.0,
                },
                {"soundscape": "brown", "settings": {"tone_hz": 300.0}, "duration_s": None},
            ],
        },
    ]


def spec_of(name: str, settings: Mapping[str, float], seed: int) -> str:
    query = urlencode({**{k: f"{v:g}" for k, v in settings.items()}, "seed": seed})
    return f"{name}?{query}"


def soundscape_item(
    name: str,
    settings: Mapping[str, float] | None = None,
    seed: int = 0,
    duration_s: float | None = None,
) -> PlaylistItem:
    """A soundscape item that starts a fresh generator each time it is played and remembers
    its spec, so saving it loses nothing. Bad settings fail here, not mid-play."""
    found = info(name)
    given = dict(settings or {})
    create(name, given, seed, duration_s).close()
    return PlaylistItem(
        title=found.title,
        factory=lambda: create(name, given, seed, duration_s),
        duration_s=duration_s,
        loudness_lufs=NOMINAL_LUFS,
        spec=spec_of(name, given, seed),
    )


def resolve(spec: str, duration_s: float | None) -> PlaylistItem | None:
    """The PlaylistStore's resolver: a saved spec back into a playable item."""
    parsed = parse_spec(spec)
    if parsed is None:
        return None
    name, settings, seed = parsed
    return soundscape_item(name, settings, seed, duration_s)


@dataclass(frozen=True)
class ReadyPlaylist:
    """A ready playlist as the window saves it and ``render`` plays it."""

    id: str
    name: str
    items: list[PlaylistItem]
    migraine: bool


def ready_playlist(playlist: Mapping[str, Any], index: int) -> ReadyPlaylist:
    """The items of the ``index``-th ready playlist, seeded the same way everywhere."""
    items = [
        soundscape_item(
            entry["soundscape"],
            entry.get("settings") or {},
            seed=index * 10 + position,
            duration_s=entry["duration_s"],
        )
        for position, entry in enumerate(playlist["items"])
    ]
    return ReadyPlaylist(
        id=playlist["id"], name=playlist["name"], items=items, migraine=bool(playlist["migraine"])
    )


def ready_playlists() -> list[ReadyPlaylist]:
    return [ready_playlist(p, index) for index, p in enumerate(builtin_playlists())]


def find_ready(source: str) -> ReadyPlaylist | None:
    """A ready playlist by its id (``during-migraine``) or name, else None."""
    wanted = source.strip().lower()
    for index, playlist in enumerate(builtin_playlists()):
        if wanted in (playlist["id"], playlist["name"].lower()):
            return ready_playlist(playlist, index)
    return None


def add_ready_playlists(playlists: PlaylistStore) -> list[str]:
    """Save 'Before sleep' and 'During a migraine' (first start); returns their names."""
    added = []
    for ready in ready_playlists():
        if playlists.exists(ready.name):
            continue
        playlists.save(ready.name, ready.items, migraine=ready.migraine)
        added.append(ready.name)
    return added
