"""Soundscape specs: a name with settings and a seed, parsed and turned into a source.

A spec is a name with optional settings and seed: ``rain``, ``rain?density=80&tone_hz=2000``,
``ocean?pace=3&seed=7``. Playlist items are made from specs in :mod:`asmr_desktop.library`.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qsl

from asmr_desktop.audio.source import Source
from asmr_desktop.soundscapes.base import SoundscapeError
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
