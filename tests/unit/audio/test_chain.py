"""The master chain: migraine low-pass -> master gain -> true-peak limiter, ceiling in one place.

Peaks are read with scipy's 4x polyphase resampler (``helpers.true_peak_db``), not the
limiter's own interpolator.
"""

from __future__ import annotations

import numpy as np

from asmr_desktop.analysis.loudness import integrated_lufs
from asmr_desktop.audio.engine import Engine, EngineSettings
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core import safety
from tests.unit.audio.helpers import ArraySource, true_peak_db, write

RATE = 44100


def _loud_file(tmp_path, seconds: float = 4.0):
    """Quiet noise with full-scale clicks: peaks far above the loudness, as in real recordings."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((round(seconds * RATE), 2)) * 0.003
    x[:: RATE // 8] = 0.99  # eight clicks a second
    path = write(tmp_path / "loud.wav", x, RATE)
    return path, integrated_lufs(ArraySource(x, RATE))


def _blocks(engine: Engine, seconds: float, block_s: float = 0.2) -> list[np.ndarray]:
    block = round(block_s * RATE)
    return [engine.render(block) for _ in range(round(seconds / block_s))]


def test_a_ceiling_and_migraine_mode_set_while_stopped_hold_from_the_first_block(tmp_path):
    path, lufs = _loud_file(tmp_path)
    engine = Engine(RATE, 2, EngineSettings(volume=1.0), loudness_lookup=lambda _p: lufs)
    assert engine.effective_ceiling_db == safety.CEILING_DEFAULT_DB
    engine.set_ceiling_db(-30.0)
    engine.set_migraine(True)
    engine.set_items([PlaylistItem.from_path(path)])
    engine.play()
    blocks = _blocks(engine, 4.0)
    limit = -30.0 - safety.MIGRAINE_CEILING_DROP_DB
    peaks = [true_peak_db(b) for b in blocks]
    assert max(peaks) <= limit, f"first blocks peak at {peaks[:6]} dBTP, ceiling {limit}"
    assert peaks[-1] > limit - 3.0  # limited to the ceiling, not silenced


def test_a_lower_ceiling_set_while_paused_holds_from_the_first_block_after_resume(tmp_path):
    path, lufs = _loud_file(tmp_path, seconds=12.0)
    engine = Engine(RATE, 2, EngineSettings(volume=1.0), loudness_lookup=lambda _p: lufs)
    engine.set_items([PlaylistItem.from_path(path)])
    engine.play()
    _blocks(engine, 4.0)
    engine.pause()
    _blocks(engine, 2.0)
    assert not engine.is_active()
    engine.set_ceiling_db(-30.0)
    engine.set_migraine(True)
    engine.resume()
    peaks = [true_peak_db(b) for b in _blocks(engine, 4.0)]
    limit = -30.0 - safety.MIGRAINE_CEILING_DROP_DB
    assert max(peaks) <= limit, f"first blocks peak at {peaks[:6]} dBTP, ceiling {limit}"
