"""Outputs and the render worker, including pygame with no sound card and with the disk driver."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asmr_desktop.audio.engine import Engine, EngineCallbacks, EngineSettings, PlayState
from asmr_desktop.audio.output import NullOutput, PygameOutput, WavOutput, to_int16
from asmr_desktop.audio.worker import Player
from asmr_desktop.core import safety
from asmr_desktop.core.errors import AudioDeviceError, AudioError
from tests.unit.audio.helpers import array_item, constant, sine, true_peak_db

RATE = 8000
REPO = Path(__file__).resolve().parents[3]


def test_int16_conversion_never_grows_a_sample():
    x = np.array([[0.5, -0.5], [1.0, -1.0], [3.0, -7.0], [0.2500001, -0.2500001]])
    y = to_int16(x)
    assert y.dtype == np.int16
    assert np.all(np.abs(y / 32767.0) <= np.minimum(np.abs(x), 1.0))


def test_wav_output_writes_16_bit_pcm(tmp_path):
    out = WavOutput(tmp_path / "o.wav", RATE, 2)
    out.open()
    out.write(to_int16(np.full((RATE, 2), 0.25)))
    out.close()
    info = sf.info(str(tmp_path / "o.wav"))
    assert (info.samplerate, info.channels, info.subtype, info.frames) == (RATE, 2, "PCM_16", RATE)
    with pytest.raises(AudioError, match="cannot write"):
        WavOutput(tmp_path / "missing" / "o.wav").open()


class _Recording(NullOutput):
    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__(RATE, 2)
        self.blocks: list[np.ndarray] = []
        self.fail_after = fail_after

    def write(self, block):
        if self.fail_after is not None and len(self.blocks) >= self.fail_after:
            raise AudioDeviceError("The sound output stopped working (unplugged).")
        self.blocks.append(block.copy())
        super().write(block)


def _engine(seconds: float, **callbacks) -> Engine:
    engine = Engine(
        RATE, 2, EngineSettings(volume=1.0, crossfade_s=0), callbacks=EngineCallbacks(**callbacks)
    )
    engine.set_items([array_item(constant(seconds, RATE), RATE)])
    return engine


def test_player_renders_on_its_own_thread_until_the_playlist_ends():
    stopped = threading.Event()
    states: list[PlayState] = []

    def on_state(state: PlayState) -> None:
        states.append(state)
        if state is PlayState.STOPPED:
            stopped.set()

    engine = _engine(2.0, state_changed=on_state)
    output = _Recording()
    player = Player(engine, output)
    player.start()
    engine.play()
    assert stopped.wait(10)
    player.close()
    audio = np.concatenate(output.blocks)
    assert np.count_nonzero(audio[:, 0]) / RATE == pytest.approx(2.0, abs=0.01)
    assert states == [PlayState.PLAYING, PlayState.STOPPED]
    assert not player.running


def test_device_failure_pauses_keeps_the_position_and_can_be_retried():
    failed = threading.Event()
    errors: list[AudioError] = []
    engine = _engine(30.0, error=lambda e: (errors.append(e), failed.set()))
    player = Player(engine, _Recording(fail_after=10))  # 2 s in (blocks of 0.2 s)
    player.start()
    engine.play()
    assert failed.wait(10)
    player.close()
    assert isinstance(errors[0], AudioDeviceError) and "unplugged" in str(errors[0])
    assert engine.state is PlayState.PAUSED and not engine.is_active()
    kept = engine.position_s()
    assert kept == pytest.approx(2.0, abs=0.21)
    # Retry with a working device: playback resumes from where it was, fading in.
    output = _Recording()
    done = threading.Event()
    engine.callbacks.position = lambda pos, dur: done.set() if pos > kept + 1 else None
    player = Player(engine, output)
    player.start()
    engine.play()
    assert done.wait(10)
    player.close()
    first = np.concatenate(output.blocks)[:, 0]
    full = 0.1 * 32767  # the DC level of the item at full gain
    assert 0 < np.abs(first[first != 0][0]) < 0.2 * full  # fades in again, nothing stale


def test_mismatched_output_is_refused():
    with pytest.raises(AudioError, match="does not match"):
        Player(Engine(44100, 2), NullOutput(48000, 2))


def _run_python(
    code: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1", **env}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=full_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_no_audio_device_gives_a_clear_error():
    result = _run_python(
        """
        from asmr_desktop.audio.engine import Engine
        from asmr_desktop.audio.output import PygameOutput
        from asmr_desktop.audio.worker import Player
        from asmr_desktop.core.errors import AudioDeviceError
        player = Player(Engine(), PygameOutput())
        for attempt in range(2):  # retrying is allowed and fails the same way
            try:
                player.start()
            except AudioDeviceError as exc:
                print("ERROR:", exc)
        """,
        {"SDL_AUDIODRIVER": "no-such-driver"},
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("ERROR:")]
    assert len(lines) == 2
    assert "No sound output could be opened" in lines[0] and "try playing again" in lines[0]
    assert "Traceback" not in result.stderr


def test_what_reaches_the_speakers_stays_under_the_ceiling_fades_in_and_crossfades(tmp_path):
    """pygame's disk driver captures the mixed int16 samples SDL would send to a speaker."""
    rate = 44100
    quiet = sine(330, 4.0, rate, amp=0.3)  # normalised: well under the ceiling
    loud = np.sign(sine(500, 2.5, rate, amp=1.0))  # full scale, and claimed quiet: +24 dB
    sf.write(tmp_path / "quiet.wav", quiet, rate)
    sf.write(tmp_path / "loud.wav", loud, rate, subtype="FLOAT")
    capture = tmp_path / "speaker.raw"
    result = _run_python(
        f"""
        import threading
        from pathlib import Path
        from asmr_desktop.audio.engine import Engine, EngineCallbacks, EngineSettings, PlayState
        from asmr_desktop.analysis.loudness import measure_file
        from asmr_desktop.audio.output import PygameOutput
        from asmr_desktop.audio.worker import Player
        from asmr_desktop.audio.item import PlaylistItem
        folder = Path({str(tmp_path)!r})
        quiet, loud = folder / "quiet.wav", folder / "loud.wav"
        loudness = {{quiet: measure_file(quiet), loud: -60.0}}
        stopped = threading.Event()
        on_state = lambda s: stopped.set() if s is PlayState.STOPPED else None
        # The "loud" file is told to be -60 LUFS so the limiter must work; the startle guard
        # would catch it first (it has its own speaker-path test), so it is off here.
        engine = Engine({rate}, 2, EngineSettings(volume=1.0, crossfade_s=1.0, startle_guard=False),
            loudness_lookup=loudness.get, callbacks=EngineCallbacks(state_changed=on_state))
        engine.set_items([PlaylistItem.from_path(quiet), PlaylistItem.from_path(loud)])
        output = PygameOutput({rate}, 2)
        player = Player(engine, output)
        player.start()
        engine.play()
        assert stopped.wait(30)
        output.drain()
        player.close()
        print("OK")
        """,
        {"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(capture)},
    )
    assert result.returncode == 0 and "OK" in result.stdout, result.stderr
    samples = np.fromfile(capture, dtype=np.int16).reshape(-1, 2) / 32767.0
    ceiling = 10 ** (safety.CEILING_DEFAULT_DB / 20)
    assert np.abs(samples).max() <= ceiling
    assert true_peak_db(samples) <= safety.CEILING_DEFAULT_DB + 0.01
    assert true_peak_db(samples) > safety.CEILING_DEFAULT_DB - 2  # the loud file was limited
    sound = np.flatnonzero(np.abs(samples[:, 0]) > 2 / 32767)
    start, end = sound[0], sound[-1]
    peak = lambda a, b: np.abs(samples[start + int(a * rate) : start + int(b * rate), 0]).max()  # noqa: E731
    assert peak(0, 0.3) < 0.2 * peak(3.0, 3.3)  # a fade in, not a jump
    assert (end - start) / rate == pytest.approx(4.0 + 2.5 - 1.0, abs=0.5)
    # No gap across the crossfade (3 to 4 s in): never 20 ms of silence there.
    around = sound[(sound > start + 2.5 * rate) & (sound < start + 4.5 * rate)]
    assert np.diff(around).max() < 0.02 * rate


def test_a_stalled_device_is_reported_not_waited_on_forever():
    class Stuck:
        error = RuntimeError

        class mixer:  # noqa: N801 - stands in for the pygame.mixer module
            @staticmethod
            def Sound(buffer):  # noqa: N802
                return buffer

            @staticmethod
            def get_init():
                return (44100, -16, 2)

    class Channel:
        def get_queue(self):
            return object()  # the queued block never moves on

    output = PygameOutput()
    output._pygame, output._channel = Stuck, Channel()
    output.stall_s = 0.05
    with pytest.raises(AudioDeviceError, match="stopped playing"):
        output.write(np.zeros((10, 2), np.int16))


def test_closing_with_fade_fades_out_instead_of_cutting():
    engine = _engine(30.0)
    output = _Recording()
    player = Player(engine, output)
    player.start()
    engine.play()
    started = threading.Event()
    engine.callbacks.position = lambda pos, dur: started.set() if pos > 4 else None
    assert started.wait(10)
    player.close(fade=True)
    tail = np.concatenate(output.blocks)[:, 0].astype(float)
    assert tail[-1] == 0 and engine.state is PlayState.STOPPED
    last_loud = np.flatnonzero(tail > 0.9 * tail.max())[-1]
    silent = np.flatnonzero(tail[last_loud:] == 0)[0]
    assert silent / RATE == pytest.approx(safety.FADE_OUT_S, abs=0.25)  # a fade, not a cut


def test_a_wav_past_4_gb_is_written_as_rf64(tmp_path, monkeypatch):
    """Issue 15, item 9: a WAV header holds at most 4 GB (an 8.3-hour render read as 6.2
    hours); longer output is RF64, which soundfile reads whole."""
    from asmr_desktop.audio import output as output_module

    eight_hours = 8.3 * 3600 * 48000
    assert output_module.wav_format(round(eight_hours), 2) == "RF64"
    assert output_module.wav_format(48000 * 60, 2) == "WAV"
    # The switch itself, at a size a test can write: 2 s of audio over a lowered limit.
    monkeypatch.setattr(output_module, "WAV_MAX_BYTES", 4 * RATE)
    out = WavOutput(tmp_path / "long.wav", RATE, 2, frames=2 * RATE)
    out.open()
    out.write(to_int16(np.full((2 * RATE, 2), 0.25)))
    out.close()
    info = sf.info(str(tmp_path / "long.wav"))
    assert (info.format, info.frames) == ("RF64", 2 * RATE)
