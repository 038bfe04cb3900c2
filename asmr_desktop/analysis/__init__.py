"""Track analysis: BS.1770 loudness and loudness range, true peak, brightness, sudden sounds.

Headless (no Qt): the UI runs :meth:`AnalysisCache.analyze` in a worker thread with a
progress callback and a cancel check; the engine normalises with
:meth:`AnalysisCache.measured_loudness`; ``asmr-desktop analyze`` prints the same results.
"""

from __future__ import annotations

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.meter import Measurement, Meter, measure_array
from asmr_desktop.analysis.sudden import SuddenSound
from asmr_desktop.analysis.track import AnalysisCancelledError, TrackAnalysis, analyze_file
from asmr_desktop.analysis.verdict import Verdict

__all__ = [
    "AnalysisCache",
    "AnalysisCancelledError",
    "Measurement",
    "Meter",
    "SuddenSound",
    "TrackAnalysis",
    "Verdict",
    "analyze_file",
    "measure_array",
]
