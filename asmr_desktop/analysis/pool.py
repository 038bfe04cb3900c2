"""Analyses on every core: worker processes, one per core, for many files at once (issue 18).

Processes, not threads: the analysis is numpy work between many small Python steps, and
two threads of it ran no faster than one (the GIL). Workers are started with ``spawn``
(never ``fork``: the window's process runs Qt and audio threads), so a frozen bundle needs
``multiprocessing.freeze_support()`` first thing in its entry point (app.py's ``main``).

Starting a worker costs about 0.3-0.5 s here (a fresh Python importing numpy and
soundfile), as much as analysing two minutes of audio, so small jobs stay in the calling
process: :func:`worth_a_pool` decides by the files' sizes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Protocol

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.track import AnalysisCancelledError, TrackAnalysis, analyze_file
from asmr_desktop.core.errors import AsmrError

log = logging.getLogger(__name__)

#: Below this many bytes of files to analyse, one process does it: a worker's start costs
#: about as much as analysing 16 MB of WAV (90 s of 44.1 kHz stereo 16-bit).
POOL_MIN_BYTES = 16 * 1024 * 1024
#: What a file's row says when the process analysing it ended without an answer.
WORKER_DIED = "could not be analysed (the process analysing it stopped)"
#: A worker tells its progress, and looks whether it should stop, at most this often.
REPORT_INTERVAL_S = 0.1


def core_count() -> int:
    """The cores this process may run on (its affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def worth_a_pool(paths: Sequence[Path], workers: int, min_bytes: int = POOL_MIN_BYTES) -> bool:
    """True when worker processes pay off: more than one core and file, enough bytes."""
    if workers < 2 or len(paths) < 2:
        return False
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            continue  # the analysis names the problem
    return total >= min_bytes


def spawn_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started with ``spawn`` (see the module's docstring)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def spawn_manager() -> SyncManager:
    """A started manager process (its queues and events reach the workers), by ``spawn``."""
    return multiprocessing.get_context("spawn").Manager()


@dataclass(frozen=True)
class Outcome:
    """One file's result: its analysis, or the error in words, or that it was cancelled."""

    path: Path
    analysis: TrackAnalysis | None
    error: str | None
    cancelled: bool = False


def analyse_one(
    path: Path,
    cache_folder: Path | None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Outcome:
    """Analyse ``path`` (through the cache in ``cache_folder`` unless None), never raising:
    a bug in one file's analysis must not stop the rest."""
    try:
        if cache_folder is None:
            result = analyze_file(path, progress=progress, cancelled=cancelled)
        else:
            cache = AnalysisCache(cache_folder)
            result = cache.analyze(path, progress=progress, cancelled=cancelled)
    except AnalysisCancelledError:
        return Outcome(path, None, None, cancelled=True)
    except AsmrError as exc:
        return Outcome(path, None, str(exc))
    except Exception as exc:
        log.exception("analysing %s", path)
        return Outcome(path, None, f"could not be analysed ({exc})")
    return Outcome(path, result, None)


class _Every:
    """True from :meth:`due` at most once per ``interval_s`` (the first call is due)."""

    def __init__(self, interval_s: float) -> None:
        self._interval_s = interval_s
        self._last: float | None = None

    def due(self) -> bool:
        now = time.monotonic()
        if self._last is not None and now - self._last < self._interval_s:
            return False
        self._last = now
        return True


class Channel(Protocol):
    """The part of a ``multiprocessing.Manager().Queue()`` a worker uses."""

    def put(self, item: float) -> None: ...


class Flag(Protocol):
    """The part of a ``multiprocessing.Manager().Event()`` a worker uses."""

    def is_set(self) -> bool: ...


def analyse_in_worker(
    path: Path, cache_folder: Path | None, channel: Channel | None, stop: Flag | None
) -> Outcome:
    """:func:`analyse_one` in a worker process: progress fractions go to ``channel``, and
    ``stop`` is looked at, at most every :data:`REPORT_INTERVAL_S` (each is a round trip
    to the manager process)."""
    told, looked = _Every(REPORT_INTERVAL_S), _Every(REPORT_INTERVAL_S)
    stopped = False

    def progress(fraction: float) -> None:
        if channel is not None and (fraction >= 1.0 or told.due()):
            channel.put(fraction)

    def cancelled() -> bool:
        nonlocal stopped
        if stop is not None and not stopped and looked.due():
            stopped = stop.is_set()
        return stopped

    return analyse_one(path, cache_folder, progress, cancelled)


def analyse_all(
    paths: Sequence[Path],
    cache_folder: Path | None,
    *,
    workers: int | None = None,
    min_bytes: int = POOL_MIN_BYTES,
) -> Iterator[Outcome]:
    """Every file's :class:`Outcome`, in the order given, on up to ``workers`` cores (all of
    them by default) when :func:`worth_a_pool`, else one after another in this process."""
    count = core_count() if workers is None else workers
    if not worth_a_pool(paths, count, min_bytes):
        for path in paths:
            yield analyse_one(path, cache_folder)
        return
    executor: Executor = spawn_pool(min(count, len(paths)))
    with executor:
        futures = [
            executor.submit(analyse_in_worker, path, cache_folder, None, None) for path in paths
        ]
        for path, future in zip(paths, futures, strict=True):
            try:
                yield future.result()
            except BrokenProcessPool:  # a worker died (a crash in a decoder library)
                yield Outcome(path, None, WORKER_DIED)
