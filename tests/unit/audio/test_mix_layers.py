"""Layers under the playlist (issue 17): a bed and four soundscapes mixed before the one
guard and limiter. The sum is measured with meters written apart from the app's
(tests/unit/audio/helpers.py: scipy's 4x polyphase true peak, a BS.1770 loudness meter)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asmr_desktop.audio.engine import Engine, EngineSettings, PlayState
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.layers import LayerError, LoopedSource, sum_share_db
from asmr_desktop.audio.sleep import SleepMode, SleepTimer
from asmr_desktop.core import safety
from asmr_desktop.core.defaults import LAYERS_MAX
from asmr_desktop.core.errors import AudioError
from tests.unit.audio.helpers import (
    ArraySource,
    array_item,
    reference_lufs,
    render,
    render_until_idle,
    short_term_db,
    true_peak_db,
)

RATE = 48000
TARGET = safety.LOUDNESS_TARGET_DEFAULT_LUFS


def noise(seconds: float, rms: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((round(seconds * RATE), 2)) * rms).astype(np.float32)


def loud(title: str, seed: int, *, loop: bool = True, seconds: float = 4.0) -> PlaylistItem:
    """Loud noise (about -10 LUFS, peaks near full scale), its loudness known."""
    data = noise(seconds, 0.3, seed)
    return array_item(data, RATE, title=title, loop=loop, loudness_lufs=reference_lufs(data))


def rises_per_s(levels_db: np.ndarray, window_s: float) -> float:
    return float(np.diff(levels_db).max() / window_s)


def from_sound(out: np.ndarray, skip_s: float = 0.0) -> np.ndarray:
    start = int(np.flatnonzero(np.abs(out).max(axis=1) > 0)[0])
    return out[start + round(skip_s * RATE) :]


def full_mix(**settings: object) -> tuple[Engine, list[int]]:
    """A loud playlist, a loud bed and four loud layers, all at full volume."""
    settings.setdefault("volume", 1.0)
    engine = Engine(RATE, 2, EngineSettings(**settings))  # type: ignore[arg-type]
    engine.set_items([loud("track", 1, loop=False, seconds=60.0)])
    keys = [engine.add_layer(loud("bed", 2), volume=1.0, bed=True)]
    keys += [engine.add_layer(loud(f"layer {n}", 3 + n), volume=1.0) for n in range(LAYERS_MAX)]
    return engine, keys


def test_the_sum_share_keeps_uncorrelated_layers_at_the_target() -> None:
    assert sum_share_db([]) == 0.0
    assert sum_share_db([-math.inf, -math.inf]) == 0.0  # muted layers take nothing
    assert sum_share_db([0.0]) == pytest.approx(-10 * math.log10(2))  # -3 dB per doubling
    assert sum_share_db([0.0] * 5) == pytest.approx(-10 * math.log10(6))
    assert sum_share_db([-6.0]) == pytest.approx(-10 * math.log10(1 + 10**-0.6))


@pytest.mark.parametrize("ceiling_db", [safety.CEILING_DEFAULT_DB, -24.0])
def test_playlist_bed_and_four_loud_layers_sum_to_the_target_under_the_ceiling(
    ceiling_db: float,
) -> None:
    engine, _keys = full_mix(ceiling_db=ceiling_db)
    engine.play()
    out = render(engine, 12.0)
    steady = from_sound(out, safety.fade_in_s(TARGET) + 1.0)
    # Six uncorrelated sources at the target would measure +7.8 LU without the share.
    loudness = reference_lufs(steady)
    assert loudness <= TARGET + 0.3
    assert true_peak_db(out) <= ceiling_db
    if ceiling_db == safety.CEILING_DEFAULT_DB:  # the limiter rests: the share alone
        assert loudness == pytest.approx(TARGET, abs=0.3)
    else:  # the sum peaks at -22.4 dBTP: the one limiter brings the sum down
        assert true_peak_db(out) > ceiling_db - 1.5, "limited, not muted: the test can fail"


def test_the_sum_rises_at_most_6_db_per_s_on_play_adding_layers_and_raising_volumes() -> None:
    engine = Engine(RATE, 2, EngineSettings(volume=0.6))
    engine.set_items([loud("track", 1, loop=False, seconds=90.0)])
    engine.add_layer(loud("bed", 2), volume=1.0, bed=True)
    first = engine.add_layer(loud("layer 1", 3), volume=0.5)
    engine.play()  # playlist, bed and a layer fade in together
    parts = [render(engine, 6.0)]
    more = [engine.add_layer(loud(f"layer {n}", 3 + n), volume=1.0) for n in (2, 3, 4)]
    parts.append(render(engine, 6.0))
    engine.set_layer_volume(first, 1.0)  # +30 dB for that layer
    engine.set_volume(1.0)  # +24 dB for the whole sum
    parts.append(render(engine, 8.0))
    engine.remove_layer(more[0])  # the others make their room back
    parts.append(render(engine, 6.0))
    out = from_sound(np.concatenate(parts), 0.5)  # past the step from silence
    coarse = short_term_db(out, 0.5)
    assert coarse.max() - coarse[0] > 20, "it rose: the test can fail"
    assert rises_per_s(coarse, 0.5) <= safety.MAX_GAIN_RISE_DB_PER_S + 0.3
    fine = short_term_db(out, 0.2)
    assert rises_per_s(fine, 0.2) <= safety.MAX_GAIN_RISE_DB_PER_S + 1.5  # noise's own wobble
    assert true_peak_db(out) <= safety.CEILING_DEFAULT_DB


def test_each_layer_is_counted_as_heard_and_a_muted_one_is_not() -> None:
    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    engine.set_items([loud("track", 1, loop=False, seconds=30.0)])
    rain = engine.add_layer(loud("rain", 2), volume=0.8)
    engine.add_layer(loud("muted", 3), volume=0.0)
    gone = engine.add_layer(loud("gone", 4), volume=1.0)
    engine.play()
    render(engine, 3.0)
    engine.remove_layer(gone)
    render(engine, 3.0)
    engine.set_layer_volume(rain, 0.9)
    engine.stop()
    render_until_idle(engine)
    heard = {item.title: seconds for item, seconds in engine.heard().items}
    assert set(heard) == {"track", "rain", "gone"}
    assert heard["rain"] == pytest.approx(heard["track"], abs=0.3)
    assert 6.0 <= heard["rain"] <= 8.0
    assert 3.0 <= heard["gone"] <= 5.0  # until its fade out ended
    assert engine.heard(reset=True).items and not engine.heard().items


class Counting:
    """A factory that counts the sources it made, and their reads."""

    def __init__(self, seed: int) -> None:
        self.data = noise(2.0, 0.3, seed)
        self.made: list[ArraySource] = []

    def __call__(self) -> ArraySource:
        source = ArraySource(self.data, RATE, loop=True)
        self.made.append(source)
        return source

    def item(self, title: str) -> PlaylistItem:
        return PlaylistItem(title, factory=self, loudness_lufs=reference_lufs(self.data))


def test_a_layer_costs_work_only_while_audible() -> None:
    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    engine.set_items([loud("track", 1, loop=False, seconds=30.0)])
    muted, fading = Counting(2), Counting(3)
    engine.add_layer(muted.item("muted"), volume=0.0)
    key = engine.add_layer(fading.item("fading"), volume=1.0)
    assert not fading.made, "nothing runs while stopped"
    engine.play()
    render(engine, 2.0)
    assert not muted.made, "a muted layer never starts"
    assert len(fading.made) == 1 and fading.made[0].pos > 0
    engine.set_layer_volume(key, 0.0)
    render(engine, 8.0)  # falls to silence (24 dB/s), then its source is closed
    assert fading.made[0].closed
    read = fading.made[0].pos
    render(engine, 1.0)
    assert fading.made[0].pos == read
    engine.set_layer_volume(key, 1.0)  # back: a fresh source, fading in
    render(engine, 1.0)
    assert len(fading.made) == 2 and fading.made[1].pos > 0


def test_layers_follow_pause_stop_and_the_sleep_timer() -> None:
    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    silence = np.zeros((RATE * 90, 2))
    engine.set_items([array_item(silence, RATE, title="silence", loudness_lufs=TARGET)])
    engine.add_layer(loud("rain", 2), volume=1.0)
    engine.play()
    render(engine, 6.0)
    engine.pause()
    paused = render_until_idle(engine)
    assert not engine.is_active() and not np.any(paused[-RATE // 10 :])
    engine.play()
    resumed = render(engine, 6.0)
    assert short_term_db(resumed[-RATE:], 0.5).max() > TARGET - 3, "the layer came back"
    engine.set_sleep_timer(SleepTimer(SleepMode.AFTER, 70.0))
    out = render_until_idle(engine, max_s=100.0)
    assert engine.state is PlayState.STOPPED
    assert len(out) < 75 * RATE
    tail = out[-RATE // 2 :]
    assert np.abs(tail).max() < 1e-5, "the layer stopped with the timer (-100 dB), no tail"


def test_the_cap_and_the_bed() -> None:
    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    for n in range(LAYERS_MAX):
        engine.add_layer(loud(f"layer {n}", n), volume=0.5)
    with pytest.raises(LayerError, match=f"At most {LAYERS_MAX}"):
        engine.add_layer(loud("one more", 9))
    engine.add_layer(loud("bed 1", 10), bed=True)
    engine.add_layer(loud("bed 2", 11), bed=True)  # replaces the first
    beds = [layer.item.title for layer in engine.layers() if layer.bed]
    assert beds == ["bed 2"] and len(engine.layers()) == LAYERS_MAX + 1
    with pytest.raises(LayerError):
        engine.remove_layer(999)


def test_a_failing_layer_is_marked_and_the_rest_plays() -> None:
    def broken() -> ArraySource:
        raise AudioError("no such sound")

    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    engine.set_items([loud("track", 1, loop=False, seconds=10.0)])
    engine.add_layer(PlaylistItem("broken", factory=broken), volume=1.0)
    engine.play()
    out = render(engine, 6.0)
    (layer,) = engine.layers()
    assert layer.failed is not None and "no such sound" in layer.failed
    assert short_term_db(out[-RATE:], 0.5).max() > TARGET - 3


def test_a_file_bed_loops_without_a_click_at_the_seam(tmp_path) -> None:
    import soundfile as sf

    from asmr_desktop.audio.decoder import FileSource

    # 1.0137 s of a 100 Hz sine: the file ends mid-cycle, so a bare loop would jump.
    t = np.arange(round(1.0137 * RATE)) / RATE
    x = 0.5 * np.sin(2 * np.pi * 100 * t)
    path = tmp_path / "hum.wav"
    sf.write(path, np.stack([x, x], axis=1), RATE)
    source = LoopedSource(lambda: FileSource(path))
    assert source.duration_s is None
    out = np.concatenate([source.read(4000) for _ in range(40)])[:, 0]
    assert len(out) == 160000 and source.loops >= 3
    bare_jump = abs(x[-1] - x[0])
    step = np.abs(np.diff(out)).max()
    assert bare_jump > 10 * np.abs(np.diff(x)).max(), "a bare loop would click"
    assert step < 1.2 * np.abs(np.diff(x)).max()
    source.close()


def test_a_file_too_short_to_loop_is_refused(tmp_path) -> None:
    import soundfile as sf

    from asmr_desktop.audio.decoder import FileSource
    from asmr_desktop.core.errors import DecodeError

    path = tmp_path / "tick.wav"
    sf.write(path, np.zeros((100, 2)), RATE)
    with pytest.raises(DecodeError, match="too short"):
        LoopedSource(lambda: FileSource(path))


def test_a_layer_added_while_paused_waits_for_the_resume() -> None:
    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    silence = np.zeros((RATE * 60, 2))
    engine.set_items([array_item(silence, RATE, title="silence", loudness_lufs=TARGET)])
    engine.play()
    render(engine, 2.0)
    engine.pause()
    render_until_idle(engine)
    rain = Counting(2)
    engine.add_layer(rain.item("rain"), volume=1.0)
    assert not rain.made and not engine.is_active(), "silent while paused"
    engine.play()
    out = render(engine, 6.0)
    assert len(rain.made) == 1
    assert short_term_db(out[-RATE:], 0.5).max() > TARGET - 3
