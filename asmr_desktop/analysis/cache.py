"""Analyses kept on disk, keyed by file identity, so re-adding or restarting costs nothing.

One JSON file per track in a folder the caller passes in, named by a hash of the track's
absolute path. It holds the identity it is valid for (absolute path, size, mtime_ns): a
file that changed is simply analysed again. Writes are atomic and owner-only; a cache file
that cannot be read or parsed is ignored and rewritten, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from asmr_desktop.analysis.track import (
    Cancelled,
    Progress,
    TrackAnalysis,
    analyze_file,
    file_identity,
)
from asmr_desktop.core.fileio import atomic_write_bytes

log = logging.getLogger(__name__)

#: Raise when the file layout changes.
SCHEMA = 1
#: Raise when measurements change (a new filter, a new rule): old entries are then ignored.
ANALYZER_VERSION = 2  # 2: the loudness as played (issue 15)
DIR_MODE = 0o700


class AnalysisCache:
    """Cached :func:`analyze_file` results under ``folder``. No state besides the folder."""

    def __init__(self, folder: Path) -> None:
        self._folder = Path(folder)

    @property
    def folder(self) -> Path:
        return self._folder

    def entry_path(self, track: Path | str) -> Path:
        absolute = str(Path(track).expanduser().absolute())
        digest = hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()
        return self._folder / f"{digest[:40]}.json"

    def get(self, track: Path | str) -> TrackAnalysis | None:
        """The cached analysis if it matches the file as it is now; None otherwise."""
        try:
            identity = file_identity(Path(track))
        except OSError:
            return None
        entry = self.entry_path(track)
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.warning("ignoring unreadable analysis cache %s: %s", entry, exc)
            return None
        try:
            if (
                data["schema"] != SCHEMA
                or data["analyzer"] != ANALYZER_VERSION
                or [data["path"], data["size"], data["mtime_ns"]] != list(identity)
            ):
                return None
            return TrackAnalysis.from_dict(data["analysis"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("ignoring malformed analysis cache %s: %s", entry, exc)
            return None

    def put(self, analysis: TrackAnalysis, identity: tuple[str, int, int]) -> None:
        """Store ``analysis`` as valid for ``identity``; a failure to write is only logged."""
        path, size, mtime_ns = identity
        record: dict[str, Any] = {
            "schema": SCHEMA,
            "analyzer": ANALYZER_VERSION,
            "path": path,
            "size": size,
            "mtime_ns": mtime_ns,
            "analysis": analysis.to_dict(),
        }
        try:
            self._folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            atomic_write_bytes(self.entry_path(path), json.dumps(record, indent=1).encode("utf-8"))
        except OSError as exc:  # FileWriteError is one too
            log.warning("could not cache the analysis of %s in %s: %s", path, self._folder, exc)

    def analyze(
        self,
        track: Path | str,
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> TrackAnalysis:
        """The cached analysis, or a fresh one that is then cached."""
        cached = self.get(track)
        if cached is not None:
            if progress is not None:
                progress(1.0)
            return cached
        track = Path(track)
        try:
            before = file_identity(track)
        except OSError:
            before = None  # analyze_file reports the problem in words
        result = analyze_file(track, progress=progress, cancelled=cancelled)
        # A file that changed while it was read (still being copied) is not cached.
        if before is not None and before == file_identity(track):
            self.put(result, before)
        return result

    def measured_loudness(self, track: Path | str) -> float | None:
        """The loudness as played (LUFS) from the cache, for the engine's normalisation.

        None when the track was not analysed yet (or changed since), or is silent.
        """
        cached = self.get(track)
        return None if cached is None else cached.measurement.normalisation_lufs

    def measured_true_peak(self, track: Path | str) -> float | None:
        """True peak (dBTP) from the cache; None when unknown."""
        cached = self.get(track)
        return None if cached is None else cached.true_peak_dbtp

    def prune(self) -> int:
        """Delete entries whose track is gone or whose file cannot be read; returns how many."""
        removed = 0
        try:
            entries = sorted(self._folder.glob("*.json"))
        except OSError:
            return 0
        for entry in entries:
            try:
                track = Path(json.loads(entry.read_text(encoding="utf-8"))["path"])
                keep = track.exists()
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
                keep = False
            if not keep:
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed += 1
        return removed
