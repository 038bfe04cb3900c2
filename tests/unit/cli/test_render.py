"""``asmr-desktop render``: the speaker chain into a WAV file, errors as one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.worker import CHUNK_S
from asmr_desktop.cli import render as audio_cli
from asmr_desktop.cli.parser import parse, run_command
from asmr_desktop.core import safety
from asmr_desktop.library.m3u import write_m3u
from tests.unit.audio.helpers import (
    array_item,
    levels_from_first_sound,
    sine,
    true_peak_db,
    write,
)

RATE = 22050


@pytest.fixture
def loud_file(tmp_path):
    # Full-scale square wave: clipping level, far louder than the normalisation target.
    return write(tmp_path / "loud.flac", np.sign(sine(440, 8, RATE, amp=1.0)), RATE)


def _render(*argv: str) -> int:
    return run_command(parse(["render", *argv]))


def test_render_writes_the_chain_output(tmp_path, loud_file):
    out = tmp_path / "out.wav"
    assert _render(str(loud_file), "-o", str(out), "--seconds", "6") == 0
    audio, rate = sf.read(out)
    assert rate == 44100 and audio.shape == (6 * 44100, 2)
    assert true_peak_db(audio) <= safety.CEILING_DEFAULT_DB
    first, middle, last = (
        np.abs(audio[int(a * rate) : int(b * rate)]).max()
        for a, b in ((0, 0.2), (3.5, 4), (5.9, 6))
    )
    assert first < 0.3 * middle and last < 0.05 * middle  # fade in, fade out at the end


@pytest.mark.parametrize("migraine", [False, True])
def test_render_starts_at_the_fade_in_floor_and_rises_at_6_db_per_s(tmp_path, migraine):
    """Issue 15: the start from silence, measured on render's WAV with the tests' own
    BS.1770 meter (100 ms windows, resampled to 48 kHz by scipy)."""
    src = write(tmp_path / "tone.wav", sine(1000, 12, 44100, amp=0.05), 44100)
    out = tmp_path / "out.wav"
    extra = ["--migraine"] if migraine else []
    assert _render(str(src), "-o", str(out), "--seconds", "9", *extra) == 0
    audio, rate = sf.read(out)
    levels = levels_from_first_sound(audio, rate)
    final = safety.effective_loudness_target(safety.LOUDNESS_TARGET_DEFAULT_LUFS, migraine)
    assert levels[0] <= safety.FADE_IN_FLOOR_LUFS + 0.4  # the first 100 ms: its own 0.6 dB
    rising = levels[: round(safety.fade_in_s(final) / 0.1) + 5]
    assert np.diff(rising).max() / 0.1 <= safety.MAX_GAIN_RISE_DB_PER_S + 0.3
    assert levels[70] == pytest.approx(final, abs=0.3)


def test_ceiling_requests_are_clamped_and_migraine_lowers_it(tmp_path, loud_file):
    out = tmp_path / "out.wav"
    # Claim the file is very quiet so normalisation pushes it hard into the limiter.
    items = [PlaylistItem.from_path(loud_file, "loud")]
    settings = audio_cli.EngineSettings(volume=1.0, ceiling_db=0.0)
    audio_cli.render_to_wav(items, out, 5, settings, loudness_lookup=lambda p: -60.0)
    audio = sf.read(out)[0]
    assert safety.CEILING_MAX_DB - 2 < true_peak_db(audio) <= safety.CEILING_MAX_DB
    assert (
        _render(
            str(loud_file), "-o", str(out), "--seconds", "5", "--migraine", "--ceiling-db", "-6"
        )
        == 0
    )
    assert true_peak_db(sf.read(out)[0]) <= -6 - safety.MIGRAINE_CEILING_DROP_DB


def test_render_a_playlist_and_quieter_volume(tmp_path):
    # Long enough to reach its level (5 s from the fade-in floor) before the crossfade.
    loud_file = write(tmp_path / "loud.flac", np.sign(sine(440, 14, RATE, amp=1.0)), RATE)
    other = write(tmp_path / "other.wav", sine(300, 3, 48000, amp=0.4), 48000)
    playlist = tmp_path / "list.m3u"
    write_m3u(playlist, [PlaylistItem.from_path(loud_file), PlaylistItem.from_path(other)])
    full, half = tmp_path / "full.wav", tmp_path / "half.wav"
    assert _render(str(playlist), "-o", str(full), "--seconds", "30") == 0
    assert _render(str(playlist), "-o", str(half), "--seconds", "30", "--volume", "0.5") == 0
    a, b = sf.read(full)[0], sf.read(half)[0]
    # Stops when the playlist ends, once the look-ahead has played out (at most one block).
    assert 14.0 - 0.1 <= len(a) / 44100 <= 14.0 + CHUNK_S + 0.01
    level = lambda x: 20 * np.log10(np.sqrt(np.mean(x[7 * 44100 : 8 * 44100] ** 2)))  # noqa: E731
    assert level(a) - level(b) == pytest.approx(30.0, abs=0.5)


def test_bad_input_is_one_line_and_exit_1(tmp_path, capsys):
    bad = tmp_path / "random.mp3"
    bad.write_bytes(np.random.default_rng(3).bytes(3000))
    out = str(tmp_path / "o.wav")
    for source in (str(bad), str(tmp_path / "missing.flac")):
        assert _render(source, "-o", out, "--seconds", "2") == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("asmr-desktop: error: ")
        assert source in err[0]
    assert _render(str(bad), "-o", out, "--seconds", "0") == 1
    assert "--seconds" in capsys.readouterr().err


def test_a_resolver_hook_can_supply_sources(tmp_path):
    def soundscapes(name: str):
        return [array_item(sine(200, 10, RATE, amp=0.2), RATE)] if name == "rain" else None

    args = parse(["render", "rain", "-o", str(tmp_path / "r.wav"), "--seconds", "4"])
    assert audio_cli.run(args, resolvers=[soundscapes]) == 0
    assert sf.info(str(tmp_path / "r.wav")).duration == pytest.approx(4.0)


def test_without_resolvers_a_name_is_only_a_file(monkeypatch):
    with pytest.raises(Exception, match="not found"):
        audio_cli.resolve_source("rain-that-is-not-a-file", [])


def _render_in_a_subprocess(tmp_path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from asmr_desktop.app import main; sys.exit(main())",
            "--data-dir",
            str(tmp_path / "data"),
            "render",
            *argv,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )


def test_each_bad_item_is_one_line_numbered_as_in_the_playlist(tmp_path):
    """Issue 15, item 7: two lines per bad item ("item 1" then "item 2" for one file) and
    libmpg123's own Note:/warning lines."""
    rng = np.random.default_rng(0)
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + rng.bytes(5000))
    noise = tmp_path / "noise.mp3"
    noise.write_bytes(rng.bytes(20000))
    good = write(tmp_path / "good.wav", sine(220, 3, RATE, amp=0.1), RATE)
    playlist = tmp_path / "p.m3u"
    write_m3u(
        playlist,
        [PlaylistItem.from_path(p) for p in (bad, good, noise, tmp_path / "missing.wav")],
    )
    done = _render_in_a_subprocess(
        tmp_path, str(playlist), "-o", str(tmp_path / "o.wav"), "--seconds", "4"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 3, lines
    for line, number, name in zip(lines, (1, 3, 4), ("bad", "noise", "missing"), strict=True):
        assert f"item {number}:" in line and name in line, line


def test_render_past_4_gb_writes_rf64(tmp_path, loud_file, monkeypatch):
    """Issue 15, item 9, through render itself (the limit lowered to a size a test writes)."""
    from asmr_desktop.audio import output as output_module

    monkeypatch.setattr(output_module, "WAV_MAX_BYTES", 44100 * 4)
    out = tmp_path / "out.wav"
    assert _render(str(loud_file), "-o", str(out), "--seconds", "3") == 0
    info = sf.info(str(out))
    assert (info.format, info.frames) == ("RF64", 3 * 44100)


def test_settings_from_a_data_folder_start_exactly_as_the_window(tmp_path, loud_file):
    """Issue 15: `render --settings-from DATA_DIR` uses the saved ceiling, migraine mode,
    target, volume and crossfade, through the very function the window starts with."""
    from asmr_desktop.core.context import AppContext
    from asmr_desktop.core.paths import AppPaths
    from asmr_desktop.services.listening import engine_settings

    data = tmp_path / "data"
    context = AppContext.open(AppPaths.under(data))
    try:
        context.settings.update(
            ceiling_db=-30.0,
            migraine_mode=True,
            loudness_target_lufs=-35.0,
            volume=0.9,
            crossfade_s=0.0,
        )
        saved = context.settings.settings
    finally:
        context.close()
    out = tmp_path / "window.wav"
    assert (
        _render(str(loud_file), "-o", str(out), "--seconds", "5", "--settings-from", str(data)) == 0
    )
    audio, _ = sf.read(out)
    assert true_peak_db(audio) <= -42.0  # -30 with migraine mode
    reference = tmp_path / "reference.wav"
    items = audio_cli.resolve_source(str(loud_file))
    audio_cli.render_to_wav(
        items, reference, 5.0, engine_settings(saved), loudness_lookup=audio_cli.measure_all(items)
    )
    np.testing.assert_array_equal(audio, sf.read(reference)[0])
    # Given alone, the option reads the --data-dir folder; a folder without data is refused.
    again = tmp_path / "again.wav"
    argv = ["--data-dir", str(data), "render", str(loud_file), "-o", str(again)]
    assert run_command(parse([*argv, "--seconds", "5", "--settings-from"])) == 0
    np.testing.assert_array_equal(sf.read(again)[0], audio)
    assert (
        _render(
            str(loud_file),
            "-o",
            str(again),
            "--seconds",
            "1",
            "--settings-from",
            str(tmp_path / "none"),
        )
        == 1
    )


# --- layers (issue 17) -------------------------------------------------------------------
#: Soundscapes whose own level is even (their 1 s levels move under 6 dB/s when faded in
#: alone), so a rise measured on the sum is the gain's, not the content's. Not the purr: its
#: breaths make it rise 6.8 dB/s in 1 s windows as it fades in at 6 dB/s (the sum rose 6.4;
#: it passed while the startle guard took the fade in for a startle and shaved 0.6 dB).
EVEN_LAYERS = ("pink:1", "rain:1", "pink?seed=2:1", "ocean:1")


def _layered(tmp_path, source, *extra: str, seconds: str = "20") -> np.ndarray:
    out = tmp_path / "layered.wav"
    argv = [str(source), "-o", str(out), "--seconds", seconds, "--rate", "48000", *extra]
    assert _render(*argv) == 0
    return sf.read(out)[0]


def test_render_mixes_a_bed_and_four_layers_under_the_ceiling_at_the_target(tmp_path):
    from tests.unit.audio.helpers import reference_lufs, short_term_db

    rate = 48000
    square = write(tmp_path / "square.flac", np.sign(sine(440, 30, rate, amp=1.0)), rate)
    layers = [arg for name in EVEN_LAYERS for arg in ("--layer", name)]
    for ceiling in ("-12", "-24"):
        audio = _layered(tmp_path, square, "--bed", "brown:1", *layers, "--ceiling-db", ceiling)
        assert true_peak_db(audio) <= float(ceiling)
        steady = reference_lufs(audio[5 * rate : 18 * rate])
        assert steady <= safety.LOUDNESS_TARGET_DEFAULT_LUFS + 0.3  # six sources: +7.8 without
        if ceiling == "-12":
            assert steady == pytest.approx(safety.LOUDNESS_TARGET_DEFAULT_LUFS, abs=0.5)
            # On Play all six fade in together: the sum rises at the bound.
            start = int(np.flatnonzero(np.abs(audio).max(axis=1) > 0)[0])
            levels = short_term_db(audio[start + rate // 2 : start + 10 * rate], 1.0)
            assert levels.max() - levels[0] > 10
            assert np.diff(levels).max() <= safety.MAX_GAIN_RISE_DB_PER_S + 0.3
        else:
            assert true_peak_db(audio) > float(ceiling) - 1.5, "the one limiter had work"


def test_render_loops_a_file_bed(tmp_path):
    rate = 48000
    hum = write(tmp_path / "hum.wav", sine(110, 2.0, rate, amp=0.3), rate)
    audio = _layered(tmp_path, "brown", "--bed", f"{hum}:1", seconds="9")
    spectrum = np.abs(np.fft.rfft(audio[6 * rate : 8 * rate, 0]))
    assert spectrum[220] > 20 * np.median(spectrum), "the 2 s hum still plays after 6 s"


def test_render_takes_the_layers_saved_with_the_window_playlist(tmp_path):
    from asmr_desktop.core.context import AppContext
    from asmr_desktop.core.paths import AppPaths
    from asmr_desktop.library import builtin
    from asmr_desktop.library.playlists import PlaylistStore, StoredLayer
    from asmr_desktop.services.listening import layer_item

    data = tmp_path / "data"
    context = AppContext.open(AppPaths.under(data))
    saved = [
        StoredLayer(layer_item("brown?seed=5"), 0.5, True),
        StoredLayer(layer_item("rain"), 0.7),
    ]
    try:
        PlaylistStore(context.store, builtin.resolve).save("Night", [], layers=saved)
        context.settings.update(last_playlist="Night")
    finally:
        context.close()
    window = _layered(tmp_path, "pink", "--settings-from", str(data), seconds="6")
    items = audio_cli.resolve_source("pink", audio_cli.default_resolvers())
    argv = ["render", "pink", "-o", "x", "--seconds", "1"]
    settings, layers = audio_cli.starting(parse([*argv, "--settings-from", str(data)]))
    assert [(layer.item.spec, layer.volume, layer.bed) for layer in layers] == [
        (layer.item.spec, layer.volume, layer.bed) for layer in saved
    ]
    assert audio_cli.starting(parse(argv))[1] == [], "without --settings-from: no layers"
    reference = tmp_path / "reference.wav"
    audio_cli.render_to_wav(items, reference, 6.0, settings, rate_hz=48000, layers=saved)
    np.testing.assert_array_equal(window, sf.read(reference)[0])
    without = _layered(tmp_path, "pink", seconds="6")
    assert not np.array_equal(without, window), "the saved layers were heard"
    alone = _layered(tmp_path, "pink", "--settings-from", str(data), "--bed", "pink", seconds="6")
    assert not np.array_equal(alone, window), "--bed replaced the saved bed"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--layer", "rain"] * 5, "At most 4 soundscape layers"),
        (["--layer", "thunder"], "no built-in soundscape called 'thunder'"),
        (["--layer", "rain:3"], "between 0 and 1"),
    ],
)
def test_render_refuses_bad_layers_in_one_line(tmp_path, capsys, extra, message):
    argv = ["brown", "-o", str(tmp_path / "o.wav"), "--seconds", "1", *extra]
    assert run_command(parse(["render", *argv])) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
