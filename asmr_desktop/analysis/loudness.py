"""Integrated loudness (ITU-R BS.1770-4, LUFS) of a stream, for ``render`` and tests.

The app itself normalises with the track analysis's cache
(:meth:`asmr_desktop.analysis.AnalysisCache.measured_loudness`), filled in the background.
"""

from __future__ import annotations

import logging
from pathlib import Path

from asmr_desktop.analysis.meter import Measurement, Meter
from asmr_desktop.audio.decoder import open_audio
from asmr_desktop.audio.source import Source

log = logging.getLogger(__name__)

#: Files are judged by their first 5 minutes: calm recordings are even, a sleep file can
#: last hours, and the track plays conservatively quiet until the number is in.
MEASURE_MAX_S = 300.0
_READ_FRAMES = 65536


def integrated_lufs(source: Source, max_s: float = MEASURE_MAX_S) -> float | None:
    """Gated integrated loudness of a source (None when it is silent or too short).

    The track analysis's BS.1770 meter does the measuring: one implementation of the
    standard, checked against the EBU Tech 3341 signals in its tests.
    """
    return _measure(source, max_s).integrated_lufs


def _measure(source: Source, max_s: float) -> Measurement:
    meter = Meter(source.rate_hz, source.channels)
    limit = round(max_s * source.rate_hz)
    while meter.frames < limit:
        block = source.read(min(_READ_FRAMES, limit - meter.frames))
        if len(block) == 0:
            break
        meter.feed(block)
    return meter.result()


def measure_file(path: Path, max_s: float = MEASURE_MAX_S) -> float | None:
    """The loudness of a file as the player plays it (what normalisation needs: a mono file
    on two speakers); raises DecodeError naming it when unreadable."""
    source = open_audio(path, fold=False)
    try:
        return _measure(source, max_s).normalisation_lufs
    finally:
        source.close()
