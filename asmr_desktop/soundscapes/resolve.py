"""Soundscape names as playable things: for ``render``, M3U-free playlists and the UI.

A spec is a name with optional settings and seed: ``rain``, ``rain?density=80&tone_hz=2000``,
``ocean?pace=3&seed=7``. A built-in playlist's id (``before-sleep``) stands for its items.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from asmr_desktop.audio.playlist import PlaylistItem
from asmr_desktop.audio.source import Source
from asmr_desktop.soundscapes.base import NOMINAL_LUFS, SoundscapeError
from asmr_desktop.soundscapes.playlists import builtin_playlists
from asmr_desktop.soundscapes.registry import SOUNDSCAPES, create, info


def parse_spec(spec: str) -> tuple[str, dict[str, float], int] | None:
    """(name, settings, seed) of a spec, or None when it names no built-in soundscape."""
    name, _, query = spec.strip().partition("?")
    name = name.strip().lower()
    if name not in SOUNDSCAPES:
        return None
    settings: dict[str, float] = {}
    seed = 0
    for key, value in parse_qsl(query, keep_blank_values=True):
        try:
            number = float(value)
        except ValueError:
            raise SoundscapeError(f"{spec}: {key} must be a number, not {value!r}") from None
        if key == "seed":
            if not math.isfinite(number):
                raise SoundscapeError(f"{spec}: the seed must be a whole number")
            seed = int(number)
        else:
            settings[key] = number
    info(name)  # settings are checked when the source is made; the name is known here
    return name, settings, seed


def resolve_soundscape(spec: str, duration_s: float | None = None) -> Source | None:
    """A source for a soundscape spec, or None if ``spec`` is not one."""
    parsed = parse_spec(spec)
    if parsed is None:
        return None
    name, settings, seed = parsed
    return create(name, settings, seed, duration_s)


def item(
    name: str,
    settings: Mapping[str, float] | None = None,
    seed: int = 0,
    duration_s: float | None = None,
) -> PlaylistItem:
    """A playlist item that starts a fresh generator each time it is played."""
    found = info(name)
    create(name, settings, seed, duration_s).close()  # bad settings fail now, not mid-play
    given = dict(settings or {})
    return PlaylistItem(
        title=found.title,
        factory=lambda: create(name, given, seed, duration_s),
        duration_s=duration_s,
        loudness_lufs=NOMINAL_LUFS,
    )


def playlist_items(playlist: Mapping[str, Any], seed: int = 0) -> list[PlaylistItem]:
    """The items of a built-in playlist (as returned by ``builtin_playlists``)."""
    return [
        item(entry["soundscape"], entry.get("settings") or {}, seed + index, entry["duration_s"])
        for index, entry in enumerate(playlist["items"])
    ]


def resolve_source(source: str) -> list[PlaylistItem] | None:
    """The ``render`` command's hook: a soundscape spec or a built-in playlist id, else None."""
    parsed = parse_spec(source)
    if parsed is not None:
        name, settings, seed = parsed
        return [item(name, settings, seed)]
    for playlist in builtin_playlists():
        if source.strip().lower() == playlist["id"]:
            return playlist_items(playlist)
    return None
