"""Qt bridges: callbacks of the headless core, which run on its worker threads, become
signals, so their slots run on the Qt thread (a queued connection across threads)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.queue import AnalysisQueue
from asmr_desktop.audio.engine import EngineCallbacks


class EngineBridge(QObject):
    """Engine callbacks arrive on the render thread; signals carry them to the Qt thread."""

    state_changed = Signal(object)
    track_changed = Signal(object)
    position_changed = Signal(float, object)
    item_failed = Signal(int, str)
    sleep_timer_changed = Signal(object)
    stopped = Signal(object)  # StopReason
    item_skipped = Signal(int)
    failed = Signal(object)

    def callbacks(self) -> EngineCallbacks:
        return EngineCallbacks(
            state_changed=self.state_changed.emit,
            track_changed=self.track_changed.emit,
            position=self.position_changed.emit,
            item_failed=self.item_failed.emit,
            sleep_timer=self.sleep_timer_changed.emit,
            stopped=self.stopped.emit,
            item_skipped=self.item_skipped.emit,
            error=self.failed.emit,
        )


class AnalysisBridge(QObject):
    """Analysis results and progress, from the analysis thread to the Qt thread."""

    finished = Signal(object, object, object)  # path, TrackAnalysis | None, error | None
    progressed = Signal(object)  # analysis.queue.Progress

    def make_queue(self, cache: AnalysisCache) -> AnalysisQueue:
        return AnalysisQueue(cache, self.finished.emit, self.progressed.emit)
