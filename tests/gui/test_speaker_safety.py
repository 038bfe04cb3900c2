"""The safety numbers measured on the real speaker path (issue 15): the window as built by
app.py, playing through pygame into SDL's disk driver, measured with scipy, not the engine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from pytestqt.qtbot import QtBot

from asmr_desktop.app import build_window
from asmr_desktop.audio.chain import effective_ceiling_db
from asmr_desktop.audio.engine import PlayState
from asmr_desktop.core import safety
from asmr_desktop.core.context import AppContext
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.player import PlayerPanel
from tests.gui.speaker import captured, disk_speaker, frames_so_far, sounding_parts
from tests.unit.audio.helpers import (
    levels_from_first_sound,
    reference_lufs,
    short_term_db,
    true_peak_db,
)

#: A fade in from silence to the default target (-30 LUFS): 5 s from the -60 LUFS floor.
FADE_IN_S = safety.fade_in_s(safety.LOUDNESS_TARGET_DEFAULT_LUFS)
RATE = 44100


def gentle_hum(path: Path, seconds: float, rms: float = 0.06) -> Path:
    """A low hum (110 Hz and harmonics, a slow swell): gentle by the app's verdict, about
    -25 LUFS, so a window in migraine mode plays it without asking, and peaky enough that
    the limiter has work at a -42 dBTP ceiling."""
    t = np.arange(round(seconds * RATE)) / RATE
    x = sum(np.sin(2 * np.pi * 110 * k * t + k) / k for k in (1, 2, 3, 5))
    x *= 1.0 + 0.3 * np.sin(2 * np.pi * 0.25 * t)
    x *= rms / np.sqrt(np.mean(x**2))
    sf.write(path, np.stack([x, x], axis=1), RATE)
    return path


def open_window(
    qtbot: QtBot,
    context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    capture: Path,
    **saved: object,
) -> MainWindow:
    context.settings.update(
        ask_before_session=False,
        ready_playlists_added=True,
        keep_playing_in_tray=False,
        volume=1.0,
        **saved,
    )
    window = build_window(context, output=disk_speaker(monkeypatch, capture))
    qtbot.addWidget(window)
    window.show()
    return window


def add_measured(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    """Add a file and wait for its analysis (so the window plays it without asking)."""
    window.player_panel.add_paths([path])
    qtbot.waitUntil(lambda: path.absolute() in window.player_panel.analyses, timeout=20000)


def play_steady_tone(qtbot: QtBot, window: MainWindow, tmp_path: Path, hz: float) -> PlayerPanel:
    """Play a minute of a steady stereo tone (0.05 amplitude) past its fade in."""
    t = np.arange(60 * RATE) / RATE
    x = 0.05 * np.sin(2 * np.pi * hz * t)
    path = tmp_path / "tone.wav"
    sf.write(path, np.stack([x, x], axis=1), RATE)
    add_measured(qtbot, window, path)
    panel = window.player_panel
    panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 1.0)))
    return panel


def stop_and_close(qtbot: QtBot, window: MainWindow) -> None:
    window.player_panel.stop()
    qtbot.waitUntil(lambda: not window.engine.is_active(), timeout=8000)
    window.player.close()


def test_saved_ceiling_and_migraine_hold_from_the_first_sample(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15, item 1: saved ceiling -30 with migraine mode (-42 dBTP) from Play on."""
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture, ceiling_db=-30.0, migraine_mode=True)
    add_measured(qtbot, window, gentle_hum(tmp_path / "hum.wav", 30.0))
    window.player_panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 2.0)))
    stop_and_close(qtbot, window)
    out = captured(capture)
    sound = np.flatnonzero(np.abs(out).max(axis=1) > 0)
    assert len(sound) > RATE * FADE_IN_S, "it played"
    ceiling = effective_ceiling_db(-30.0, migraine=True)
    assert ceiling == -42.0
    # The first second (where the audit found -26.6 dBTP) and all the rest.
    first = out[sound[0] : sound[0] + RATE]
    assert true_peak_db(first) <= ceiling
    assert true_peak_db(out) <= ceiling
    assert true_peak_db(out) > ceiling - 6, "the limiter had work: the test can fail"


def test_a_ceiling_lowered_while_paused_holds_from_the_resume(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15, item 1: 'the same after changing the ceiling while stopped or paused'."""
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture)
    add_measured(qtbot, window, gentle_hum(tmp_path / "hum.wav", 60.0))
    panel = window.player_panel
    panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 1.0)))
    panel.toggle()  # pause
    qtbot.waitUntil(lambda: not window.engine.is_active(), timeout=8000)
    panel.ceiling_box.setValue(-40.0)
    resumed_at = frames_so_far(capture)
    panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 1.0)))
    stop_and_close(qtbot, window)
    out = captured(capture)
    before, after = out[:resumed_at], out[resumed_at:]
    assert true_peak_db(before) > -35.0, "it played louder than the new ceiling before"
    assert true_peak_db(after) <= -40.0


def test_an_unmeasured_loud_file_never_plays_above_the_target(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15, item 5: a full-scale square whose analysis has not landed yet."""
    from asmr_desktop.analysis.cache import AnalysisCache

    monkeypatch.setattr(AnalysisCache, "measured_loudness", lambda self, path: None)
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture, crossfade_s=0.0)
    t = np.arange(20 * RATE) / RATE
    x = np.sign(np.sin(2 * np.pi * 997 * t))
    path = tmp_path / "square.wav"
    sf.write(path, np.stack([x, x], axis=1), RATE)
    window.player_panel.add_paths([path])
    window.player_panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 3.0)))
    stop_and_close(qtbot, window)
    out = captured(capture)
    target = safety.LOUDNESS_TARGET_DEFAULT_LUFS
    assert short_term_db(out, 0.4).max() <= target + 0.5
    assert short_term_db(out, 0.4).max() > target - 60, "it played"


def test_crossfade_0_from_quiet_to_loud_rises_at_most_6_db_per_s(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15, item 4: a whisper (its boost capped) gaplessly into a loud track."""
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture, crossfade_s=0.0)
    rng = np.random.default_rng(4)
    rate = 48000
    paths = []
    for name, seconds, rms in (("whisper", 5.0, 0.0004), ("loud", 8.0, 0.08)):
        path = tmp_path / f"{name}.wav"
        sf.write(path, rng.standard_normal((round(seconds * rate), 2)) * rms, rate)
        add_measured(qtbot, window, path)
        paths.append(path)
    window.player_panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.waitUntil(lambda: window.engine.current_index == 1, timeout=10000)
    qtbot.wait(3000)
    stop_and_close(qtbot, window)
    out = captured(capture)
    start = int(np.flatnonzero(np.abs(out).max(axis=1) > 0)[0])
    steady = out[start + round(3.5 * rate) : start + round(9.5 * rate)]
    levels = short_term_db(steady, 0.5)
    assert levels.max() > levels.min() + 5, "the loud track came in within the window"
    assert np.diff(levels).max() / 0.5 <= safety.MAX_GAIN_RISE_DB_PER_S + 0.5


def test_a_mono_file_plays_at_the_target(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15, item 3: a mono file on two speakers played 3 LU over the target."""
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture)
    rate = 48000
    path = tmp_path / "mono.wav"
    sf.write(path, np.random.default_rng(5).standard_normal(20 * rate) * 0.05, rate)
    add_measured(qtbot, window, path)
    window.player_panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 4.0)))
    stop_and_close(qtbot, window)
    out = captured(capture)
    start = int(np.flatnonzero(np.abs(out).max(axis=1) > 0)[0])
    steady = out[start + round((FADE_IN_S + 0.5) * rate) : start + round((FADE_IN_S + 3.5) * rate)]
    assert reference_lufs(steady) == pytest.approx(safety.LOUDNESS_TARGET_DEFAULT_LUFS, abs=0.5)


def test_a_preview_and_a_resume_during_it_stay_under_the_ceiling(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15, item 2: the preview played on a second pygame channel after its own
    limiter (+0.9 dB over the ceiling; +3.9 dB when a media key resumed the main sound)."""
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture, ceiling_db=-36.0)
    add_measured(qtbot, window, gentle_hum(tmp_path / "hum.wav", 60.0))
    panel = window.player_panel
    panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 1.0)))
    dialog = panel.open_soundscapes()
    assert dialog is not None
    dialog.choice.setCurrentIndex(dialog.choice.findData("rain"))
    with qtbot.waitSignal(dialog.preview_finished, timeout=15000):
        dialog.preview()
        assert dialog.previewing and window.engine.state is PlayState.PAUSED
        qtbot.wait(2500)
        panel.toggle()  # the tray or a media key resumes the main sound meanwhile
        assert window.engine.state is PlayState.PLAYING
    dialog.reject()
    stop_and_close(qtbot, window)
    out = captured(capture)
    assert true_peak_db(out) <= -36.0
    assert true_peak_db(out) > -38.0, "limited, not muted: the test can fail"


def test_a_bed_and_four_layers_stay_under_the_ceiling_and_rise_gently(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: the playlist, a bed and four layers are one sum before the one limiter, on
    the real speaker path: on Play, while layers are added and while their volumes rise."""
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture, ceiling_db=-20.0)
    add_measured(qtbot, window, gentle_hum(tmp_path / "hum.wav", 60.0))
    panel = window.show_layers()
    layers = window.services.listening.layers
    layers.set_bed("brown", volume=1.0)
    panel.add_layer("pink")
    panel.add_layer("rain")
    window.player_panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 1.0)))
    panel.add_layer("purr")  # added while playing: they fade in, the others make room
    panel.add_layer("ocean")
    qtbot.wait(3000)
    rows = [row for row in panel.rows if not row.label.text().startswith("Bed")]
    for row in rows:  # lower, then raise every layer: rises of the sum
        row.slider.setValue(40)
    qtbot.wait(2000)
    for row in rows:
        row.slider.setValue(100)
    qtbot.wait(5000)
    assert [layer.volume for layer in window.engine.layers()] == [1.0] * 5
    stop_and_close(qtbot, window)
    out = captured(capture)
    rate = 48000
    start = int(np.flatnonzero(np.abs(out).max(axis=1) > 0)[0])
    played = out[start:]
    assert len(played) > 12 * rate, "it played"
    assert true_peak_db(played) <= -20.0
    assert true_peak_db(played) > -22.0, "limited, not muted: the test can fail"
    # 1 s windows: these soundscapes' own level moves under 6 dB/s, so a rise is the gain's.
    levels = short_term_db(played[rate // 2 :], 1.0)
    assert levels.max() - levels[0] > 8, "it faded in: the test can fail"
    assert np.diff(levels).max() <= safety.MAX_GAIN_RISE_DB_PER_S + 0.3
    # And the sum stays at the target: six sounds at the target would be +7.8 LU.
    steady = played[round((FADE_IN_S + 9.0) * rate) : round((FADE_IN_S + 14.0) * rate)]
    assert reference_lufs(steady) <= safety.LOUDNESS_TARGET_DEFAULT_LUFS + 0.5


def test_play_and_resume_start_at_the_fade_in_floor_and_rise_at_6_db_per_s(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: every start from silence begins at -60 LUFS at the speaker and rises at
    most 6 dB/s (it began 18 dB under the final level: -48 LUFS at the default target).
    A steady 1 kHz tone, measured in 100 ms windows with the tests' BS.1770 meter."""
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture)
    panel = play_steady_tone(qtbot, window, tmp_path, 1000)
    panel.toggle()  # pause
    qtbot.waitUntil(lambda: not window.engine.is_active(), timeout=8000)
    qtbot.wait(1000)  # paused: a second of silence at the speaker
    panel.toggle()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    qtbot.wait(round(1000 * (FADE_IN_S + 1.0)))
    stop_and_close(qtbot, window)
    parts = sounding_parts(captured(capture))
    assert len(parts) == 2, "played, paused, resumed"
    target = safety.LOUDNESS_TARGET_DEFAULT_LUFS
    for part in parts:
        levels = levels_from_first_sound(part, RATE)
        rising = levels[: round(FADE_IN_S / 0.1) + 5]
        assert rising[0] <= safety.FADE_IN_FLOOR_LUFS + 0.4  # the fade's own first 0.6 dB
        assert np.diff(rising).max() / 0.1 <= safety.MAX_GAIN_RISE_DB_PER_S + 0.3
        assert levels.max() == pytest.approx(target, abs=0.3)


def test_migraine_mode_on_and_off_never_notches_a_steady_tone(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: switching the low-pass crossfaded filtered and unfiltered sound, which
    cancelled a 3 kHz tone half way (a notch, then a rise faster than 6 dB/s). On the
    speaker now: down 12 dB, back up at 6 dB/s, and never below the migraine level."""
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture)
    panel = play_steady_tone(qtbot, window, tmp_path, 3000)
    panel.migraine_button.setChecked(True)
    qtbot.wait(3000)
    panel.migraine_button.setChecked(False)
    qtbot.wait(4000)
    stop_and_close(qtbot, window)
    (part,) = sounding_parts(captured(capture))
    levels = levels_from_first_sound(part, RATE)
    target = safety.LOUDNESS_TARGET_DEFAULT_LUFS
    after = levels[round((FADE_IN_S + 0.5) / 0.1) : -20]  # steady, on, off (not the stop)
    lowest = int(np.argmin(after))
    migraine_level = target - safety.MIGRAINE_LOUDNESS_DROP_DB - 0.15  # 3 kHz: -0.15 dB
    assert after[0] == pytest.approx(target, abs=0.3)
    assert after[lowest] == pytest.approx(migraine_level, abs=0.3), "down 12 dB, no notch"
    assert np.diff(after[:lowest]).max() <= 0.05, "only down after switching on"
    assert np.diff(after[lowest:]).min() >= -0.05, "only up after switching off"
    assert np.diff(after).max() / 0.1 <= safety.MAX_GAIN_RISE_DB_PER_S + 0.3
    assert after[-1] == pytest.approx(target, abs=0.3)


def knock_file(path: Path) -> tuple[Path, list[float]]:
    """A knock on wood in a room tone (the analysis's knock, tests/unit/analysis): 14 s of
    noise at about -40 LUFS with 80 ms knocks at 9 s and 12 s, 24 dB over it in 100 ms
    windows. The second comes while the guard still recovers from the first, the room tone
    heard lowered: it is judged against the room tone as heard (test_guard.py)."""
    from tests.unit.analysis.signals import knock

    rate = 48000
    x = np.random.default_rng(21).standard_normal((14 * rate, 2)) * 0.005
    times = [9.0, 12.0]
    for at in times:
        tap = knock(rate, 0.95, seconds=0.08)
        x[round(at * rate) : round(at * rate) + len(tap)] += tap
    sf.write(path, x, rate)
    return path, times


def alarm_file(path: Path) -> tuple[Path, list[float]]:
    """Talk (the tests' synthetic talker, about -27 LUFS) with an alarm's beeps (a 2 kHz
    square, 0.4 s) at 9 s, about 29 dB over it in 100 ms windows, over a faint noise floor
    so the talk's pauses are not digital silence (the driver's late-block silence is
    dropped). The alarm dominates the track's loudness (-15.5 LUFS), so the talk plays
    15 dB under the target, 27 in migraine mode: still well above the 16-bit floor."""
    from tests.unit.audio.helpers import speech_like

    rate = 48000
    x = speech_like(14.0, rate) * 0.3
    t = np.arange(round(0.4 * rate)) / rate
    beeps = np.sign(np.sin(2 * np.pi * 2000 * t)) * (np.sin(2 * np.pi * 5 * t) > 0)
    x[9 * rate : 9 * rate + len(t)] += (0.5 * beeps)[:, None].astype(np.float32)
    x = x + np.random.default_rng(22).standard_normal(x.shape).astype(np.float32) * 1e-3
    sf.write(path, x, rate)
    return path, [9.0]


@pytest.mark.parametrize("make_file", [knock_file, alarm_file])
@pytest.mark.parametrize("migraine", [False, True])
def test_a_knock_and_an_alarm_end_up_within_the_guards_amount_at_the_speaker(
    qtbot: QtBot,
    context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_file: object,
    migraine: bool,
) -> None:
    """Issue 15: 'measure it on the knock file and on speech with an alarm: the event ends
    up within the guard's amount of the surrounding level', on what the window sends to
    the speaker. The event's 100 ms levels (every 10 ms) against the median of the 3 s of
    sound before each, with the tests' own BS.1770 K-weighting."""
    from tests.unit.audio.test_guard import event_rise_db

    path, times = make_file(tmp_path / "event.wav")  # type: ignore[operator]
    recording, _ = sf.read(path)
    for at in times:
        assert event_rise_db(recording, at, 0.0) > 20, "the event is sudden in the file"
    capture = tmp_path / "speaker.raw"
    window = open_window(qtbot, context, monkeypatch, capture, migraine_mode=migraine)
    add_measured(qtbot, window, path)
    panel = window.player_panel
    panel.toggle()
    if migraine:  # it is not gentle: the window asks first
        box = panel.migraine_prompt
        assert box is not None
        next(b for b in box.buttons() if b.text() == "Play anyway").click()
    qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
    # The engine is done with the file before the speaker is (the output queue runs ahead):
    # wait until the driver has written the whole file and some, in real time.
    begun = frames_so_far(capture)
    qtbot.waitUntil(
        lambda: frames_so_far(capture) >= begun + len(recording) + 3 * 48000, timeout=40000
    )
    stop_and_close(qtbot, window)
    # The capture as it is: silences the driver wrote for late blocks on a busy machine
    # are left in (the meter leaves silence out of the context) and each event is found by
    # matching the recording's level pattern around it.
    out = captured(capture)
    amount = safety.startle_amount_db(migraine)
    assert window.engine.startle_amount_db == amount
    for at in times:
        found = where_in(out, recording, at)
        rise = event_rise_db(out, found, 0.0)
        # Within 2.5 dB (2 on the engine, test_guard: the guard judges the mix before it;
        # here the alarm measured up to 12.2 dB in normal mode in a full-suite run, where the
        # lift of the quiet talk comes down just before the alarm and lowers its context).
        assert rise <= amount + 2.5
        assert rise >= amount - 4.0, "the event was found in the capture, turned down, not out"


def where_in(played: np.ndarray, recording: np.ndarray, at_s: float) -> float:
    """Where the moment ``at_s`` of ``recording`` is in ``played`` (seconds): the best
    match of their 10 ms level patterns (dB) over the 4 s before it and 1 s after."""

    def pattern(x: np.ndarray) -> np.ndarray:
        hop = 480
        e = (x[: len(x) // hop * hop] ** 2).sum(axis=1).reshape(-1, hop).mean(axis=1)
        return np.asarray(10 * np.log10(np.maximum(e, 1e-12)))

    a, b = pattern(played), pattern(recording)
    at = round(at_s * 100)
    piece = b[at - 400 : at + 100]
    scores = [np.corrcoef(a[k : k + len(piece)], piece)[0, 1] for k in range(len(a) - len(piece))]
    return (int(np.argmax(scores)) + 400) * 0.01
