"""The ceiling holds for any input: the property the whole app's safety rests on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from asmr_desktop.audio import limiter as limiter_module
from asmr_desktop.audio.limiter import TruePeakLimiter, sliding_min
from asmr_desktop.core import safety
from asmr_desktop.dsp.oversample import true_peak
from tests.unit.audio.helpers import db, true_peak_db

RATE = 8000
TOL_DB = 1e-6


def _signal(kind: str, amp: float, freq: float, seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    if kind == "square":
        x = np.sign(np.sin(2 * np.pi * freq * t + 0.1))
    elif kind == "nyquist":  # +1 +1 -1 -1: the classic inter-sample peak (+3 dB)
        x = np.tile([1.0, 1.0, -1.0, -1.0], n // 4 + 1)[:n]
    elif kind == "impulses":
        x = np.zeros(n)
        x[rng.integers(0, n, size=5)] = rng.choice([-1.0, 1.0], size=5)
    elif kind == "noise":
        x = rng.standard_normal(n)
    else:  # "sine" near Nyquist, phased so its peaks fall between samples
        x = np.sin(2 * np.pi * (RATE / 4 - 1) * t + np.pi / 4)
    right = np.roll(x, 3) if kind != "nyquist" else -x
    return amp * np.stack([x, right], axis=1)


def _run(limiter: TruePeakLimiter, x: np.ndarray, block: int) -> np.ndarray:
    out = [limiter.process(x[i : i + block]) for i in range(0, len(x), block)]
    out.append(limiter.process(np.zeros((limiter.latency + 64, 2))))  # flush
    return np.concatenate(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["square", "nyquist", "impulses", "noise", "sine"]),
    amp_db=st.floats(-30.0, 24.0),
    freq=st.floats(20.0, RATE / 2 - 1),
    seed=st.integers(0, 2**16),
    ceiling_db=st.floats(-80.0, 12.0),
    block=st.integers(1, 700).map(lambda b: b if b > 40 else b + 40 * (b % 2)),
)
def test_true_peak_never_exceeds_the_ceiling(kind, amp_db, freq, seed, ceiling_db, block):
    x = _signal(kind, 10 ** (amp_db / 20), freq, seed, RATE // 4)
    limiter = TruePeakLimiter(RATE, 2, ceiling_db)
    y = _run(limiter, x, block)
    allowed = safety.clamp_ceiling_db(ceiling_db)
    assert limiter.ceiling_db == allowed
    assert true_peak_db(y) <= allowed + TOL_DB


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    levels_db=st.lists(st.floats(-60.0, 12.0), min_size=2, max_size=6),
    ceilings_db=st.lists(st.floats(-40.0, -3.0), min_size=1, max_size=3),
    seed=st.integers(0, 2**16),
    block=st.integers(50, 3000),
    hold=st.booleans(),
)
# A lowered ceiling meets peaks that were judged against the higher one just before.
@example(levels_db=[-18.0, 0.0], ceilings_db=[-4.0, -3.0], seed=0, block=50, hold=False)
def test_skipping_the_known_steps_gives_the_same_samples(levels_db, ceilings_db, seed, block, hold):
    """Quiet and loud stretches, ceilings lowered and raised, the release held or not."""
    rng = np.random.default_rng(seed)
    part = RATE // 4
    x = np.concatenate([rng.standard_normal((part, 2)) * 10 ** (db_ / 20) for db_ in levels_db])

    def run() -> np.ndarray:
        limiter = TruePeakLimiter(RATE, 2, ceilings_db[0])
        out = []
        for i, start in enumerate(range(0, len(x), block)):
            limiter.ceiling_db = ceilings_db[i % len(ceilings_db)]
            limiter.release_allowed = not (hold and i % 3 == 1)
            out.append(limiter.process(x[start : start + block]))
        return np.concatenate(out)

    fast = run()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limiter_module, "SKIP_KNOWN_STEPS", False)
        full = run()
    # The interpolation is float32: where it runs on other stretches, it may round otherwise.
    np.testing.assert_allclose(fast, full, rtol=1e-6, atol=1e-9)


def test_a_ceiling_above_the_bound_is_clamped_to_it():
    limiter = TruePeakLimiter(RATE, 2, 0.0)
    assert limiter.ceiling_db == safety.CEILING_MAX_DB
    y = _run(limiter, _signal("nyquist", 1.0, 0, 0, RATE), 256)
    assert true_peak_db(y) <= safety.CEILING_MAX_DB
    # ...and it really limits rather than muting: within 2 dB of the ceiling.
    assert true_peak_db(y) > safety.CEILING_MAX_DB - 2.0


def test_quiet_sound_passes_untouched_apart_from_the_delay():
    x = _signal("sine", 10 ** (-30 / 20), 0, 0, RATE)
    limiter = TruePeakLimiter(RATE, 2, -12.0)
    y = _run(limiter, x, 333)
    d = limiter.latency
    np.testing.assert_allclose(y[d : d + len(x)], x, atol=1e-12)


def test_gain_is_already_down_when_a_peak_arrives():
    # Quiet sine, then a single loud impulse: the sample of the impulse itself is limited
    # by gain, not by the hard clip, and the gain falls smoothly before it (look-ahead).
    x = _signal("sine", 0.01, 0, 0, RATE)
    x[4000] = [2.0, 2.0]
    limiter = TruePeakLimiter(RATE, 2, -12.0)
    y = _run(limiter, x, 512)
    d = limiter.latency
    target = 10 ** ((-12.0 - limiter_module.MARGIN_DB) / 20)
    assert abs(y[4000 + d, 0]) <= target * (1 + 1e-9)
    gain = y[d : d + len(x), 0] / np.where(x[:, 0] == 0, 1, x[:, 0])
    before = gain[4000 - 100 : 4000]
    assert before[0] > 0.99 and before[-1] < 0.2  # it came down ahead of the peak
    assert np.all(np.diff(before) <= 1e-9)  # and only down, smoothly


def test_recovery_after_a_peak_rises_no_faster_than_the_bound():
    n = RATE * 8
    x = np.full((n, 2), 0.05)
    x[RATE // 2] = [4.0, 4.0]  # a click 38 dB above the rest
    limiter = TruePeakLimiter(RATE, 2, -12.0)
    y = _run(limiter, x, 400)
    d = limiter.latency
    gain_db = db(y[d : d + n, 0] / x[:, 0])
    rise_per_s = np.diff(gain_db) * RATE
    assert rise_per_s.max() <= safety.MAX_GAIN_RISE_DB_PER_S + 1e-6
    assert gain_db.min() < -20  # it did limit
    assert gain_db[-1] > -1e-6  # and came all the way back


def test_the_hard_clip_holds_even_when_the_gain_stage_is_broken(monkeypatch):
    # A bug in the look-ahead (here: no widening at all, the gain ignores the peaks) must
    # still not let a sample past the ceiling.
    monkeypatch.setattr(
        limiter_module,
        "sliding_min",
        lambda values, window: np.ones(len(values) - window + 1) * -1e-30,
    )
    limiter = TruePeakLimiter(RATE, 2, -12.0)
    y = _run(limiter, _signal("noise", 4.0, 0, 1, RATE), 256)
    assert np.abs(y).max() <= 10 ** (-12.0 / 20)


def test_a_lowered_ceiling_glides_down_quickly_and_then_holds():
    x = _signal("noise", 1.0, 0, 2, RATE * 2)
    limiter = TruePeakLimiter(RATE, 2, -6.0)
    first = limiter.process(x[:4000])
    limiter.ceiling_db = -30.0
    second = np.concatenate([limiter.process(x[4000:]), limiter.process(np.zeros((500, 2)))])
    assert true_peak_db(first) <= -6.0
    assert np.abs(second).max() <= 10 ** (-6 / 20)  # never above the old ceiling meanwhile
    glide = round((30 - 6) / limiter_module.CEILING_GLIDE_DB_PER_S * RATE) + limiter.latency
    assert true_peak_db(second[glide:]) <= -30.0
    level = db(np.abs(second[:glide, 0]).clip(1e-9))
    assert level.max() > -10  # it did not drop at once: a quick fade, not a jolt


def test_nan_and_inf_input_come_out_as_silence_not_noise():
    x = np.full((1000, 2), np.nan)
    x[::3] = np.inf
    limiter = TruePeakLimiter(RATE, 2)
    y = _run(limiter, x, 100)
    assert np.all(np.isfinite(y)) and not np.any(y)


@pytest.mark.parametrize("window", [1, 2, 5, 64])
def test_sliding_min_matches_a_plain_loop(window):
    values = np.random.default_rng(window).standard_normal(300)
    expected = [values[i : i + window].min() for i in range(len(values) - window + 1)]
    np.testing.assert_array_equal(sliding_min(values, window), expected)


def test_own_true_peak_meter_agrees_with_scipy():
    x = _signal("nyquist", 0.5, 0, 0, 4000)
    assert 20 * np.log10(true_peak(x)) == pytest.approx(true_peak_db(x), abs=0.1)
    assert true_peak_db(x) > 20 * np.log10(0.5) + 2.5  # inter-sample peak is real
