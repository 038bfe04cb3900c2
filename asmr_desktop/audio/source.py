"""What the engine plays: anything that hands out blocks of float samples on request."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

#: Blocks are float32, shape (frames, channels), nominally within [-1, 1].
Block = NDArray[np.float32]


@runtime_checkable
class Source(Protocol):
    """A stream of audio blocks at the source's own rate and channel count.

    ``read(n)`` returns at most ``n`` frames; an empty block means the source has ended.
    Endless sources (generated soundscapes) report ``duration_s`` as None.
    """

    @property
    def rate_hz(self) -> int: ...

    @property
    def channels(self) -> int: ...

    @property
    def duration_s(self) -> float | None: ...

    def read(self, frames: int) -> Block: ...

    def close(self) -> None: ...
