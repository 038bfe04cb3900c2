"""Quitting while sound plays always fades out over 1.5 s, from every way out.

Each quit path runs on a real window whose output keeps every sample it is given, as a
speaker would get them; the captured end is measured with numpy, not the engine's code.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from pytestqt.qtbot import QtBot

from asmr_desktop.app import OUTPUT_RATE_HZ, build_window
from asmr_desktop.audio.engine import PlayState
from asmr_desktop.audio.output import Int16Block, NullOutput
from asmr_desktop.core import safety
from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.model import EndReason, RatingState
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.unixsignals import QuitOnSignal

#: A fade in from silence to the default target (-30 LUFS): 5 s from the -60 LUFS floor.
FADE_IN_S = safety.fade_in_s(safety.LOUDNESS_TARGET_DEFAULT_LUFS)


class Speaker(NullOutput):
    """Plays in real time and keeps what it played."""

    def __init__(self) -> None:
        super().__init__(OUTPUT_RATE_HZ, 2, realtime=True)
        self.blocks: list[Int16Block] = []

    def write(self, block: Int16Block) -> None:
        self.blocks.append(block.copy())
        super().write(block)

    def samples(self) -> np.ndarray:
        return np.concatenate(self.blocks).astype(np.float64) / 32767.0


def _ctrl_q(window: MainWindow) -> None:
    window.quit_action.trigger()


def _quit_from_the_tray(window: MainWindow) -> None:
    """The window is hidden (playing on in the tray) and Quit is chosen there; the tray's
    Quit calls quit_app (tests/gui/test_tray.py), as MPRIS's Quit does."""
    window.hide()
    window.quit_app()


def _close(window: MainWindow) -> None:
    window.close()  # the window's close button, without a tray to keep playing in


def _sigterm(window: MainWindow) -> None:
    os.kill(os.getpid(), signal.SIGTERM)  # a session manager logging out


@pytest.mark.parametrize(
    "way_out",
    [_ctrl_q, _quit_from_the_tray, _close, _sigterm],
    ids=["ctrl-q", "tray-quit", "close", "sigterm"],
)
def test_every_way_out_fades_the_sound(
    qtbot: QtBot, context: AppContext, tmp_path: Path, way_out: Callable[[MainWindow], None]
) -> None:
    rate = 44100
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(rate * 60) / rate)
    sf.write(tmp_path / "t.wav", np.stack([tone, tone], axis=1), rate)
    context.settings.update(
        ask_before_session=False, ready_playlists_added=True, keep_playing_in_tray=False
    )
    speaker = Speaker()
    window = build_window(context, output=speaker)
    qtbot.addWidget(window)
    quitter = QuitOnSignal(window.quit_app)
    try:
        window.show()
        window.player_panel.add_paths([tmp_path / "t.wav"])
        # Measured first: an unmeasured track starts as quiet as the loudest content would
        # need and rises for longer than the fade in (issue 15).
        wanted = (tmp_path / "t.wav").absolute()
        qtbot.waitUntil(lambda: wanted in window.player_panel.analyses, timeout=20000)
        window.player_panel.toggle()
        qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
        qtbot.wait(round(1000 * (FADE_IN_S + 0.5)))  # past the fade-in
        frames_before = sum(len(b) for b in speaker.blocks)
        way_out(window)
        qtbot.waitUntil(lambda: not window.player.running, timeout=8000)
    finally:
        quitter.close()
    audio = np.abs(speaker.samples()).max(axis=1)
    tail = audio[frames_before:]
    assert len(tail) / OUTPUT_RATE_HZ >= safety.FADE_OUT_S - 0.25, "it did not just cut"
    window_len = OUTPUT_RATE_HZ // 10
    levels = [tail[i : i + window_len].max() for i in range(0, len(tail) - window_len, window_len)]
    playing = audio[frames_before - window_len : frames_before].max()
    assert levels[0] > 0.5 * playing, "the fade starts from where it was"
    assert levels[-1] < 1e-3 * playing, "and ends in silence"
    assert all(b <= a * 1.05 + 1e-6 for a, b in itertools.pairwise(levels)), "it only falls"
    (session,) = window.diary.sessions()
    assert session.end_reason is EndReason.STOPPED
    assert session.state is RatingState.PENDING, "kept for a rating at the next start"
    assert window.sessions.dialog is None, "no prompt pops up on the way out"


SDL_AFTER_TERM = """
import os, signal, sys, time
if sys.argv[1] == "app":
    from asmr_desktop.app import _prepare_environment
    _prepare_environment()
import pygame
pygame.mixer.init(48000, -16, 2)
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(3)
print("still alive", flush=True)
"""


@pytest.mark.parametrize(("setup", "alive"), [("plain", True), ("app", False)])
def test_sdl_is_kept_from_swallowing_sigterm(setup: str, alive: bool) -> None:
    """SDL's own handler ignores SIGTERM once audio is open; the app switches it off so its
    own handler (and the quit fade) gets the signal. 'plain' shows the problem is real."""
    import subprocess
    import sys

    env = {**os.environ, "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    env.pop("SDL_NO_SIGNAL_HANDLERS", None)
    result = subprocess.run(
        [sys.executable, "-c", SDL_AFTER_TERM, setup],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ("still alive" in result.stdout) is alive
    if not alive:
        assert result.returncode == -signal.SIGTERM


def test_sigterm_fades_on_the_real_speaker_path(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, through pygame with SDL's disk driver: the samples a speaker would get."""
    from asmr_desktop.audio.output import PygameOutput

    capture = tmp_path / "speaker.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(capture))
    rate = 44100
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(rate * 60) / rate)
    sf.write(tmp_path / "t.wav", np.stack([tone, tone], axis=1), rate)
    context.settings.update(
        ask_before_session=False, ready_playlists_added=True, keep_playing_in_tray=False
    )
    window = build_window(context, output=PygameOutput(OUTPUT_RATE_HZ, 2))
    qtbot.addWidget(window)
    quitter = QuitOnSignal(window.quit_app)
    try:
        window.show()
        window.player_panel.add_paths([tmp_path / "t.wav"])
        # Measured first: an unmeasured track starts as quiet as the loudest content would
        # need and rises for longer than the fade in (issue 15).
        wanted = (tmp_path / "t.wav").absolute()
        qtbot.waitUntil(lambda: wanted in window.player_panel.analyses, timeout=20000)
        window.player_panel.toggle()
        qtbot.waitUntil(lambda: window.engine.state is PlayState.PLAYING)
        qtbot.wait(round(1000 * (FADE_IN_S + 1.0)))
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not window.player.running, timeout=8000)
    finally:
        quitter.close()
    samples = np.fromfile(capture, dtype=np.int16).reshape(-1, 2).astype(np.float64) / 32767
    level = np.abs(samples).max(axis=1)
    sound = np.flatnonzero(level > 2 / 32767)
    end = sound[-1]
    step = OUTPUT_RATE_HZ // 10
    # The last 2 s of sound, in 100 ms windows: steady, then falling to silence.
    windows = [level[i : i + step].max() for i in range(end - 20 * step, end, step)]
    steady = max(windows[:3])
    assert windows[-1] < 0.05 * steady, "it ends in (near) silence"
    falling = windows[-int(safety.FADE_OUT_S * 10) :]
    assert all(b <= a * 1.05 + 1e-4 for a, b in itertools.pairwise(falling)), windows
    assert falling[0] > 0.3 * steady, "no cut: the fall takes the whole fade"
