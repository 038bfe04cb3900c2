"""Built-in soundscapes: endless, seeded, generated in numpy, gentle by measurement.

Each is a Source (48 kHz stereo float32, any block size, the same samples for the same seed)
calibrated to NOMINAL_LUFS at its default settings. No Qt here, and numpy only.
"""

from __future__ import annotations

from asmr_desktop.soundscapes.base import (
    CHANNELS,
    NOMINAL_LUFS,
    RATE_HZ,
    Generator,
    SettingSpec,
    SoundscapeError,
)
from asmr_desktop.soundscapes.playlists import builtin_playlists
from asmr_desktop.soundscapes.registry import SOUNDSCAPES, SoundscapeInfo, create, info, names
from asmr_desktop.soundscapes.resolve import (
    item,
    parse_spec,
    playlist_items,
    resolve_soundscape,
    resolve_source,
)

__all__ = [
    "CHANNELS",
    "NOMINAL_LUFS",
    "RATE_HZ",
    "SOUNDSCAPES",
    "Generator",
    "SettingSpec",
    "SoundscapeError",
    "SoundscapeInfo",
    "builtin_playlists",
    "create",
    "info",
    "item",
    "names",
    "parse_spec",
    "playlist_items",
    "resolve_soundscape",
    "resolve_source",
]
