"""One thing the engine plays: a file or a generator, with what is known about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from asmr_desktop.audio.decoder import open_audio
from asmr_desktop.audio.source import Source
from asmr_desktop.core.errors import AudioError, DecodeError

SourceFactory = Callable[[], Source]


@dataclass
class PlaylistItem:
    """One thing to play: a file, or any factory of sources (a built-in soundscape).

    ``failed`` holds a one-line reason once the item could not be played; the engine sets it
    and skips the item. ``loudness_lufs`` may be given when known up front (generators).
    """

    title: str
    path: Path | None = None
    factory: SourceFactory | None = None
    duration_s: float | None = None
    loudness_lufs: float | None = None
    failed: str | None = None
    #: For a built-in soundscape: its spec ("rain?density=80&seed=3"), so it can be saved.
    spec: str | None = None

    @classmethod
    def from_path(cls, path: Path, title: str | None = None) -> PlaylistItem:
        return cls(title=title or Path(path).stem, path=Path(path))

    def open(self) -> Source:
        """A fresh source for this item; raises DecodeError naming the file on failure."""
        if self.factory is not None:
            try:
                return self.factory()
            except AudioError:
                raise
            except Exception as exc:  # a generator's bug must not stop the playlist
                raise DecodeError(f"{self.title}: cannot start ({exc})") from exc
        if self.path is None:
            raise DecodeError(f"{self.title}: nothing to play (no file and no generator)")
        return open_audio(self.path)
