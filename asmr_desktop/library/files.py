"""Which of the paths a person picked or dropped are audio files (Qt-free, for "Add files")."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from asmr_desktop.audio.decoder import AUDIO_SUFFIXES

log = logging.getLogger(__name__)


def is_audio_name(path: Path) -> bool:
    """Whether ``path`` has the suffix of a format the decoder plays (any letter case)."""
    return path.suffix.lower() in AUDIO_SUFFIXES


def audio_files_in(paths: Iterable[Path]) -> list[Path]:
    """The audio files among ``paths``, in the order given; a folder adds the audio files
    below it (searched recursively) in case-insensitive name order.

    Other files (covers, notes) are left out. A path that does not exist is kept whatever
    its name, so the player shows it as failed and says why instead of dropping it without
    a word. A folder whose name merely ends in ``.wav`` is not a file and is not added.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                (p for p in path.rglob("*") if is_audio_name(p) and p.is_file()),
                key=lambda p: str(p).lower(),
            )
            log.debug("%d audio files in %s", len(inside), path)
            found.extend(inside)
        elif is_audio_name(path) or not path.exists():
            found.append(path)
    return found


def dialog_patterns() -> str:
    """The audio suffixes as a file dialog's name patterns: ``*.wav *.flac ...``."""
    return " ".join(f"*{suffix}" for suffix in AUDIO_SUFFIXES)
