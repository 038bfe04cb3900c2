"""The real entry point, run as a person would run it, in a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import asmr_desktop

ENTRY = Path(sys.executable).parent / "asmr-desktop"


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The installed entry point without the variables in DROP, with ENV added."""
    assert ENTRY.exists(), f"the installed entry point is missing: {ENTRY}"
    full_env = {**{k: v for k, v in os.environ.items() if k not in drop}, **(env or {})}
    return subprocess.run(
        [str(ENTRY), *args], capture_output=True, text=True, timeout=timeout, env=full_env
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"asmr-desktop {asmr_desktop.__version__}"
    from importlib.metadata import version

    assert version("asmr-desktop") == asmr_desktop.__version__, "pyproject reads the same"


def test_bad_flag_is_a_usage_error() -> None:
    result = run("--no-such-flag")
    assert result.returncode == 2
    assert "usage: asmr-desktop" in result.stderr
    assert "unrecognized arguments: --no-such-flag" in result.stderr


def test_self_test_passes_headless(tmp_path: Path) -> None:
    result = run("--self-test", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for check in ("qt", "fonts", "store", "startup"):
        assert any(line.startswith(f"ok   {check}:") for line in lines), result.stdout
    assert "ok   qt: Qt 6." in result.stdout
    assert re.search(
        r"^ok   startup: first frame \d+\.\d\d s, ready to play \d+\.\d\d s after start",
        result.stdout,
        re.MULTILINE,
    ), result.stdout
    assert "(offscreen, as QT_QPA_PLATFORM asks)" in result.stdout
    # The tests' dummy driver opens, but it proves nothing about a sound device: never "ok".
    assert (
        "WARN audio: audio output opens (dummy: 48000 Hz, 16-bit, 2 ch), but the dummy driver "
        "plays to nothing: the sound device was not checked"
    ) in lines, result.stdout
    assert lines[-1] == "self-test passed with 1 warning"
    assert list(tmp_path.iterdir()) == [], "the self-test leaves no data behind"


WINDOW_ENV = ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")


def free_display() -> str:
    """A display number no X server listens on."""
    n = 90
    while Path(f"/tmp/.X11-unix/X{n}").exists() or Path(f"/tmp/.X{n}-lock").exists():
        n += 1
    return f":{n}"


def test_self_test_without_a_display_says_it_checked_offscreen_only(tmp_path: Path) -> None:
    result = run("--self-test", "--data-dir", str(tmp_path), drop=WINDOW_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARN qt: Qt 6." in result.stdout
    assert (
        "(offscreen, no DISPLAY or WAYLAND_DISPLAY): only checked offscreen; the window needs "
        "a desktop session"
    ) in result.stdout
    assert "ok   fonts:" in result.stdout, "the other checks still run"


def test_self_test_fails_when_the_display_does_not_answer(tmp_path: Path) -> None:
    display = free_display()
    result = run(
        "--self-test", "--data-dir", str(tmp_path), env={"DISPLAY": display}, drop=WINDOW_ENV
    )
    assert result.returncode == 1, result.stdout
    assert (
        f"FAIL qt: the window's platform (xcb, DISPLAY={display}) did not start: "
        f"could not connect to display {display}; check that the desktop session is running"
    ) in result.stdout
    assert "ok   fonts:" in result.stdout, "offscreen stands in, so the other checks still run"
    assert "Traceback" not in result.stderr


def test_self_test_checks_the_x11_platform_the_window_uses(tmp_path: Path) -> None:
    if shutil.which("Xvfb") is None:
        pytest.skip("needs Xvfb (xvfb): packaging/system-deps.sh test")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "640x480x24"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as announced:
            display = f":{announced.readline().strip()}"
        result = run(
            "--self-test", "--data-dir", str(tmp_path), env={"DISPLAY": display}, drop=WINDOW_ENV
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"(xcb, DISPLAY={display})" in result.stdout
    assert "ok   qt:" in result.stdout


def test_self_test_reports_no_sound_device_as_a_warning(tmp_path: Path) -> None:
    # SDL's own choice of driver, with no PulseAudio server and an ALSA without devices.
    empty = tmp_path / "alsa.conf"
    empty.write_text("")
    result = run(
        "--self-test",
        "--data-dir",
        str(tmp_path / "d"),
        env={"PULSE_SERVER": "unix:/nonexistent", "ALSA_CONFIG_PATH": str(empty)},
        drop=("SDL_AUDIODRIVER",),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARN audio: no sound device (" in result.stdout
    assert "ok   audio" not in result.stdout


def test_missing_audio_libraries_names_the_packages() -> None:
    from asmr_desktop.ui.selftest import missing_audio_libraries

    tried: list[str] = []

    def nothing_loads(name: str) -> object:
        tried.append(name)
        raise OSError(f"{name}: cannot open shared object file")

    message = missing_audio_libraries(nothing_loads)
    assert tried == ["libpulse-simple.so.0", "libasound.so.2"]
    assert message is not None
    assert "Install libpulse0 (PulseAudio or PipeWire), or libasound2" in message
    assert missing_audio_libraries(lambda name: None) is None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            "libEGL.so.1: cannot open shared object file: No such file or directory",
            "the system library libEGL.so.1 is missing. Install it with: "
            "sudo apt-get install libegl1",
        ),
        ("libGL.so.1: cannot open shared object file", "sudo apt-get install libgl1"),
        ("libfoo.so.3: cannot open shared object file", "apt-file search libfoo.so.3"),
    ],
)
def test_missing_library_hint_names_the_debian_package(error: str, expected: str) -> None:
    from asmr_desktop.ui.selftest import missing_library_hint

    assert expected in missing_library_hint(ImportError(error))


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "offscreen"),
        ({"DISPLAY": ":0"}, "xcb"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "wayland;xcb"),
        (
            {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"},
            "wayland;xcb",
        ),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "xcb"),
        ({}, ""),
    ],
)
def test_window_platform_follows_the_session(environ: dict[str, str], platform: str) -> None:
    from asmr_desktop.ui.selftest import window_platform

    assert window_platform(environ)[0] == platform


def test_self_test_fails_when_text_would_be_boxes(tmp_path: Path) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig>'
        f"<dir>{empty}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    result = run(
        "--self-test", "--data-dir", str(tmp_path / "d"), env={"FONTCONFIG_FILE": str(conf)}
    )
    assert result.returncode == 1
    assert "FAIL fonts:" in result.stdout
    assert "boxes" in result.stdout


def test_self_test_fails_without_audio_output(tmp_path: Path) -> None:
    result = run(
        "--self-test", "--data-dir", str(tmp_path), env={"SDL_AUDIODRIVER": "no-such-driver"}
    )
    assert result.returncode == 1
    assert "FAIL audio:" in result.stdout


def test_self_test_fails_on_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("--self-test", "--data-dir", str(blocker / "sub"))
    assert result.returncode == 1
    assert f"FAIL store: Cannot create the folder {blocker / 'sub'}" in result.stdout


def test_window_starts_and_quits(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path), "--quit-after-ms", "300")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "only known messages may reach stderr"
    assert (tmp_path / "asmr-desktop.json").stat().st_mode & 0o777 == 0o600
    log = (tmp_path / "logs" / "asmr-desktop.log").read_text()
    assert "starting" in log


#: Run as the window, with a line in libmpg123's words written to descriptor 2 the moment
#: the engine exists (decoding can start from then on), and the window closed once it has.
DECODER_LINE_RUN = """
import os, sys
from PySide6.QtCore import QTimer
import asmr_desktop.app as app
attach = app.attach_services
def attached(window):
    attach(window)
    os.write(2, b"Warning: part2_3_length (4000) too large for available bit count\\n")
    os.write(2, b"a line of someone else\\n")
    QTimer.singleShot(200, window.close)
app.attach_services = attached
sys.exit(app.main(sys.argv[1:]))
"""


def test_the_windows_decoder_lines_go_to_the_log_from_when_the_engine_exists(
    tmp_path: Path,
) -> None:
    """libmpg123 writes to descriptor 2 from whichever thread decodes (issue 17); the router
    starts after the first frame (issue 18), before anything can decode."""
    result = subprocess.run(
        [sys.executable, "-c", DECODER_LINE_RUN, "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ASMR_DESKTOP_TESTING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "part2_3_length" not in result.stderr
    assert "a line of someone else" in result.stderr  # everything else still reaches stderr
    log = (tmp_path / "logs" / "asmr-desktop.log").read_text()
    assert "decoder: Warning: part2_3_length (4000) too large" in log


def test_window_starts_with_corrupt_data_and_keeps_it(tmp_path: Path) -> None:
    data = tmp_path / "asmr-desktop.json"
    data.write_bytes(b'{"sessions": {"1": {"pain": 4}')  # truncated
    result = run("--data-dir", str(tmp_path), "--quit-after-ms", "300")
    assert result.returncode == 0, result.stderr
    kept = sorted(tmp_path.glob("asmr-desktop.json.corrupt-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == b'{"sessions": {"1": {"pain": 4}'
    assert json.loads(data.read_text())["_meta"]["1"]["schema_version"] >= 1


def test_unusable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("--data-dir", str(blocker / "sub"), "--quit-after-ms", "300")
    assert result.returncode == 1
    assert f"Cannot create the folder {blocker / 'sub'}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_dir_works_before_and_after_the_command(tmp_path: Path, where: str) -> None:
    """``asmr-desktop export --csv f.csv --data-dir D``, as people type it, reads D."""
    from asmr_desktop.core.context import AppContext
    from asmr_desktop.core.paths import AppPaths
    from asmr_desktop.diary.model import Mode
    from asmr_desktop.diary.service import Diary

    data = tmp_path / "D"
    context = AppContext.open(AppPaths.under(data))
    Diary(context.store, context.clock).start(Mode.VISUAL, pain_before=5)
    context.close()
    export = ["export", "--csv", str(tmp_path / "f.csv")]
    option = ["--data-dir", str(data)]
    # The platform's folders hold no diary: reading them would export 0 sessions.
    empty_home = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path / "home")}
    result = run(*(option + export if where == "before" else export + option), env=empty_home)
    assert result.returncode == 0, result.stderr
    assert f"exported 1 sessions to {tmp_path / 'f.csv'}" in result.stderr
    assert not (tmp_path / "xdg").exists()


@pytest.mark.parametrize("module", [["-m", "asmr_desktop", "--version"]])
def test_python_dash_m(module: list[str]) -> None:
    result = subprocess.run([sys.executable, *module], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("asmr-desktop ")


def test_second_start_hands_over_to_the_first(tmp_path: Path) -> None:
    # The single-instance socket lives in XDG_RUNTIME_DIR: a private one lets this test wait
    # for the socket itself instead of guessing how long the window takes on a busy machine.
    sockets = tmp_path / "run"
    sockets.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(sockets)}
    first = subprocess.Popen(
        # Ended by terminate() below; the quit timer is only a backstop.
        [str(ENTRY), "--data-dir", str(tmp_path), "--quit-after-ms", "60000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    log = tmp_path / "logs" / "asmr-desktop.log"
    try:
        deadline = time.monotonic() + 30
        while not any(sockets.glob("asmr-desktop-*")) and time.monotonic() < deadline:
            assert first.poll() is None, "the first start ended early"
            time.sleep(0.1)
        assert any(sockets.glob("asmr-desktop-*")), "the first start never listened"
        second = run("--data-dir", str(tmp_path), env={"XDG_RUNTIME_DIR": str(sockets)})
        assert second.returncode == 0
        assert "already running" in second.stderr
        deadline = time.monotonic() + 10
        while "raise requested" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "raise requested" in log.read_text()
    finally:
        first.terminate()
        first.communicate(timeout=30)


def test_visual_only_flag_starts_a_visual_session(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path), "--visual-only", "--quit-after-ms", "1500")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "asmr-desktop.json").read_text())
    modes = [s["mode"] for s in data["sessions"].values()]
    assert modes == ["visual"]


#: Run the window as main() does, and report which heavy modules were loaded when the
#: first frame was up (issue 18: none of them).
FIRST_FRAME_PROBE = """
import sys
import asmr_desktop.app as app

HEAVY = ("numpy", "soundfile", "soxr", "pygame", "asmr_desktop.audio.engine")
announce = app.announce_start

def probed(window):
    announce(window)
    window.first_painted.connect(
        lambda: print("loaded:", *[m for m in HEAVY if m in sys.modules], flush=True)
    )

app.announce_start = probed
sys.exit(app.main(["--data-dir", sys.argv[1]]))
"""


def test_first_frame_comes_before_numpy_and_the_engine(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ASMR_DESKTOP_EXIT_AFTER_FIRST_PAINT": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["first-paint", "loaded:"], result.stdout


def test_window_says_when_it_painted_and_when_play_works(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path), env={"ASMR_DESKTOP_EXIT_WHEN_READY": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["first-paint", "ready"]
    assert result.stderr == ""
