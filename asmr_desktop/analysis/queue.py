"""Analyse added tracks in the background, the playing one first, on every core (issue 18).

One runner thread per core takes the next track; many or large files go to worker
processes (:mod:`asmr_desktop.analysis.pool`), a single small one is analysed right here.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Any

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.pool import (
    POOL_MIN_BYTES,
    WORKER_DIED,
    Outcome,
    analyse_in_worker,
    analyse_one,
    core_count,
    spawn_manager,
    spawn_pool,
    worth_a_pool,
)
from asmr_desktop.analysis.track import TrackAnalysis

log = logging.getLogger(__name__)

#: How often a runner waiting for a worker looks at its progress (seconds).
_POLL_S = 0.05


@dataclass(frozen=True)
class Progress:
    """How far the queue is: tracks finished, tracks in all, and the share done of the
    tracks underway (summed: with two underway, half of each is 1.0)."""

    done: int
    total: int
    current: float

    @property
    def fraction(self) -> float:
        return 1.0 if self.total == 0 else min(1.0, (self.done + self.current) / self.total)


#: (path, analysis or None, error message or None), on a runner thread.
Finished = Callable[[Path, TrackAnalysis | None, str | None], None]
Progressed = Callable[[Progress], None]


class _Workers:
    """The worker processes and the manager that carries their progress and the stop flag."""

    def __init__(self, count: int) -> None:
        self.manager: SyncManager = spawn_manager()
        self.stop: Any = self.manager.Event()
        self.pool: ProcessPoolExecutor = spawn_pool(count)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already broken: nothing left to stop
            self.stop.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.manager.shutdown()


class AnalysisQueue:
    """A queue of files to analyse; results land in the cache and are reported by callback.

    Cached files are reported at once without work. ``close`` cancels the files underway.
    ``workers``: how many files at once (the machine's cores by default); ``pool_min_bytes``:
    below this many bytes to do, no worker process is started (see :mod:`.pool`).
    """

    def __init__(
        self,
        cache: AnalysisCache,
        finished: Finished,
        progressed: Progressed | None = None,
        *,
        workers: int | None = None,
        pool_min_bytes: int = POOL_MIN_BYTES,
    ) -> None:
        self.cache = cache
        self._finished = finished
        self._progressed = progressed
        self._count = core_count() if workers is None else max(1, workers)
        self._min_bytes = pool_min_bytes
        self._lock = threading.Condition()
        self._pending: list[Path] = []
        self._done = 0
        self._busy = 0
        self._shares: dict[int, float] = {}  # runner -> share done of its track
        self._closed = False
        self._workers: _Workers | None = None
        self._starting = threading.Lock()  # one runner starts the processes, others wait
        self._threads = [
            threading.Thread(target=self._run, args=(i,), name=f"analysis-{i}", daemon=True)
            for i in range(self._count)
        ]
        for thread in self._threads:
            thread.start()

    def add(self, paths: list[Path]) -> None:
        with self._lock:
            for path in paths:
                if path not in self._pending:
                    self._pending.append(path)
            self._lock.notify_all()

    def prioritise(self, path: Path) -> None:
        """Analyse ``path`` next (the track that is about to play)."""
        with self._lock:
            if path in self._pending:
                self._pending.remove(path)
                self._pending.insert(0, path)

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    @property
    def uses_processes(self) -> bool:
        """Whether worker processes are running now (tests, benchmarks)."""
        with self._lock:
            return self._workers is not None

    def wait_idle(self, timeout_s: float) -> bool:
        """True once nothing is pending or running (tests, the CLI)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._pending and not self._busy, timeout_s)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._pending.clear()
            workers = self._workers
            if workers is not None:
                with contextlib.suppress(Exception):
                    workers.stop.set()
            self._lock.notify_all()
        for thread in self._threads:
            thread.join(timeout=5.0)
        with self._lock:
            workers, self._workers = self._workers, None
        if workers is not None:
            workers.close()

    def _run(self, runner: int) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._pending or self._closed)
                if self._closed:
                    return
                path = self._pending.pop(0)
                self._busy += 1
                self._shares[runner] = 0.0
                want = self._wants_workers(path)
            try:
                workers = self._start_workers() if want else None
                outcome = self._analyse(runner, path, workers)
            finally:
                with self._lock:
                    self._busy -= 1
                    self._done += 1
                    self._shares.pop(runner, None)
                    idle = not self._pending and not self._busy
                    stopping = self._workers if idle else None
                    if idle:
                        self._done = 0
                        self._workers = None
                    self._lock.notify_all()
            if stopping is not None:
                stopping.close()  # idle: the processes' memory goes back until more work
            if not outcome.cancelled:
                self._report(outcome)

    def _wants_workers(self, path: Path) -> bool:
        """Under the lock: whether ``path`` goes to worker processes (running, or worth
        starting); no for one core, a cached or a single small file."""
        if self._workers is not None:
            return True
        return (
            self._count > 1
            and self.cache.get(path) is None
            and worth_a_pool([path, *self._pending], self._count, self._min_bytes)
        )

    def _start_workers(self) -> _Workers | None:
        """The worker processes, started if they are not (outside the lock: it takes a
        moment, and the Qt thread must never wait on ``add``); None once closed."""
        with self._starting:
            with self._lock:
                if self._closed or self._workers is not None:
                    return self._workers
            workers = _Workers(self._count)
            with self._lock:
                kept = self._keep(workers)
            if not kept:
                workers.close()  # closed while they started
            return workers if kept else None

    def _keep(self, workers: _Workers) -> bool:
        """Under the lock: hold on to ``workers`` unless the queue closed meanwhile."""
        if self._closed:
            return False
        self._workers = workers
        return True

    def _progress(self, runner: int, fraction: float) -> None:
        if self._progressed is None:
            return
        with self._lock:
            self._shares[runner] = fraction
            total = self._done + len(self._pending) + self._busy
            state = Progress(self._done, total, sum(self._shares.values()))
        self._progressed(state)

    def _analyse(self, runner: int, path: Path, workers: _Workers | None) -> Outcome:
        def progress(fraction: float) -> None:
            self._progress(runner, fraction)

        if workers is None or self.cache.get(path) is not None:
            return analyse_one(path, self.cache.folder, progress, lambda: self._closed)
        channel: Any = workers.manager.Queue()
        try:
            future = workers.pool.submit(
                analyse_in_worker, path, self.cache.folder, channel, workers.stop
            )
        except RuntimeError:  # the pool shut down under us (close)
            return Outcome(path, None, None, cancelled=True)
        while True:
            try:
                progress(channel.get(timeout=_POLL_S))
            except queue.Empty:
                if future.done():
                    break
            except (OSError, EOFError):  # the manager went away (close)
                break
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died (a crash in a decoder library)
            return Outcome(path, None, WORKER_DIED)
        except Exception as exc:  # cancelled by close, or the result did not come back
            if self._closed:
                return Outcome(path, None, None, cancelled=True)
            log.exception("analysing %s in a worker", path)
            return Outcome(path, None, f"could not be analysed ({exc})")

    def _report(self, outcome: Outcome) -> None:
        try:
            self._finished(outcome.path, outcome.analysis, outcome.error)
        except Exception:
            log.exception("analysis listener failed")
