"""``asmr-desktop frames``: PNGs from the app's drawing code; bad names fail in one line."""

from __future__ import annotations

import pytest

from asmr_desktop.cli.frames import parse_size
from asmr_desktop.cli.parser import parse, run_command
from asmr_desktop.core.errors import VisualError


def frames(*argv: str) -> int:
    return run_command(parse(["frames", *argv]))


def test_writes_the_frames_as_png(tmp_path, capsys):
    out = tmp_path / "out"
    code = frames("waves", "-o", str(out), "--seconds", "1", "--fps", "4", "--size", "64x48")
    assert code == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"waves_{i}.png" for i in range(4)]
    assert (out / "waves_0.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote 4 frames" in capsys.readouterr().out


def test_check_measures_the_frames(tmp_path, capsys):
    argv = ["orbs", "-o", str(tmp_path), "--seconds", "1", "--fps", "10", "--size", "96x54"]
    assert frames(*argv, "--palette", "green", "--migraine", "--check") == 0
    out = capsys.readouterr().out
    assert "flashes/s 0" in out and "cap 0.15" in out
    assert "UNSAFE" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["strobe"], "orbs, breathing, waves, particles, clouds"),
        (["orbs", "--palette", "red"], "warm, green, grey"),
        (["orbs", "--size", "big"], "WIDTHxHEIGHT"),
        (["orbs", "--fps", "0"], "more than 0"),
    ],
)
def test_bad_arguments_fail_in_one_line(tmp_path, capsys, argv, message):
    base = {"--seconds": "1", "--fps": "2"}
    rest = argv[1:]
    for key, value in base.items():
        if key not in rest:
            rest += [key, value]
    assert frames(argv[0], "-o", str(tmp_path), *rest) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_parse_size():
    assert parse_size("1920x1080") == (1920, 1080)
    assert parse_size(" 64 X 48 ") == (64, 48)
    with pytest.raises(VisualError, match="from 1x1"):
        parse_size("0x10")


def test_a_video_gives_its_guarded_frames(tmp_path, capsys):
    from tests.helpers import video as hv

    clip = hv.write_video(tmp_path / "flash.mp4", hv.clip(4, hv.flashing(5)))
    out = tmp_path / "out"
    argv = [str(clip), "-o", str(out), "--seconds", "3", "--fps", "30", "--check"]
    assert frames(*argv) == 0
    printed = capsys.readouterr().out
    assert "wrote 90 guarded frames of flash.mp4 (160x90)" in printed
    assert "Softened a flash" in printed  # the 5 Hz flashes were there (after the fade in)
    assert "flashes/s 0," in printed and "UNSAFE" not in printed
    assert sorted(p.name for p in out.iterdir())[:2] == ["flash_00.png", "flash_01.png"]


def test_a_missing_or_broken_video_fails_in_one_line(tmp_path, capsys):
    assert (
        frames(str(tmp_path / "none.mp4"), "-o", str(tmp_path), "--seconds", "1", "--fps", "2") == 1
    )
    assert capsys.readouterr().err.count("\n") == 1
    bad = tmp_path / "bad.mkv"
    bad.write_bytes(b"not a video")
    assert frames(str(bad), "-o", str(tmp_path / "o"), "--seconds", "1", "--fps", "2") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.mkv cannot be played" in err
