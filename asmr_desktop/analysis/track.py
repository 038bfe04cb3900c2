"""Analyse one audio file: stream it through a :class:`Meter`, judge it, report progress.

Files are read in blocks (never whole) through the audio engine's streaming decoder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asmr_desktop.analysis.meter import Measurement, Meter
from asmr_desktop.analysis.sudden import SuddenSound
from asmr_desktop.analysis.verdict import Verdict, judge
from asmr_desktop.audio.decoder import open_audio
from asmr_desktop.audio.source import Block, Source
from asmr_desktop.core.errors import AsmrError, DecodeError

log = logging.getLogger(__name__)

#: Frames per block read from the file: about 1.5 s at 44.1 kHz, 0.5 MB of stereo float32.
BLOCK_FRAMES = 65536

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class AnalysisCancelledError(AsmrError):
    """The analysis was stopped on request before it finished."""


@dataclass(frozen=True)
class TrackAnalysis:
    """A track's measurement and verdict, as the playlist, the player and the CLI use it."""

    path: str
    measurement: Measurement
    verdict: Verdict
    concerns: tuple[Verdict, ...]
    explanation: str

    @property
    def integrated_lufs(self) -> float | None:
        return self.measurement.integrated_lufs

    @property
    def true_peak_dbtp(self) -> float | None:
        return self.measurement.true_peak_dbtp

    @classmethod
    def of(cls, path: Path | str, measurement: Measurement) -> TrackAnalysis:
        verdict, found, explanation = judge(measurement)
        return cls(str(path), measurement, verdict, found, explanation)

    def to_dict(self) -> dict[str, Any]:
        """All fields as JSON-ready values (flat; numbers that do not exist are null)."""
        m = self.measurement
        return {
            "path": self.path,
            "duration_s": m.duration_s,
            "rate_hz": m.rate_hz,
            "channels": m.channels,
            "integrated_lufs": m.integrated_lufs,
            "played_lufs": m.played_lufs,
            "loudness_range_lu": m.loudness_range_lu,
            "true_peak_dbtp": m.true_peak_dbtp,
            "bright_share": m.bright_share,
            "sudden_count": len(m.sudden_sounds),
            "sudden_sounds": [
                {"time_s": s.time_s, "rise_db": s.rise_db, "level_lufs": s.level_lufs}
                for s in m.sudden_sounds
            ],
            "verdict": self.verdict.value,
            "concerns": [c.value for c in self.concerns],
            "explanation": self.explanation,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackAnalysis:
        """Rebuild from :meth:`to_dict`; raises KeyError, TypeError or ValueError if malformed."""

        def number(key: str) -> float | None:
            value = data[key]
            if value is None:
                return None
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise TypeError(f"{key} is not a number")
            return float(value)

        measurement = Measurement(
            duration_s=float(data["duration_s"]),
            rate_hz=int(data["rate_hz"]),
            channels=int(data["channels"]),
            integrated_lufs=number("integrated_lufs"),
            played_lufs=number("played_lufs"),
            loudness_range_lu=number("loudness_range_lu"),
            true_peak_dbtp=number("true_peak_dbtp"),
            bright_share=number("bright_share"),
            sudden_sounds=tuple(
                SuddenSound(float(s["time_s"]), float(s["rise_db"]), float(s["level_lufs"]))
                for s in data["sudden_sounds"]
            ),
        )
        return cls.of(str(data["path"]), measurement)


def _open(path: Path) -> Source:
    """The audio engine's streaming decoder with every channel of the file: the meter takes
    BS.1770's loudness of them and, through the player's downmix, the loudness as played."""
    return open_audio(path, fold=False)


def _blocks(source: Source, block_frames: int = BLOCK_FRAMES) -> Iterator[Block]:
    """Float32 (frames, channels) blocks until the source ends."""
    while True:
        block = source.read(block_frames)
        if block.shape[0] == 0:
            return
        yield block


def analyze_file(
    path: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    block_frames: int = BLOCK_FRAMES,
) -> TrackAnalysis:
    """Measure and judge one file. Safe to run in a worker thread (it touches no shared state).

    ``progress`` gets the fraction done (0..1) after each block and 1.0 at the end;
    ``cancelled`` is polled before each block (e.g. ``threading.Event().is_set``) and stops
    the work with :class:`AnalysisCancelledError`. Unreadable files raise DecodeError.
    """
    path = Path(path).expanduser().absolute()
    source = _open(path)
    try:
        meter = Meter(source.rate_hz, source.channels)
        duration = source.duration_s
        total = round(duration * source.rate_hz) if duration else None
        for block in _blocks(source, block_frames):
            if cancelled is not None and cancelled():
                raise AnalysisCancelledError(f"Analysis of {path} was cancelled.")
            meter.feed(block)
            if progress is not None and total:
                progress(min(1.0, meter.frames / total))
    finally:
        source.close()
    if meter.frames == 0:
        raise DecodeError(f"{path}: the file holds no audio")
    if progress is not None and meter.frames != total:
        progress(1.0)  # the length was unknown, or the header was wrong
    result = TrackAnalysis.of(path, meter.result())
    log.debug("analysed %s: %s", path, result.explanation)
    return result


def file_identity(path: Path) -> tuple[str, int, int]:
    """(absolute path, size, mtime_ns): what a cached analysis is valid for."""
    absolute = path.expanduser().absolute()
    st = absolute.stat()
    return str(absolute), st.st_size, st.st_mtime_ns
