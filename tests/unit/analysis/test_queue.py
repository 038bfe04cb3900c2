"""The background analysis queue: results reported, cache reused, bad files named."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import soundfile as sf

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.queue import AnalysisQueue, Progress
from asmr_desktop.analysis.track import TrackAnalysis


def noise(path: Path, seconds: float) -> Path:
    rng = np.random.default_rng(3)
    x = 0.05 * rng.standard_normal((int(seconds * 44100), 2))
    sf.write(path, x, 44100)
    return path


def test_results_cache_and_errors(tmp_path: Path) -> None:
    good = noise(tmp_path / "rain.wav", 3.0)
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF nonsense")
    results: dict[Path, tuple[TrackAnalysis | None, str | None]] = {}
    progress: list[Progress] = []
    lock = threading.Lock()

    def finished(path: Path, analysis: TrackAnalysis | None, error: str | None) -> None:
        with lock:
            results[path] = (analysis, error)

    queue = AnalysisQueue(AnalysisCache(tmp_path / "cache"), finished, progress.append)
    try:
        queue.add([good, bad])
        assert queue.wait_idle(60)
        analysis, error = results[good]
        assert error is None and analysis is not None
        assert analysis.integrated_lufs is not None
        assert results[bad][0] is None
        assert "bad.wav" in (results[bad][1] or "")
        assert progress and all(0.0 <= p.fraction <= 1.0 for p in progress)
        assert queue.cache.measured_loudness(good) == analysis.integrated_lufs
    finally:
        queue.close()


def test_prioritise_moves_a_track_to_the_front(tmp_path: Path) -> None:
    files = [noise(tmp_path / f"t{i}.wav", 2.0) for i in range(4)]
    order: list[Path] = []
    gate = threading.Event()

    def finished(path: Path, analysis: TrackAnalysis | None, error: str | None) -> None:
        gate.wait(10)
        order.append(path)

    queue = AnalysisQueue(AnalysisCache(tmp_path / "cache"), finished)
    try:
        queue.add(files)
        queue.prioritise(files[3])
        gate.set()
        assert queue.wait_idle(60)
    finally:
        queue.close()
    assert order.index(files[3]) <= 1, "the prioritised track runs next (one may be underway)"
