"""Streaming conversion of any source to the output's rate and channel count."""

from __future__ import annotations

import numpy as np
import soxr

from asmr_desktop.audio.channels import downmix
from asmr_desktop.audio.source import Block, Source


class ResampledSource:
    """Wraps a :class:`Source` so it delivers ``rate_hz`` and ``channels``, block by block.

    soxr keeps its filter state between blocks, so block edges leave no trace. When the
    inner source ends the resampler is flushed, so no tail is lost.
    """

    def __init__(self, inner: Source, rate_hz: int, channels: int) -> None:
        self.inner = inner
        self._rate_hz = rate_hz
        self._channels = channels
        self._stream: soxr.ResampleStream | None = None
        if inner.rate_hz != rate_hz:
            self._stream = soxr.ResampleStream(
                inner.rate_hz, rate_hz, inner.channels, dtype="float32", quality="HQ"
            )
        self._pending = np.zeros((0, channels), dtype=np.float32)
        self._ended = False

    @property
    def rate_hz(self) -> int:
        return self._rate_hz

    @property
    def channels(self) -> int:
        return self._channels

    @property
    def duration_s(self) -> float | None:
        return self.inner.duration_s

    def read(self, frames: int) -> Block:
        """Up to ``frames`` frames at the output rate; empty once the source is exhausted."""
        while len(self._pending) < frames and not self._ended:
            want = max(256, int(frames * self.inner.rate_hz / self._rate_hz) + 16)
            block = self.inner.read(want)
            last = len(block) == 0
            if self._stream is not None:
                block = self._stream.resample_chunk(
                    np.ascontiguousarray(block, dtype=np.float32), last=last
                )
            self._ended = last
            if len(block):
                self._pending = np.concatenate(
                    [self._pending, downmix(block.astype(np.float32, copy=False), self._channels)]
                )
        out, self._pending = self._pending[:frames], self._pending[frames:]
        return out

    def restart(self) -> None:
        """Forget buffered audio (after the inner source was moved by a seek)."""
        if self._stream is not None:
            self._stream.clear()
        self._pending = np.zeros((0, self._channels), dtype=np.float32)
        self._ended = False

    def close(self) -> None:
        self.inner.close()
