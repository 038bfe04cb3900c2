"""Generator-side helpers over dsp: a chain of designs as one filter, noise power, banks.

Designs come from :mod:`asmr_desktop.dsp.design`; every filter runs on dsp's one IIR engine.
A chain of designs becomes one system, run in one pass. Measured with
``bench/bench_soundscapes.py --seconds 30`` against one pass per filter (the old engine):
brown noise (one three-filter chain) 193x -> 360x real time, pink 220x -> 309x; no
soundscape got slower.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.dsp.iir import IirFilter, Sos, StateSpace, impulse_response, parallel, series

log = logging.getLogger(__name__)

Signal = NDArray[np.float64]
#: One filter: second-order sections, or a state-space system (a bank side by side).
Design = Sos | StateSpace

#: Length of the impulse response summed by :func:`noise_power` (seconds at 48 kHz).
_POWER_S = 2.0


def system(designs: Design | Sequence[Design]) -> StateSpace:
    """``designs`` in series (or one design) as one state-space system."""
    if isinstance(designs, StateSpace):
        return designs
    if isinstance(designs, np.ndarray):
        return StateSpace.from_sos(designs)
    return series([system(d) for d in designs])


class FilterChain(IirFilter):
    """Designs applied one after the other, as one filter with one state per channel."""

    def __init__(self, designs: Design | Sequence[Design], channels: int) -> None:
        super().__init__(system(designs), channels)


def make(designs: Design | Sequence[Design], channels: int) -> FilterChain:
    """A stateful filter from a design (or designs in series)."""
    return FilterChain(designs, channels)


def bank(designs: Sequence[Design], levels: Sequence[float]) -> StateSpace:
    """One filter equal to ``designs`` side by side, each scaled by its level, outputs summed."""
    return parallel([system(d).scaled(level) for d, level in zip(designs, levels, strict=True)])


def noise_power(designs: Design | Sequence[Design], rate_hz: int = 48000) -> float:
    """Mean square of unit white noise after ``designs`` in series (sum of the squared
    impulse response), so a generator can set one sound's level relative to another's."""
    response = impulse_response(system(designs), round(_POWER_S * rate_hz))
    return float(np.sum(response * response))
