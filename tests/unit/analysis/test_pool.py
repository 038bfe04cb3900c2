"""Analyses on every core: worker processes give the same results, in order, errors named."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import soundfile as sf

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.pool import analyse_all, analyse_one, core_count, worth_a_pool
from asmr_desktop.analysis.queue import AnalysisQueue, Progress
from asmr_desktop.analysis.track import TrackAnalysis


def noise(path: Path, seconds: float, level: float = 0.05, seed: int = 3) -> Path:
    rng = np.random.default_rng(seed)
    sf.write(path, level * rng.standard_normal((int(seconds * 44100), 2)), 44100)
    return path


def test_core_count_is_positive() -> None:
    assert core_count() >= 1


def test_worth_a_pool_needs_cores_files_and_bytes(tmp_path: Path) -> None:
    a, b = noise(tmp_path / "a.wav", 1.0), noise(tmp_path / "b.wav", 1.0)
    assert worth_a_pool([a, b], 2, min_bytes=0)
    assert not worth_a_pool([a, b], 1, min_bytes=0), "one core: no processes"
    assert not worth_a_pool([a], 4, min_bytes=0), "one file: no processes"
    assert not worth_a_pool([a, b], 2), "two seconds of audio: not worth a process start"
    assert not worth_a_pool([a, tmp_path / "missing.wav"], 2, min_bytes=a.stat().st_size + 1)


def test_processes_give_the_same_results_in_order(tmp_path: Path) -> None:
    files = [noise(tmp_path / f"t{i}.wav", 2.0, 0.02 * (i + 1), seed=i) for i in range(3)]
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF nonsense")
    paths = [files[0], bad, files[1], files[2]]
    here = [analyse_one(p, None) for p in paths]
    there = list(analyse_all(paths, tmp_path / "cache", workers=2, min_bytes=0))
    assert [o.path for o in there] == paths
    for mine, theirs in zip(here, there, strict=True):
        assert (mine.analysis is None) == (theirs.analysis is None)
        if mine.analysis is not None:
            assert theirs.analysis == mine.analysis
    assert there[1].error is not None and "bad.wav" in there[1].error
    # The workers filled the cache the window reads.
    assert AnalysisCache(tmp_path / "cache").get(files[2]) == here[3].analysis


def test_queue_runs_a_folder_in_worker_processes(tmp_path: Path) -> None:
    files = [noise(tmp_path / f"t{i}.wav", 3.0, seed=i) for i in range(4)]
    results: dict[Path, TrackAnalysis | None] = {}
    progress: list[Progress] = []
    used_processes: list[bool] = []
    lock = threading.Lock()
    queue: AnalysisQueue

    def finished(path: Path, analysis: TrackAnalysis | None, error: str | None) -> None:
        with lock:
            assert error is None
            results[path] = analysis
            used_processes.append(queue.uses_processes)

    queue = AnalysisQueue(
        AnalysisCache(tmp_path / "cache"), finished, progress.append, workers=2, pool_min_bytes=0
    )
    try:
        queue.add(files)
        assert queue.wait_idle(120)
    finally:
        queue.close()
    assert set(results) == set(files)
    assert any(used_processes), "the folder went to worker processes"
    assert not queue.uses_processes, "idle: the processes are gone"
    for path in files:
        assert results[path] == analyse_one(path, None).analysis
    assert progress and all(0.0 <= p.fraction <= 1.0 for p in progress)
    assert max(p.current for p in progress) > 0.0, "the workers' progress reached the queue"


def test_closing_the_queue_stops_the_workers(tmp_path: Path) -> None:
    # Two long files, one per worker: both are underway when the queue closes.
    files = [noise(tmp_path / f"t{i}.wav", 240.0, seed=i) for i in range(2)]
    reported: list[Path] = []
    started = threading.Event()

    def progressed(state: Progress) -> None:
        if state.current > 0.0:
            started.set()

    queue = AnalysisQueue(
        AnalysisCache(tmp_path / "cache"),
        lambda path, *_: reported.append(path),
        progressed,
        workers=2,
        pool_min_bytes=0,
    )
    queue.add(files)
    assert started.wait(60)
    queue.close()
    assert not queue.uses_processes
    assert reported == [], "the files underway were cancelled, not finished"
    assert not any((tmp_path / "cache").glob("*.json"))
