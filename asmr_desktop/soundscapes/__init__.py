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
from asmr_desktop.soundscapes.registry import SOUNDSCAPES, SoundscapeInfo, create, info, names
from asmr_desktop.soundscapes.resolve import parse_spec, resolve_soundscape

__all__ = [
    "CHANNELS",
    "NOMINAL_LUFS",
    "RATE_HZ",
    "SOUNDSCAPES",
    "Generator",
    "SettingSpec",
    "SoundscapeError",
    "SoundscapeInfo",
    "create",
    "info",
    "names",
    "parse_spec",
    "resolve_soundscape",
]
