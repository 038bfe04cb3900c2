"""The real entry point, run as a person would run it, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import asmr_desktop

ENTRY = Path(sys.executable).parent / "asmr-desktop"


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    assert ENTRY.exists(), f"the installed entry point is missing: {ENTRY}"
    full_env = {**os.environ, **(env or {})}
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
    for check in ("qt", "fonts", "store", "audio"):
        assert any(line.startswith(f"ok   {check}:") for line in lines), result.stdout
    assert lines[-1] == "self-test passed"
    assert list(tmp_path.iterdir()) == [], "the self-test leaves no data behind"


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
    # Qt puts the single-instance socket in TMPDIR: a private one lets this test wait for
    # the socket itself instead of guessing how long the window takes on a busy machine.
    sockets = tmp_path / "tmp"
    sockets.mkdir()
    env = {**os.environ, "TMPDIR": str(sockets)}
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
        second = run("--data-dir", str(tmp_path), env={"TMPDIR": str(sockets)})
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
