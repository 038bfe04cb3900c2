"""The real speaker path, captured: pygame with SDL's disk driver writes what a speaker gets.

The window is built with a real :class:`PygameOutput`; SDL's ``disk`` driver (in real time,
no ``SDL_DISKAUDIODELAY``) writes the mixed int16 samples to a file, which the tests read
back and measure with meters that are not the app's (scipy's polyphase 4x true peak).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asmr_desktop.app import OUTPUT_RATE_HZ
from asmr_desktop.audio.output import PygameOutput


def disk_speaker(monkeypatch: pytest.MonkeyPatch, capture: Path) -> PygameOutput:
    """A pygame output whose mixer, once opened, writes to ``capture`` instead of a device."""
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(capture))
    monkeypatch.delenv("SDL_DISKAUDIODELAY", raising=False)
    return PygameOutput(OUTPUT_RATE_HZ, 2)


def frames_so_far(capture: Path) -> int:
    """Frames the speaker has been given up to now (the driver writes in real time)."""
    return capture.stat().st_size // 4 if capture.exists() else 0


def captured(capture: Path) -> np.ndarray:
    """Everything the speaker got, as float (frames, 2) in -1..1."""
    raw = np.fromfile(capture, dtype=np.int16)
    return raw[: len(raw) // 2 * 2].reshape(-1, 2).astype(np.float64) / 32767.0


def sounding_parts(out: np.ndarray, pause_s: float = 0.5, rate_hz: int = 44100) -> list[np.ndarray]:
    """The stretches of sound in ``out``, split where it is silent for ``pause_s`` or more
    (a pause, a stop). Shorter all-zero runs of more than 32 frames are dropped: the silence
    the driver writes when a block comes late on a busy machine, no part of the app's
    output."""
    silent = ~np.any(out != 0, axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], silent.astype(np.int8), [0]])))
    keep = np.ones(len(out), dtype=bool)
    cuts = [0]
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if end - start >= pause_s * rate_hz:
            cuts += [start, end]
        elif end - start > 32:
            keep[start:end] = False
    cuts.append(len(out))
    parts = [out[a:b][keep[a:b]] for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
    return [part for part in parts if len(part)]
