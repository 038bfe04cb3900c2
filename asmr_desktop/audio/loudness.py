"""Integrated loudness (ITU-R BS.1770-4, LUFS), measured while streaming a file.

The engine only needs a number per track for normalisation; :class:`LoudnessCache` gives
it that without blocking playback: unknown tracks are measured on a background thread and
the engine corrects its gain smoothly once the number arrives.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from pathlib import Path

import numpy as np

from asmr_desktop.audio.decoder import FileSource
from asmr_desktop.audio.lowpass import Biquad
from asmr_desktop.audio.source import Source
from asmr_desktop.errors import AudioError

log = logging.getLogger(__name__)

#: Files are judged by their first 5 minutes: calm recordings are even, a sleep file can
#: last hours, and the track plays conservatively quiet until the number is in.
MEASURE_MAX_S = 300.0
_BLOCK_S = 0.4
_HOP_S = 0.1
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
_OFFSET = -0.691


def k_weighting(rate_hz: int) -> list[tuple[tuple[float, float, float], tuple[float, float]]]:
    """The two K-weighting biquads of BS.1770 at any rate (libebur128's derivation)."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate_hz)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = (
        ((vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0),
        (2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0),
    )
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate_hz)
    a0 = 1.0 + k / q + k * k
    highpass = ((1.0, -2.0, 1.0), (2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0))
    return [shelf, highpass]


def integrated_lufs(source: Source, max_s: float = MEASURE_MAX_S) -> float | None:
    """Gated integrated loudness of a source (None when it is silent or too short)."""
    rate = source.rate_hz
    hop = max(1, round(_HOP_S * rate))
    filters = [Biquad(b, a, source.channels) for b, a in k_weighting(rate)]
    hop_energy: list[float] = []
    carry = np.zeros((0, source.channels))
    limit = round(max_s * rate)
    seen = 0
    while seen < limit:
        block = source.read(min(hop * 20, limit - seen))
        if len(block) == 0:
            break
        seen += len(block)
        y = block.astype(np.float64)
        for f in filters:
            y = f.process(y)
        y = np.concatenate([carry, y])
        whole = len(y) // hop * hop
        sums = (y[:whole] ** 2).reshape(-1, hop, y.shape[1]).sum(axis=(1, 2))
        hop_energy.extend(sums.tolist())
        carry = y[whole:]
    per_block = round(_BLOCK_S / _HOP_S)
    if len(hop_energy) < per_block:
        return None
    energy = np.asarray(hop_energy)
    csum = np.concatenate([[0.0], np.cumsum(energy)])
    blocks = (csum[per_block:] - csum[:-per_block]) / (per_block * hop)
    with np.errstate(divide="ignore"):
        levels = _OFFSET + 10.0 * np.log10(blocks)
    gated = blocks[levels > _ABSOLUTE_GATE_LUFS]
    if len(gated) == 0:
        return None
    relative = _OFFSET + 10.0 * math.log10(float(gated.mean())) + _RELATIVE_GATE_LU
    with np.errstate(divide="ignore"):
        kept = gated[_OFFSET + 10.0 * np.log10(gated) > relative]
    if len(kept) == 0:
        return None
    return _OFFSET + 10.0 * math.log10(float(kept.mean()))


def measure_file(path: Path, max_s: float = MEASURE_MAX_S) -> float | None:
    """Integrated loudness of a file; raises DecodeError naming it when unreadable."""
    source = FileSource(path)
    try:
        return integrated_lufs(source, max_s)
    finally:
        source.close()


class LoudnessCache:
    """A ``loudness_lookup`` for the engine: answers at once, measures in the background.

    ``__call__(path)`` returns the loudness when known, else None and queues the file for
    measurement on one daemon thread. Files that cannot be measured are remembered as None.
    """

    def __init__(self, known: dict[Path, float] | None = None) -> None:
        self._known: dict[Path, float | None] = dict(known or {})
        self._queued: set[Path] = set()
        self._lock = threading.Lock()
        self._queue: queue.Queue[Path] = queue.Queue()
        self._thread: threading.Thread | None = None

    def __call__(self, path: Path) -> float | None:
        with self._lock:
            if path in self._known:
                return self._known[path]
            if path not in self._queued:
                self._queued.add(path)
                self._queue.put(path)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._work, name="loudness", daemon=True)
                    self._thread.start()
        return None

    def measured(self) -> dict[Path, float | None]:
        """Everything measured so far (to keep in the data store)."""
        with self._lock:
            return dict(self._known)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until everything queued is measured (or the timeout passes); True if done."""
        if timeout_s is None:
            self._queue.join()
            return True
        deadline = time.monotonic() + timeout_s
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def _work(self) -> None:
        while True:
            path = self._queue.get()
            try:
                value = measure_file(path)
            except AudioError as exc:
                log.info("loudness unknown for %s: %s", path, exc)
                value = None
            except Exception:
                log.exception("measuring %s", path)
                value = None
            with self._lock:
                self._known[path] = value
            self._queue.task_done()
