"""Every built-in soundscape, rendered at its defaults and measured like a track.

The default run measures 30 s renders; the ``slow`` run (``make test``, CI) repeats the
same checks on 120 s renders, the length the generators' LEVEL_DB were calibrated on.
30 s is enough for a quick verdict because it spans the slowest modulation of every
generator at its defaults at least twice over: the longest are the ocean's waves (12 s,
+-20 %, so at most 14.4 s) and the rain's swell (segments of 5 to 20 s). The sudden-sound
check needs 3 s of context and the click check ~700 chunk boundaries, both well inside.
Measured for seeds 1-12: every 30 s render lies within 1 LU of the target (the tightest
is the ocean, -30.98 to -29.80 LUFS, as it starts from the trough of a wave).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from asmr_desktop.audio.source import Source
from asmr_desktop.core import safety
from asmr_desktop.soundscapes import NOMINAL_LUFS, SOUNDSCAPES, create
from asmr_desktop.soundscapes.base import CHUNK_FRAMES
from tests.unit.soundscapes.measure import Levels, measure

#: The render length of the default run, and of the ``slow`` run (see the module docstring).
RENDER_S = 30
LONG_RENDER_S = 120
RATE = 48000
NAMES = list(SOUNDSCAPES)
#: A drop in the 100 ms level well short of 15 dB: we want margin, not a near miss.
RISE_MARGIN_DB = 12.0
#: Largest sample-to-sample step allowed at -30 LUFS: -20 dBFS. The default ceiling is
#: -12 dBTP (0.25), so such a step is 40 % of the loudest sample the engine lets out,
#: taken in 21 microseconds: an audible click. The gentlest renders here step at most ~0.06.
MAX_JUMP = 0.1


def read_all(source: Source, seconds: float, block: int | list[int]) -> np.ndarray:
    sizes = [block] if isinstance(block, int) else block
    total = round(seconds * RATE)
    parts, got, i = [], 0, 0
    while got < total:
        part = source.read(min(sizes[i % len(sizes)], total - got))
        assert part.dtype == np.float32 and part.ndim == 2 and part.shape[1] == 2
        assert len(part) > 0, "an endless source ended"
        parts.append(part)
        got += len(part)
        i += 1
    return np.concatenate(parts)


class Renders:
    """Each soundscape at defaults, seed 1, read in 4096-frame blocks, rendered and measured
    on first use only: every test of one length shares one render per generator."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._samples: dict[str, np.ndarray] = {}
        self._levels: dict[str, Levels] = {}

    def samples(self, name: str) -> np.ndarray:
        if name not in self._samples:
            self._samples[name] = read_all(create(name, seed=1), self.seconds, 4096)
        return self._samples[name]

    def levels(self, name: str) -> Levels:
        """The render after the engine's normalisation gain (target minus declared loudness)."""
        if name not in self._levels:
            gain = 10 ** ((safety.LOUDNESS_TARGET_DEFAULT_LUFS - NOMINAL_LUFS) / 20)
            self._levels[name] = measure(self.samples(name) * gain)
        return self._levels[name]


@pytest.fixture(scope="module")
def render_cache() -> dict[float, Renders]:
    return {}


def _renders_of(cache: dict[float, Renders], seconds: float) -> Renders:
    return cache.setdefault(seconds, Renders(seconds))


@pytest.fixture
def renders(render_cache: dict[float, Renders]) -> Renders:
    """The default run's 30 s renders."""
    return _renders_of(render_cache, RENDER_S)


@pytest.fixture(
    params=[RENDER_S, pytest.param(LONG_RENDER_S, marks=pytest.mark.slow)],
    ids=lambda seconds: f"{seconds}s",
)
def any_length(request: pytest.FixtureRequest, render_cache: dict[float, Renders]) -> Renders:
    """The 30 s renders, and in the slow run the 120 s ones too."""
    return _renders_of(render_cache, request.param)


def test_at_least_nine_soundscapes_including_the_required_ones():
    required = {"rain", "brown", "pink", "ocean", "tapping", "brushing", "crinkle"}
    required |= {"whisper", "breathing"}
    assert required <= set(NAMES)
    assert len(NAMES) >= 9


@pytest.mark.parametrize("name", NAMES)
def test_is_an_endless_48k_stereo_source(name):
    source = create(name)
    assert isinstance(source, Source)
    assert (source.rate_hz, source.channels, source.duration_s) == (48000, 2, None)


@pytest.mark.parametrize("name", NAMES)
def test_loudness_after_normalisation_is_within_1_lu_of_target(name, any_length):
    assert any_length.levels(name).integrated_lufs == pytest.approx(
        safety.LOUDNESS_TARGET_DEFAULT_LUFS, abs=1.0
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_limiter_has_nothing_to_do_at_the_target(name, any_length):
    """Peaks stay under the default ceiling (0.5 dB kept for peaks between samples), so at
    -30 LUFS the limiter never squashes a soundscape: what was measured is what is heard."""
    assert any_length.levels(name).peak_db < safety.CEILING_DEFAULT_DB - 0.5


@pytest.mark.parametrize("name", NAMES)
def test_no_sudden_sounds(name, any_length):
    assert any_length.levels(name).sudden == ()
    assert any_length.levels(name).max_rise_db < RISE_MARGIN_DB


@pytest.mark.parametrize("name", NAMES)
def test_at_most_20_percent_of_energy_above_6khz(name, any_length):
    assert any_length.levels(name).bright_share <= safety.BRIGHT_SHARE


@pytest.mark.parametrize("name", NAMES)
def test_block_size_does_not_change_a_sample(name, renders):
    """512-frame and ragged reads give exactly the 4096-frame render: reads leave no mark."""
    small = read_all(create(name, seed=1), 10, 512)
    ragged = read_all(create(name, seed=1), 10, [1, 4095, 1000, 777, 8192, 3])
    reference = renders.samples(name)[: len(small)]
    np.testing.assert_array_equal(small, reference)
    np.testing.assert_array_equal(ragged, reference)


@pytest.mark.parametrize("name", NAMES)
def test_no_clicks_where_chunks_meet(name, any_length):
    """Filter state and ringing sounds carry across the generator's own chunk boundaries.

    A lost filter state or a cut-off sound makes a step at every boundary, so the mean step
    there would jump far above the mean step elsewhere (700 boundaries in 30 s, 2800 in
    120 s: the mean is known to a few per cent, 1.5x is generous). No boundary makes the
    largest step of all, and no step anywhere exceeds MAX_JUMP at the target loudness.
    """
    x = any_length.samples(name).astype(np.float64)
    jumps = np.abs(np.diff(x, axis=0)).max(axis=1)  # jumps[i] is from frame i to i + 1
    at_edges = np.zeros(len(jumps), dtype=bool)
    at_edges[CHUNK_FRAMES - 1 :: CHUNK_FRAMES] = True
    assert jumps[at_edges].mean() < 1.5 * jumps[~at_edges].mean()
    assert jumps[at_edges].max() <= jumps[~at_edges].max()
    assert jumps.max() < MAX_JUMP


@pytest.mark.parametrize("name", NAMES)
def test_other_seed_other_sound(name, renders):
    """(The same seed gives the same samples: the block-size test reads seed 1 afresh.)"""
    other = read_all(create(name, seed=2), 5, 4096).astype(np.float64)
    same = renders.samples(name)[: len(other)].astype(np.float64)
    # Skip the first half second (the shared fade-in) and compare like with like.
    a, b = same[RATE // 2 :], other[RATE // 2 :]
    assert not np.array_equal(a, b)
    correlation = float(np.corrcoef(a.ravel(), b.ravel())[0, 1])
    assert correlation < 0.5, "two seeds should not give nearly the same sound"


@pytest.mark.parametrize("name", NAMES)
def test_no_repeat_within_the_render(name, any_length):
    """No loop: the last second is not a copy of any earlier stretch (seeded streams)."""
    x = any_length.samples(name)[:, 0].astype(np.float64)
    probe = x[-RATE:]  # the last second
    for start in range(0, len(x) - 2 * RATE, RATE // 4):
        assert not np.allclose(x[start : start + RATE], probe, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("end", ["minimum", "maximum"])
def test_every_setting_at_its_bounds_stays_gentle(name, end):
    info = SOUNDSCAPES[name]
    settings = {spec.name: getattr(spec, end) for spec in info.settings}
    x = read_all(create(name, settings, seed=3), 20, 4096)
    assert np.isfinite(x).all()
    got = measure(x)
    assert got.sudden == ()
    assert got.bright_share <= safety.BRIGHT_SHARE
    # The declared loudness is exact at the defaults; at the ends of the ranges it may drift,
    # but never far: the engine would be a few dB off, never startlingly loud.
    assert abs(got.integrated_lufs - NOMINAL_LUFS) < 6.0


@pytest.mark.parametrize("name", NAMES)
def test_a_set_duration_ends_the_source_with_a_fade(name):
    source = create(name, seed=1, duration_s=1.5)
    assert source.duration_s == 1.5
    x = read_all(source, 1.5, 4096)
    assert len(x) == 72000
    assert source.read(4096).shape == (0, 2)
    assert np.abs(x[-1]).max() < 1e-3 and np.abs(x[0]).max() < 1e-3
    source.close()
    assert source.read(10).shape == (0, 2)


def test_measure_matches_analysis(renders):
    """The fast helper gives the analysis package's own numbers (30 s of rain and whisper)."""
    from asmr_desktop.analysis import measure_array

    for name in ("rain", "whisper"):
        x = renders.samples(name)[: 30 * RATE]
        ours, theirs = measure(x), measure_array(x, RATE)
        assert theirs.integrated_lufs is not None and theirs.bright_share is not None
        assert math.isclose(ours.integrated_lufs, theirs.integrated_lufs, abs_tol=0.05)
        assert math.isclose(ours.bright_share, theirs.bright_share, abs_tol=0.005)
        assert len(ours.sudden) == len(theirs.sudden_sounds)
