"""The two ready playlists a new user finds on first start, as plain data the UI can load.

Each item names a soundscape, its settings and how long it plays (None: until the sleep
timer ends, or for ever). ``volume_db`` makes a playlist quieter than the normal level;
``migraine`` asks for migraine mode (lower ceiling and the 4 kHz low-pass).
"""

from __future__ import annotations

from typing import Any

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
            "volume_db": 0.0,
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
            "volume_db": -6.0,
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
