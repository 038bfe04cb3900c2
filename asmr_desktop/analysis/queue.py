"""Analyse added tracks one after another on a background thread, the playing one first."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.track import AnalysisCancelledError, TrackAnalysis
from asmr_desktop.core.errors import AsmrError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """How far the queue is: tracks finished, tracks in all, and the current track's share."""

    done: int
    total: int
    current: float

    @property
    def fraction(self) -> float:
        return 1.0 if self.total == 0 else min(1.0, (self.done + self.current) / self.total)


#: (path, analysis or None, error message or None), on the worker thread.
Finished = Callable[[Path, TrackAnalysis | None, str | None], None]
Progressed = Callable[[Progress], None]


class AnalysisQueue:
    """A queue of files to analyse; results land in the cache and are reported by callback.

    Cached files are reported at once without work. ``close`` cancels the current file.
    """

    def __init__(
        self, cache: AnalysisCache, finished: Finished, progressed: Progressed | None = None
    ) -> None:
        self.cache = cache
        self._finished = finished
        self._progressed = progressed
        self._lock = threading.Condition()
        self._pending: list[Path] = []
        self._done = 0
        self._closed = False
        self._cancel_current = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="analysis", daemon=True)
        self._thread.start()

    def add(self, paths: list[Path]) -> None:
        with self._lock:
            for path in paths:
                if path not in self._pending:
                    self._pending.append(path)
            self._lock.notify()

    def prioritise(self, path: Path) -> None:
        """Analyse ``path`` next (the track that is about to play)."""
        with self._lock:
            if path in self._pending:
                self._pending.remove(path)
                self._pending.insert(0, path)

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def wait_idle(self, timeout_s: float) -> bool:
        """True once nothing is pending or running (tests, the CLI)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._pending and not self._busy, timeout_s)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._cancel_current = True
            self._pending.clear()
            self._lock.notify_all()
        self._thread.join(timeout=5.0)

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._pending or self._closed)
                if self._closed:
                    return
                path = self._pending.pop(0)
                self._busy = True
                self._cancel_current = False
                total = self._done + len(self._pending) + 1
            self._analyse(path, total)
            with self._lock:
                self._busy = False
                self._done += 1
                if not self._pending:
                    self._done = 0
                self._lock.notify_all()

    def _analyse(self, path: Path, total: int) -> None:
        def progress(fraction: float) -> None:
            if self._progressed is not None:
                self._progressed(Progress(self._done, total, fraction))

        try:
            result = self.cache.analyze(
                path, progress=progress, cancelled=lambda: self._cancel_current
            )
        except AnalysisCancelledError:
            return
        except AsmrError as exc:
            self._report(path, None, str(exc))
            return
        except Exception as exc:  # a bug in one file's analysis must not stop the rest
            log.exception("analysing %s", path)
            self._report(path, None, f"could not be analysed ({exc})")
            return
        self._report(path, result, None)

    def _report(self, path: Path, result: TrackAnalysis | None, error: str | None) -> None:
        try:
            self._finished(path, result, error)
        except Exception:
            log.exception("analysis listener failed")
