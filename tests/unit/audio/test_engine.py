"""The playlist engine: fades, transport, crossfades, sleep timer, failures, migraine mode.

Levels are read from the output itself: a constant (DC) input leaves the limiter idle, so
output / input is the gain the engine applied, sample by sample.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.loudness import integrated_lufs
from asmr_desktop.audio.engine import (
    SEEK_FADE_OUT_S,
    Engine,
    EngineCallbacks,
    EngineSettings,
    PlayState,
    Repeat,
)
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.lowpass import Biquad, lowpass_sections
from asmr_desktop.audio.sleep import SleepTimer
from asmr_desktop.audio.voice import UNKNOWN_LOUDNESS_LUFS
from asmr_desktop.core import safety
from asmr_desktop.core.errors import DecodeError
from tests.unit.audio.helpers import (
    ArraySource,
    array_item,
    constant,
    db,
    render,
    render_until_idle,
    sine,
    true_peak_db,
    write,
)

RATE = 8000
DC = 0.1
MAX_STEP_DB = safety.MAX_GAIN_RISE_DB_PER_S / RATE


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[object, ...]] = []
        self.callbacks = EngineCallbacks(
            state_changed=lambda s: self.events.append(("state", s)),
            track_changed=lambda i: self.events.append(("track", i)),
            item_failed=lambda i, r: self.events.append(("failed", i, r)),
            sleep_timer=lambda s: self.events.append(("sleep", s)),
        )

    def of(self, kind: str) -> list[tuple[object, ...]]:
        return [e[1:] for e in self.events if e[0] == kind]


def make(items, rate=RATE, **kw) -> tuple[Engine, Recorder]:
    kw.setdefault("volume", 1.0)
    # These tests read the voices' gains through a DC input, whose steps the startle
    # guard's K-weighting hears as clicks; the guard has its own tests (test_guard.py).
    kw.setdefault("startle_guard", False)
    rec = Recorder()
    engine = Engine(rate, 2, EngineSettings(**kw), callbacks=rec.callbacks)
    engine.set_items(items)
    return engine, rec


def gain_of(out: np.ndarray, value: float = DC) -> np.ndarray:
    return out[:, 0].astype(np.float64) / value


def max_rise_db(g: np.ndarray) -> float:
    prev, nxt = g[:-1], g[1:]
    audible = prev > 1e-6
    return float((db(nxt[audible]) - db(prev[audible])).max(initial=0.0))


def first_sound(g: np.ndarray) -> int:
    return int(np.argmax(g > 0))


# --- fades and gain rises --------------------------------------------------------------------
def test_play_fades_in_from_the_floor_never_rising_faster_than_the_bound():
    """The item is at the target (-30 LUFS, gain 0 dB): it starts 30 dB down, at the
    -60 LUFS floor, and takes 5 s to rise."""
    engine, rec = make([array_item(constant(10, RATE), RATE)])
    engine.play()
    g = gain_of(render(engine, 7))
    start = first_sound(g)
    target = safety.LOUDNESS_TARGET_DEFAULT_LUFS
    assert db(g[start]) == pytest.approx(safety.FADE_IN_FLOOR_LUFS - target, abs=0.01)
    full = int(np.argmax(g >= 1 - 1e-6))
    assert (full - start) / RATE == pytest.approx(safety.fade_in_s(target), abs=0.01)
    assert safety.fade_in_s(target) == 5.0
    assert max_rise_db(g) <= MAX_STEP_DB + 1e-5
    assert rec.of("state") == [(PlayState.PLAYING,)]


def test_pause_fades_out_in_1_5_s_holds_the_position_and_resume_fades_in():
    engine, rec = make([array_item(constant(20, RATE), RATE)])
    engine.play()
    render(engine, 6)  # past the 5 s fade in
    engine.pause()
    assert engine.state is PlayState.PAUSED  # reported at once, while fading
    g = gain_of(render(engine, 2))
    silent = int(np.argmax(g == 0))
    assert silent / RATE == pytest.approx(safety.FADE_OUT_S, abs=0.02)
    assert np.all(np.diff(g[:silent]) <= 1e-7)  # only down
    assert np.all(g[silent:] == 0) and not engine.is_active()
    held = engine.position_s()
    render(engine, 1)
    assert engine.position_s() == held  # nothing moves while paused
    engine.play()
    g = gain_of(render(engine, 6))
    assert max_rise_db(g) <= MAX_STEP_DB + 1e-5
    full = int(np.argmax(g >= 1 - 1e-6))
    fade_in_s = safety.fade_in_s(safety.LOUDNESS_TARGET_DEFAULT_LUFS)
    assert (full - first_sound(g)) / RATE == pytest.approx(fade_in_s, abs=0.02)
    assert engine.position_s() == pytest.approx(held + 6, abs=0.01)
    assert [s for (s,) in rec.of("state")] == [
        PlayState.PLAYING,
        PlayState.PAUSED,
        PlayState.PLAYING,
    ]


def test_resume_during_the_pause_fade_rises_from_where_it_was():
    engine, _ = make([array_item(constant(20, RATE), RATE)])
    engine.play()
    render(engine, 4)
    engine.pause()
    a = gain_of(render(engine, 0.3))
    engine.resume()
    b = gain_of(render(engine, 4))
    g = np.concatenate([a, b])
    assert g.min() > 0.2  # no drop to silence
    assert max_rise_db(g) <= MAX_STEP_DB + 1e-5


def test_stop_fades_out_in_1_5_s_then_goes_idle():
    engine, _ = make([array_item(constant(20, RATE), RATE)])
    engine.play()
    render(engine, 4)
    engine.stop()
    g = gain_of(render(engine, 2))
    silent = int(np.argmax(g == 0))
    assert silent / RATE == pytest.approx(safety.FADE_OUT_S, abs=0.02)
    assert not engine.is_active() and engine.state is PlayState.STOPPED
    assert engine.position_s() == 0.0


def test_limiter_recovery_and_a_fade_in_together_still_rise_within_the_bound():
    x = constant(10, RATE)
    x[RATE // 2] = 8.0  # a click during the fade in: the limiter ducks, then recovers
    engine, _ = make([array_item(x, RATE)])
    engine.play()
    out = render(engine, 8)
    lat = first_sound(gain_of(out))
    g = gain_of(out)[lat : lat + len(x)] * DC / x[: len(out) - lat, 0]
    rises = np.diff(db(g))
    rises[RATE // 2 - 2 : RATE // 2 + 2] = 0  # steps into and out of the click sample itself
    assert g.min() < 0.1  # it did duck
    assert rises.max() <= MAX_STEP_DB + 1e-5
    assert g[-1] == pytest.approx(1.0, abs=1e-4)


def test_volume_moves_are_smooth_and_rise_within_the_bound():
    engine, _ = make([array_item(constant(30, RATE), RATE)], volume=0.5)
    engine.play()
    a = gain_of(render(engine, 4))
    engine.set_volume(1.0)  # +30 dB asked at once
    b = gain_of(render(engine, 6))
    engine.set_volume(0.2)  # -48 dB asked at once
    c = gain_of(render(engine, 4))
    g = np.concatenate([a, b, c])
    assert max_rise_db(g) <= MAX_STEP_DB + 1e-5
    assert db(a[-1]) == pytest.approx(-30, abs=0.01)
    assert db(b[int(2.5 * RATE)]) == pytest.approx(-15, abs=0.1)  # still on its way up
    assert db(b[-1]) == pytest.approx(0, abs=0.01)
    falls = -np.diff(db(c[c > 0]))
    assert falls.max() < 0.01  # no step down either
    assert db(c[-1]) == pytest.approx(-48, abs=0.01)


def test_unknown_loudness_starts_conservative_then_corrects_smoothly(tmp_path):
    path = write(tmp_path / "dc.wav", constant(30, RATE, 0.01), RATE, subtype="FLOAT")
    known: dict = {}
    engine = Engine(RATE, 2, EngineSettings(volume=1.0), loudness_lookup=lambda p: known.get(p))
    engine.set_items([PlaylistItem.from_path(path)])
    engine.play()
    a = gain_of(render(engine, 6), 0.01)  # from the floor: 30 dB in 5 s
    expected_db = safety.LOUDNESS_TARGET_DEFAULT_LUFS - UNKNOWN_LOUDNESS_LUFS
    assert db(a[-1]) == pytest.approx(expected_db, abs=0.01)
    known[path] = -40.0  # measured now: 10 dB below the target
    b = gain_of(render(engine, 8), 0.01)
    assert db(b[-1]) == pytest.approx(10.0, abs=0.01)
    assert max_rise_db(np.concatenate([a, b])) <= MAX_STEP_DB + 1e-5


def test_two_files_20_lu_apart_play_within_1_lu_of_the_target(tmp_path):
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((RATE * 12, 2)) * 0.05
    loud = write(tmp_path / "loud.flac", noise * 4, RATE)
    quiet = write(tmp_path / "quiet.flac", noise * 0.4, RATE)
    cache = AnalysisCache(tmp_path / "analysis")  # what the app normalises with
    assert cache.measured_loudness(loud) is None  # not analysed yet
    for path in (loud, quiet):
        cache.analyze(path)
    gap = cache.measured_loudness(loud) - cache.measured_loudness(quiet)  # type: ignore[operator]
    assert gap == pytest.approx(20.0, abs=0.1)
    engine = Engine(
        RATE,
        2,
        EngineSettings(volume=1.0, crossfade_s=0),
        loudness_lookup=cache.measured_loudness,
    )
    engine.set_items([PlaylistItem.from_path(loud), PlaylistItem.from_path(quiet)])
    engine.play()
    out = render_until_idle(engine).astype(np.float64)
    for start in (4, 16):  # after each fade-in
        part = out[start * RATE : (start + 7) * RATE]
        lufs = integrated_lufs(ArraySource(part, RATE))
        assert lufs == pytest.approx(safety.LOUDNESS_TARGET_DEFAULT_LUFS, abs=1.0)


# --- playlist flow ---------------------------------------------------------------------------
def test_crossfade_overlaps_without_a_gap_or_an_overshoot():
    items = [array_item(_sided(6, 0), RATE), array_item(_sided(6, 1), RATE)]
    engine, rec = make(items, crossfade_s=2.0)
    engine.play()
    out = render_until_idle(engine)
    a, b = out[:, 0] / DC, out[:, 1] / DC
    assert max_rise_db(a) <= MAX_STEP_DB + 1e-5 and max_rise_db(b) <= MAX_STEP_DB + 1e-5
    b_start, a_end = first_sound(b), len(a) - int(np.argmax(a[::-1] > 0))
    assert (a_end - b_start) / RATE == pytest.approx(2.0, abs=0.01)  # the overlap
    g = a + b
    start = first_sound(g)
    end = len(g) - int(np.argmax(g[::-1] > 0))
    assert (end - start) / RATE == pytest.approx(10.0, abs=0.02)  # 6 + 6 - 2
    middle = g[start + 5 * RATE : end - RATE]
    # No gap: the incoming item rises from the -60 LUFS floor (30 dB under this one) at
    # 6 dB/s while the outgoing one fades out over the 2 s, so the sum dips (-20 dB at worst)
    # but never falls silent.
    assert middle.min() > 0.05
    assert true_peak_db(out) <= safety.CEILING_DEFAULT_DB
    assert rec.of("track")[0] == (1,)


def test_full_scale_crossfade_stays_under_the_ceiling():
    loud = np.sign(sine(440, 5, RATE, amp=1.0))
    items = [array_item(loud, RATE, loudness_lufs=-40), array_item(-loud, RATE, loudness_lufs=-40)]
    engine, _ = make(items, crossfade_s=3.0)
    engine.play()
    assert true_peak_db(render_until_idle(engine)) <= safety.CEILING_DEFAULT_DB


def test_gapless_when_the_crossfade_is_zero():
    items = [array_item(constant(6, RATE), RATE), array_item(constant(2, RATE), RATE)]
    engine, rec = make(items, crossfade_s=0.0)
    engine.play()
    g = gain_of(render_until_idle(engine))
    start = first_sound(g)
    np.testing.assert_allclose(g[start + 5 * RATE + 10 : start + 8 * RATE - 10], 1.0, rtol=1e-6)
    assert rec.of("track") == [(1,), (0,)]  # back to the top when the playlist ends
    assert engine.state is PlayState.STOPPED


def test_failed_items_are_marked_reported_and_skipped(tmp_path):
    missing = tmp_path / "gone.ogg"
    corrupt = tmp_path / "noise.mp3"
    corrupt.write_bytes(np.random.default_rng(1).bytes(4000))
    items = [
        array_item(constant(1, RATE), RATE),
        PlaylistItem.from_path(missing),
        PlaylistItem.from_path(corrupt),
        array_item(constant(1, RATE), RATE, title="last"),
    ]
    engine, rec = make(items, crossfade_s=0.0)
    engine.play()
    out = render_until_idle(engine, max_s=10)
    failed = rec.of("failed")
    assert [i for i, _ in failed] == [1, 2]
    assert "gone.ogg" in failed[0][1] and "not found" in failed[0][1]
    assert "noise.mp3" in failed[1][1]
    assert engine.items()[1].failed and engine.items()[2].failed
    assert (3,) in rec.of("track")
    assert np.count_nonzero(gain_of(out) > 0) / RATE == pytest.approx(2.0, abs=0.05)


def test_a_playlist_where_nothing_plays_stops_instead_of_spinning(tmp_path):
    items = [PlaylistItem.from_path(tmp_path / f"{i}.wav") for i in range(3)]
    for repeat in Repeat:
        engine, rec = make(items, repeat=repeat)
        engine.play()
        render(engine, 0.5)
        assert engine.state is PlayState.STOPPED and not engine.is_active()
        assert len(rec.of("failed")) >= 1


class _Breaks(ArraySource):
    def read(self, frames):
        if self.pos > RATE:
            raise DecodeError("broken.flac: decoding failed (truncated)")
        return super().read(frames)


def test_a_file_failing_mid_play_is_marked_and_the_next_one_plays():
    broken = PlaylistItem(
        "broken", factory=lambda: _Breaks(constant(5, RATE), RATE), loudness_lufs=-30
    )
    engine, rec = make([broken, array_item(constant(2, RATE), RATE)], crossfade_s=0.0)
    engine.play()
    render_until_idle(engine, max_s=10)
    assert rec.of("failed") == [(0, "broken.flac: decoding failed (truncated)")]
    assert (1,) in rec.of("track")


@pytest.mark.parametrize(
    ("repeat", "expected"),
    [(Repeat.OFF, [1, 0]), (Repeat.ALL, [1, 0, 1, 0, 1]), (Repeat.ONE, [])],
)
def test_repeat_modes(repeat, expected):
    items = [array_item(constant(1, RATE), RATE), array_item(constant(1, RATE), RATE)]
    engine, rec = make(items, repeat=repeat, crossfade_s=0.0)
    engine.play()
    render(engine, 5.5)
    assert [i for (i,) in rec.of("track")] == expected
    assert engine.state is (PlayState.STOPPED if repeat is Repeat.OFF else PlayState.PLAYING)


def _sided(seconds: float, side: int) -> np.ndarray:
    """DC on one channel only: two items on two channels show each one's own gain."""
    x = constant(seconds, RATE)
    x[:, 1 - side] = 0
    return x


def test_next_and_previous_crossfade_each_voice_within_the_bounds():
    items = [array_item(_sided(30, 0), RATE), array_item(_sided(30, 1), RATE)]
    engine, rec = make(items)
    engine.play()
    render(engine, 6)
    engine.next()
    assert engine.current_index == 1
    out = render(engine, 4).astype(np.float64) / DC
    old, new = out[:, 0], out[:, 1]
    assert max_rise_db(new) <= MAX_STEP_DB + 1e-5
    silent = int(np.argmax(old == 0))
    assert silent / RATE == pytest.approx(safety.FADE_OUT_S, abs=0.02)
    assert np.all(old[silent:] == 0)
    # Overlapping, no gap: the new item rises from the floor (-30 dB here) as the old one
    # fades out over 1.5 s; the sum dips to about -21 dB, never to silence.
    assert (old + new)[: 3 * RATE].min() > 0.05
    engine.previous()
    assert engine.current_index == 0
    out = render(engine, 4).astype(np.float64) / DC
    assert max_rise_db(out[:, 0]) <= MAX_STEP_DB + 1e-5
    assert rec.of("track") == [(1,), (0,)]


def test_seek_moves_with_a_short_fade_and_no_gap():
    engine, _ = make([array_item(constant(30, RATE), RATE)])
    engine.play()
    render(engine, 6)
    engine.seek(20.0)
    g = gain_of(render(engine, 4))
    assert engine.position_s() == pytest.approx(24.0, abs=0.01)
    # No gap: the new place rises from the floor (-30 dB) as the old fades over 0.25 s.
    assert g.min() > 0.02
    after_fade = g[round(SEEK_FADE_OUT_S * RATE) + 64 :]
    assert max_rise_db(after_fade) <= MAX_STEP_DB + 1e-5
    engine.seek(1000.0)  # past the end: clamped, the track ends and playback stops
    render(engine, 4)
    assert engine.state is PlayState.STOPPED


def test_reorder_and_remove_keep_the_playing_item():
    items = [array_item(constant(30, RATE), RATE, title=t) for t in "abc"]
    engine, _ = make(items)
    engine.play(1)
    render(engine, 1)
    engine.move(1, 2)
    assert engine.current_index == 2 and engine.items()[2].title == "b"
    engine.remove(0)
    assert engine.current_index == 1 and engine.items()[1].title == "b"
    engine.remove(1)  # the playing one: the next takes over
    render(engine, 2)
    assert engine.current_index == 0 and engine.state is PlayState.PLAYING


# --- sleep timer -----------------------------------------------------------------------------
def test_sleep_timer_fades_over_the_last_minute_then_stops():
    engine, rec = make([array_item(constant(1, RATE), RATE, loop=True)])
    engine.play()
    engine.set_sleep_timer(SleepTimer.after(70))
    assert engine.sleep_remaining_s() == pytest.approx(70)
    out = render(engine, 72, block_s=0.25)
    g = gain_of(out)
    lat = first_sound(g)
    at = lambda s: g[round(s * RATE) + lat]  # noqa: E731
    assert at(9.9) == pytest.approx(1.0, abs=1e-4)
    assert at(40) == pytest.approx(0.5**3, abs=0.01)  # half way through the fade: -18 dB
    assert 0 < at(69.5) < 1e-4
    assert np.all(g[70 * RATE + lat :] == 0)
    assert np.all(np.diff(g[10 * RATE + lat : 70 * RATE + lat]) <= 1e-7)
    assert engine.state is PlayState.STOPPED and engine.sleep_remaining_s() is None
    assert rec.of("sleep")[-1] == (None,)
    remaining = [s for (s,) in rec.of("sleep") if s is not None]
    assert remaining == sorted(remaining, reverse=True) and remaining[0] == pytest.approx(70)


def test_sleep_at_track_end_stops_there_instead_of_playing_on():
    items = [array_item(constant(90, RATE), RATE), array_item(constant(90, RATE), RATE)]
    engine, rec = make(items, crossfade_s=4.0)
    engine.play()
    engine.set_sleep_timer(SleepTimer.at_track_end())
    assert engine.sleep_remaining_s() == pytest.approx(90)
    g = gain_of(render(engine, 95, block_s=0.5))
    lat = first_sound(g)
    assert g[29 * RATE + lat] == pytest.approx(1.0, abs=1e-4)
    assert g[60 * RATE + lat] == pytest.approx(0.5**3, abs=0.01)
    assert np.all(g[90 * RATE + lat :] == 0)
    assert engine.state is PlayState.STOPPED and rec.of("track") == []


def test_cancelling_the_sleep_fade_brings_the_sound_back_gently():
    engine, _ = make([array_item(constant(1, RATE), RATE, loop=True)])
    engine.play()
    engine.set_sleep_timer(SleepTimer.after(65))
    a = gain_of(render(engine, 40))
    engine.set_sleep_timer(SleepTimer.off())
    b = gain_of(render(engine, 20))
    assert max_rise_db(np.concatenate([a, b])) <= MAX_STEP_DB + 1e-5
    assert b[-1] == pytest.approx(1.0, abs=1e-4)
    assert engine.sleep_remaining_s() is None


# --- migraine mode ---------------------------------------------------------------------------
def _tone_level_db(out: np.ndarray, freq: float, rate: int) -> float:
    x = out[:, 0].astype(np.float64)
    x = x * np.hanning(len(x))
    spectrum = np.abs(np.fft.rfft(x))
    k = round(freq * len(x) / rate)
    return float(db(spectrum[k - 2 : k + 3].max()))


def test_migraine_mode_cuts_8k_strongly_and_keeps_500_hz():
    rate = 44100
    tones = sine(500, 8, rate, amp=0.02) + sine(8000, 8, rate, amp=0.02)
    levels = {}
    for migraine in (False, True):
        engine, _ = make([array_item(tones, rate)], rate=rate, migraine=migraine)
        engine.play()
        out = render(engine, 7)[-rate:]  # past the fade in (5 s; 3 s in migraine mode)
        levels[migraine] = (_tone_level_db(out, 500, rate), _tone_level_db(out, 8000, rate))
    # Migraine mode is 12 dB quieter in all (the loudness target drops with the ceiling);
    # the 500 Hz tone keeps its share, 8 kHz is cut 30 dB more.
    drop = safety.MIGRAINE_LOUDNESS_DROP_DB
    assert levels[True][0] == pytest.approx(levels[False][0] - drop, abs=0.5)
    assert levels[False][1] - levels[True][1] >= 30.0 + drop


def test_migraine_mode_lowers_the_ceiling_by_12_db():
    loud = np.sign(sine(300, 30, RATE, amp=1.0))
    engine, _ = make([array_item(loud, RATE, loudness_lufs=-40)], migraine=True)
    assert (
        engine.effective_ceiling_db == safety.CEILING_DEFAULT_DB - safety.MIGRAINE_CEILING_DROP_DB
    )
    engine.play()
    out = render(engine, 5)
    ceiling = safety.CEILING_DEFAULT_DB - safety.MIGRAINE_CEILING_DROP_DB
    assert true_peak_db(out) <= ceiling
    assert true_peak_db(out[-RATE:]) > ceiling - 2.0  # limited to it, not muted
    engine.set_migraine(False)
    render(engine, 16)  # the highs return over ~12 s, then the limiter recovers 12 dB
    assert engine.effective_ceiling_db == safety.CEILING_DEFAULT_DB
    assert true_peak_db(render(engine, 1)) > ceiling + 6


def test_toggling_migraine_mode_does_not_click():
    rate = 44100
    engine, _ = make([array_item(sine(500, 20, rate, amp=0.05), rate)], rate=rate)
    engine.play()
    steady = render(engine, 6)[-rate:, 0].astype(np.float64)
    engine.set_migraine(True)
    on = render(engine, 2)[:, 0].astype(np.float64)
    engine.set_migraine(False)
    off = render(engine, 2)[:, 0].astype(np.float64)
    curvature = lambda x: np.abs(np.diff(x, 2)).max()  # noqa: E731 - a click is a spike here
    limit = 1.2 * curvature(steady)
    assert curvature(on) <= limit and curvature(off) <= limit
    # The test can see a click: switching hard between dry and filtered would jump this much.
    wet = sine(500, 1, rate, amp=0.05)[:, :1].astype(np.float64)
    dry = wet.copy()
    for b, a in lowpass_sections(safety.MIGRAINE_LOWPASS_HZ, rate):
        wet = Biquad(b, a, 1).process(wet)
    assert np.abs(wet - dry)[rate // 2 :].max() > 5 * limit


def test_switching_migraine_mode_off_brings_the_highs_back_within_the_rise_bound():
    rate = 44100
    engine, _ = make([array_item(sine(8000, 30, rate, amp=0.05), rate)], rate=rate, migraine=True)
    engine.play()
    render(engine, 4)
    engine.set_migraine(False)
    x = render(engine, 14)[:, 0].astype(np.float64)
    window = rate // 10
    level = db(np.sqrt(np.mean(x[: len(x) // window * window].reshape(-1, window) ** 2, axis=1)))
    rises_per_s = np.diff(level) * 10
    assert level[0] < level[-1] - 30  # the 8 kHz tone was cut and is back
    assert rises_per_s.max() <= safety.MAX_GAIN_RISE_DB_PER_S + 0.3


# --- the whole chain, any input --------------------------------------------------------------
_kinds = st.sampled_from(["square", "noise", "impulse", "dc"])


def _content(kind: str, seconds: float, seed: int) -> np.ndarray:
    n = max(1, round(seconds * RATE))
    rng = np.random.default_rng(seed)
    if kind == "square":
        return np.sign(sine(rng.uniform(50, 3900), seconds, RATE, amp=1.0)) + 0.0
    if kind == "noise":
        return (rng.standard_normal((n, 2)) * 4).astype(np.float32)
    if kind == "impulse":
        x = np.zeros((n, 2), np.float32)
        x[rng.integers(0, n, 4)] = 8.0
        return x
    return np.ones((n, 2), np.float32)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kinds=st.lists(_kinds, min_size=1, max_size=3),
    seconds=st.floats(0.2, 2.0),
    loudness=st.one_of(st.none(), st.floats(-70.0, 0.0)),
    volume=st.floats(0.0, 1.0),
    ceiling_db=st.floats(-70.0, 10.0),
    crossfade_s=st.floats(0.0, 3.0),
    migraine=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_whole_chain_output_never_exceeds_the_ceiling(
    kinds, seconds, loudness, volume, ceiling_db, crossfade_s, migraine, seed
):
    items = [
        array_item(_content(k, seconds, seed + i), RATE, loudness_lufs=loudness)
        for i, k in enumerate(kinds)
    ]
    engine, _ = make(
        items, volume=volume, ceiling_db=ceiling_db, crossfade_s=crossfade_s, migraine=migraine
    )
    engine.play()
    out = render_until_idle(engine, max_s=12, block_s=0.05)
    ceiling = safety.clamp_ceiling_db(ceiling_db)
    if migraine:
        ceiling = max(safety.CEILING_MIN_DB, ceiling - safety.MIGRAINE_CEILING_DROP_DB)
    assert true_peak_db(out) <= ceiling + 1e-6


def test_callbacks_may_call_back_into_the_engine_from_the_render_thread():
    seen: list[float] = []
    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    engine.callbacks.position = lambda pos, dur: seen.append(engine.position_s())
    engine.set_items([array_item(constant(3, RATE), RATE)])
    engine.play()
    worker = threading.Thread(target=render, args=(engine, 1))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive() and len(seen) >= 4


def test_sleep_at_the_end_of_an_endless_track_never_reports_infinity():
    engine, rec = make([array_item(constant(1, RATE), RATE, loop=True)])
    engine.set_sleep_timer(SleepTimer.at_track_end())  # before anything plays: the end is unknown
    engine.play()
    render(engine, 2)
    assert engine.sleep_remaining_s() == float("inf")
    assert all(s is None or np.isfinite(s) for (s,) in rec.of("sleep"))
    assert engine.state is PlayState.PLAYING  # and nothing fades: there is no end to fade to
    engine.set_sleep_timer(SleepTimer.off())
    assert rec.of("sleep")[-1] == (None,)


def test_short_items_are_crossfaded_over_at_most_half_their_length():
    items = [array_item(_sided(2, 0), RATE), array_item(_sided(6, 1), RATE)]
    engine, _ = make(items, crossfade_s=4.0)
    engine.play()
    out = render_until_idle(engine)
    a, b = out[:, 0] / DC, out[:, 1] / DC
    b_start, a_end = first_sound(b), len(a) - int(np.argmax(a[::-1] > 0))
    assert (a_end - b_start) / RATE == pytest.approx(1.0, abs=0.01)  # half of the 2 s item
    assert max_rise_db(b) <= MAX_STEP_DB + 1e-5


# --- threads and the state machine -----------------------------------------------------------
class _WatchedLock:
    """The engine's lock, telling when another thread starts waiting for it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.owner: int | None = None
        self.waited = threading.Event()

    def __enter__(self) -> None:
        if self.owner is not None and self.owner != threading.get_ident():
            self.waited.set()
        self._lock.acquire()
        self.owner = threading.get_ident()

    def __exit__(self, *exc: object) -> None:
        self.owner = None  # an RLock re-entered by the owner releases in order: good enough
        self._lock.release()


def test_toggle_decides_under_the_lock_what_a_concurrent_play_left():
    engine, _ = make([array_item(constant(30, RATE), RATE)])
    engine.play()
    render(engine, 4)
    engine.pause()
    render(engine, 2)
    lock = _WatchedLock()
    engine._lock = lock  # type: ignore[assignment]
    with lock:  # another thread (the tray) holds the engine while it resumes
        toggler = threading.Thread(target=engine.toggle)
        toggler.start()
        assert lock.waited.wait(5)
        engine.resume()
    toggler.join(5)
    # Space pressed after the resume: it must pause, not decide on the stale "paused".
    assert engine.state is PlayState.PAUSED


def test_a_voice_fading_out_when_paused_is_not_brought_back_by_resume():
    items = [array_item(_sided(30, 0), RATE), array_item(_sided(30, 1), RATE)]
    engine, _ = make(items, crossfade_s=10.0)
    engine.play()
    render(engine, 20.5)  # the crossfade has begun
    engine.set_volume(0.0)
    render(engine, 6)  # both voices ramp down to silence, the old one still fading out
    engine.pause()
    render(engine, 2)
    engine.resume()
    engine.set_volume(1.0)
    out = render(engine, 6).astype(np.float64) / DC
    assert np.all(out[:, 0] == 0), "the first item, crossfaded out, came back"
    assert out[-1, 1] == pytest.approx(1.0, abs=1e-4)
