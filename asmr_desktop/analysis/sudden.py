"""Sudden sounds: a short-term level that jumps well above what came just before it.

DESIGN.md: a 100 ms level 15 dB or more above the median of the preceding 3 s. Levels are
K-weighted (as loudness is) and computed every 10 ms, so an event's time is known to
within 10 ms. Flagged windows less than one window length apart belong to one event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety

#: Levels are computed on a grid of sub-blocks of this length (seconds).
SUB_BLOCK_S = 0.01
#: Before this much context exists (seconds), no window is judged: there is nothing to compare.
MIN_CONTEXT_S = 1.0
#: The context median never counts as quieter than this (LUFS, BS.1770's absolute gate): after
#: digital silence a sound must still reach -55 LUFS to count, so a soft whisper after a
#: pause is not "sudden".
CONTEXT_FLOOR_LUFS = -70.0
# Silence before a track's first sound above that floor is no context at all: many files
# start with a second or two of it, and their start is the player's fade-in, not a jolt.

_TINY = 1e-20  # mean square of digital silence, so its level is finite (-200 dB)


@dataclass(frozen=True)
class SuddenSound:
    """One sudden sound: when it starts (to 10 ms), how far it rose, how loud it got."""

    time_s: float
    rise_db: float
    level_lufs: float


@dataclass
class _Open:
    last_pos: int
    onset_sub: int
    rise_db: float
    level_lufs: float


class SuddenDetector:
    """Fed with the mean squares of consecutive sub-blocks (K-weighted, channels summed).

    Keeps only the last 3 s of levels, so an 8-hour file costs no more memory than a song.
    """

    def __init__(self, sub_block_s: float) -> None:
        self._sub_s = sub_block_s
        self._w = max(1, round(safety.SUDDEN_SHORT_WINDOW_S / sub_block_s))
        context = max(1, round(safety.SUDDEN_CONTEXT_S / safety.SUDDEN_SHORT_WINDOW_S))
        self._context = context
        self._min_context = max(1, round(MIN_CONTEXT_S / safety.SUDDEN_SHORT_WINDOW_S))
        self._span = context * self._w  # window positions looked back
        self._tail = np.zeros(0)  # sub-blocks from global index _next_pos on
        self._levels = np.full(self._span, np.nan)  # levels of the _span positions before _next_pos
        self._next_pos = 0  # global index of the next window position to judge
        self._started = False  # has any window risen above CONTEXT_FLOOR_LUFS yet?
        self._open: _Open | None = None
        self._events: list[SuddenSound] = []

    def feed(self, mean_squares: NDArray[np.float64]) -> None:
        w, span = self._w, self._span
        data = np.concatenate([self._tail, mean_squares])  # data[i] is sub-block _next_pos + i
        count = data.shape[0] - w + 1
        if count <= 0:
            self._tail = data
            return
        windows = np.lib.stride_tricks.sliding_window_view(data, w)
        levels = -0.691 + 10.0 * np.log10(np.maximum(windows.mean(axis=1), _TINY))
        context_levels = levels
        if not self._started:
            sounding = np.flatnonzero(levels > CONTEXT_FLOOR_LUFS)
            context_levels = levels.copy()
            context_levels[: sounding[0] if sounding.size else count] = np.nan
            self._started = bool(sounding.size)
        history = np.concatenate([self._levels, context_levels])  # history[span + k]: window k
        # Window k's context: windows k + span - w*j, j = 1..context, tiling the 3 s before it.
        looks = np.lib.stride_tricks.sliding_window_view(history, span - w + 1)[:count, ::w]
        valid = np.count_nonzero(~np.isnan(looks), axis=1)
        judged = valid >= self._min_context
        context = np.full(count, np.nan)
        if judged.any():
            rows = looks[judged]
            if valid.min() == self._context:
                median = np.median(rows, axis=1)
            else:  # the first 3 s of a file: part of the context does not exist yet
                median = np.nanmedian(rows, axis=1)
            context[judged] = np.maximum(median, CONTEXT_FLOOR_LUFS)
        rise = np.where(judged, levels - np.where(judged, context, 0.0), -np.inf)
        flagged = np.flatnonzero(rise >= safety.SUDDEN_RISE_DB)
        if flagged.size:
            # Onset: the first 10 ms of the window that is itself 15 dB above the context
            # (one exists, since the window's mean is). A knock's start, a step's edge.
            limit = 10.0 ** ((context[flagged] + safety.SUDDEN_RISE_DB + 0.691) / 10.0)
            onset = (windows[flagged] >= limit[:, None]).argmax(axis=1) + flagged
            for k, sub in zip(flagged.tolist(), onset.tolist(), strict=True):
                self._flag(
                    self._next_pos + k, self._next_pos + sub, float(rise[k]), float(levels[k])
                )
        self._next_pos += count
        self._levels = history[-span:]
        self._tail = data[count:]

    def _flag(self, pos: int, onset: int, rise_db: float, level: float) -> None:
        event = self._open
        if event is not None and pos - event.last_pos <= self._w:
            event.last_pos = pos
            event.rise_db = max(event.rise_db, rise_db)
            event.level_lufs = max(event.level_lufs, level)
            return
        self._close()
        self._open = _Open(pos, onset, rise_db, level)

    def _close(self) -> None:
        if self._open is not None:
            event = self._open
            self._events.append(
                SuddenSound(
                    time_s=round(event.onset_sub * self._sub_s, 3),
                    rise_db=round(event.rise_db, 1),
                    level_lufs=round(event.level_lufs, 1),
                )
            )
            self._open = None

    def finish(self) -> tuple[SuddenSound, ...]:
        """Close the last event; the sounds found, in time order."""
        self._close()
        return tuple(self._events)
