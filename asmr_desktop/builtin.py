"""Built-in soundscapes as playlist items that can be saved, and the ready-made playlists."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from asmr_desktop.audio.playlist import PlaylistItem
from asmr_desktop.playlists import PlaylistStore
from asmr_desktop.soundscapes import builtin_playlists, item, parse_spec


def spec_of(name: str, settings: Mapping[str, float], seed: int) -> str:
    query = urlencode({**{k: f"{v:g}" for k, v in settings.items()}, "seed": seed})
    return f"{name}?{query}"


def soundscape_item(
    name: str,
    settings: Mapping[str, float] | None = None,
    seed: int = 0,
    duration_s: float | None = None,
) -> PlaylistItem:
    """A soundscape playlist item that remembers its spec, so saving it loses nothing."""
    made = item(name, settings, seed, duration_s)
    made.spec = spec_of(name, settings or {}, seed)
    return made


def resolve(spec: str, duration_s: float | None) -> PlaylistItem | None:
    """The PlaylistStore's resolver: a saved spec back into a playable item."""
    parsed = parse_spec(spec)
    if parsed is None:
        return None
    name, settings, seed = parsed
    return soundscape_item(name, settings, seed, duration_s)


def add_ready_playlists(playlists: PlaylistStore) -> list[str]:
    """Save 'Before sleep' and 'During a migraine' (first start); returns their names."""
    added = []
    for index, playlist in enumerate(builtin_playlists()):
        if playlists.exists(playlist["name"]):
            continue
        items = [
            soundscape_item(
                entry["soundscape"],
                entry.get("settings") or {},
                seed=index * 10 + position,
                duration_s=entry["duration_s"],
            )
            for position, entry in enumerate(playlist["items"])
        ]
        playlists.save(playlist["name"], items, migraine=bool(playlist.get("migraine")))
        added.append(playlist["name"])
    return added
