"""The master chain: migraine low-pass -> master gain -> true-peak limiter, ceiling in one place.

Peaks are read with scipy's 4x polyphase resampler (``helpers.true_peak_db``), not the
limiter's own interpolator.
"""

from __future__ import annotations

import numpy as np
import pytest

from asmr_desktop.analysis.loudness import integrated_lufs
from asmr_desktop.audio.chain import MasterChain, effective_ceiling_db
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


def _engine(path, lufs, **settings) -> Engine:
    engine = Engine(
        RATE, 2, EngineSettings(volume=1.0, **settings), loudness_lookup=lambda _p: lufs
    )
    engine.set_items([PlaylistItem.from_path(path)])
    return engine


def test_settings_changed_while_stopped_sound_exactly_as_if_built_with_them(tmp_path):
    path, lufs = _loud_file(tmp_path)
    built = _engine(path, lufs, ceiling_db=-20.0, migraine=True)
    changed = _engine(path, lufs)
    changed.set_ceiling_db(-20.0)
    changed.set_migraine(True)
    for engine in (built, changed):
        engine.play()
    for a, b in zip(_blocks(built, 3.0), _blocks(changed, 3.0), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_change_made_during_the_stop_fade_holds_from_the_next_play(tmp_path):
    path, lufs = _loud_file(tmp_path, seconds=12.0)
    engine = _engine(path, lufs)
    engine.play()
    _blocks(engine, 4.0)
    engine.stop()
    engine.set_ceiling_db(safety.CEILING_MIN_DB)  # 48 dB lower: longer than the fade to glide
    while engine.is_active():
        engine.render(round(0.2 * RATE))
    engine.play()
    peaks = [true_peak_db(b) for b in _blocks(engine, 4.0)]
    assert max(peaks) <= safety.CEILING_MIN_DB, f"first blocks peak at {peaks[:6]} dBTP"


@pytest.mark.parametrize(
    ("ceiling", "migraine", "expected"),
    [
        (-12.0, False, -12.0),
        (-12.0, True, -24.0),
        (0.0, False, safety.CEILING_MAX_DB),  # never above the bound
        (0.0, True, safety.CEILING_MAX_DB - safety.MIGRAINE_CEILING_DROP_DB),
        (-55.0, True, safety.CEILING_MIN_DB),  # never below the lowest ceiling
        (float("nan"), False, safety.CEILING_DEFAULT_DB),
    ],
)
def test_the_effective_ceiling_is_computed_in_one_place(ceiling, migraine, expected):
    assert effective_ceiling_db(ceiling, migraine) == expected
    chain = MasterChain(RATE, 2, ceiling_db=ceiling, migraine=migraine)
    assert chain.ceiling_db == expected


def test_the_first_sample_obeys_the_ceiling_the_chain_was_built_with():
    chain = MasterChain(RATE, 2, ceiling_db=-40.0, migraine=False)
    x = np.zeros((RATE // 10, 2))
    x[0] = 1.0  # full scale at the very first sample
    out = chain.process(x, master_gain=None, hold_release=False)
    assert out.dtype == np.float32
    assert true_peak_db(out) <= -40.0


def test_a_change_glides_while_sound_passes_and_settle_applies_it_at_once():
    chain = MasterChain(RATE, 2, ceiling_db=-12.0, migraine=False)
    loud = np.full((RATE // 10, 2), 0.9)
    chain.process(loud, master_gain=None, hold_release=False)
    chain.configure(ceiling_db=-40.0, migraine=False)
    assert chain.ceiling_db == -40.0 and not chain.settled
    gliding = chain.process(loud, master_gain=None, hold_release=False)
    assert true_peak_db(gliding[-10:]) > -40.0  # 0.1 s at 24 dB/s: not down yet, no jolt
    chain.settle()
    assert chain.settled
    assert true_peak_db(chain.process(loud, master_gain=None, hold_release=False)) <= -40.0


def test_the_master_gain_scales_after_the_low_pass():
    chain = MasterChain(RATE, 2, ceiling_db=-3.0, migraine=False)
    x = np.full((RATE // 10, 2), 0.01)
    plain = chain.process(x, master_gain=None, hold_release=False)
    chain.reset()
    halved = chain.process(x, master_gain=np.full(len(x), 0.5), hold_release=False)
    np.testing.assert_allclose(halved, plain * 0.5, rtol=1e-6)
