"""``asmr-desktop soundscapes [--json]``: the built-in generators, their settings and playlists."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from asmr_desktop.library.builtin import builtin_playlists
from asmr_desktop.soundscapes.base import NOMINAL_LUFS
from asmr_desktop.soundscapes.registry import SOUNDSCAPES, SoundscapeInfo


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "soundscapes",
        help="list the built-in generated soundscapes and their settings",
        description="List the built-in soundscapes: endless, generated, gentle by measurement. "
        "Render one with: asmr-desktop render NAME[?SETTING=VALUE&seed=N] -o OUT.wav --seconds N",
    )
    parser.add_argument("--json", action="store_true", help="print everything as JSON")
    parser.set_defaults(func=run)


def as_dict(info: SoundscapeInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "title": info.title,
        "description": info.description,
        "loudness_lufs": NOMINAL_LUFS,
        "settings": [
            {
                "name": spec.name,
                "label": spec.label,
                "default": spec.default,
                "min": spec.minimum,
                "max": spec.maximum,
                "unit": spec.unit,
            }
            for spec in info.settings
        ],
    }


def listing() -> str:
    """The human-readable table: name, description, then each setting with its bounds."""
    lines = []
    for info in SOUNDSCAPES.values():
        lines.append(f"{info.name:<10} {info.title}: {info.description}")
        for spec in info.settings:
            lines.append(
                f"{'':<10}   {spec.name}={spec.default:g}  "
                f"({spec.label}, {spec.minimum:g} to {spec.maximum:g} {spec.unit})"
            )
    lines.append("")
    lines.append("Ready playlists (render by id):")
    for playlist in builtin_playlists():
        steps = ", ".join(
            f"{entry['soundscape']} "
            + (f"{entry['duration_s'] / 60:g} min" if entry["duration_s"] else "until the timer")
            for entry in playlist["items"]
        )
        lines.append(f"  {playlist['id']:<16} {playlist['name']}: {steps}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.json:
        payload = {
            "soundscapes": [as_dict(info) for info in SOUNDSCAPES.values()],
            "playlists": builtin_playlists(),
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        sys.stdout.write(listing())
    return 0
