"""Levels that cannot startle (issue 15): unmeasured tracks, gapless handovers, migraine mode
switched off, mono and multichannel files. Measured on the engine's output with a BS.1770
meter written apart from the app's (tests/unit/audio/helpers.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from asmr_desktop.audio.engine import Engine, EngineSettings
from asmr_desktop.core import safety
from tests.unit.audio.helpers import array_item, reference_lufs, render, short_term_db

RATE = 48000
TARGET = safety.LOUDNESS_TARGET_DEFAULT_LUFS


def square(seconds: float, amp: float = 1.0, freq: float = 997.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    x = amp * np.sign(np.sin(2 * np.pi * freq * t))
    return np.stack([x, x], axis=1).astype(np.float32)


def noise(seconds: float, rms: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((round(seconds * RATE), 2)) * rms).astype(np.float32)


def engine_for(items, **settings) -> Engine:
    settings.setdefault("volume", 1.0)
    engine = Engine(RATE, 2, EngineSettings(**settings))
    engine.set_items(items)
    return engine


@pytest.mark.parametrize("crossfade_s", [4.0, 0.0])
def test_an_unmeasured_full_scale_square_never_plays_above_the_target(crossfade_s):
    """Issue 15, item 5: a track not yet measured is assumed as loud as any content can be."""
    quiet = array_item(noise(3.0, 0.01), RATE, title="quiet", loudness_lufs=None)
    quiet.loudness_lufs = reference_lufs(noise(3.0, 0.01))
    loud = array_item(square(12.0), RATE, title="square", loudness_lufs=None)
    engine = engine_for([quiet, loud], crossfade_s=crossfade_s)
    engine.play()
    out = render(engine, 14.0)
    after = out[round(4.0 * RATE) :]  # past the handover and any crossfade
    assert reference_lufs(after) <= TARGET
    assert short_term_db(out, 0.4).max() <= TARGET + 0.5
