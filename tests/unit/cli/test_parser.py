"""The command line loads a sub-command's module only when that command is used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from asmr_desktop.cli.parser import COMMANDS, _modules_for, app_paths, parse
from asmr_desktop.core.paths import AppPaths


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ()),
        (["--data-dir", "/tmp/x", "--visual-only"], ()),
        (["render", "rain", "-o", "x.wav", "--seconds", "1"], ("asmr_desktop.cli.render",)),
        (["--data-dir", "/tmp/x", "export", "--csv", "a.csv"], ("asmr_desktop.cli.export",)),
        (["export", "--csv", "a.csv", "--data-dir", "/tmp/x"], ("asmr_desktop.cli.export",)),
        # The value of a global option is never taken for the command, in any spelling.
        (["--data-dir", "render", "soundscapes"], ("asmr_desktop.cli.soundscapes",)),
        (["--data", "render", "soundscapes"], ("asmr_desktop.cli.soundscapes",)),
        (["--data-dir=render", "soundscapes"], ("asmr_desktop.cli.soundscapes",)),
        (["--data", "/tmp/x"], ()),
        (["--quit-after", "300"], ()),
        (["render", "--help"], ("asmr_desktop.cli.render",)),
        (["--help"], tuple(dict.fromkeys(COMMANDS.values()))),
        (["no-such-command"], tuple(dict.fromkeys(COMMANDS.values()))),
    ],
)
def test_modules_for(argv: list[str], expected: tuple[str, ...]) -> None:
    assert _modules_for(argv) == expected


@pytest.mark.parametrize("data", ["--data-dir", "--data"])
def test_window_start_imports_no_command_module(data: str) -> None:
    code = (
        "import sys\n"
        "from asmr_desktop.cli.parser import parse\n"
        f"parse([{data!r}, '/tmp/x', '--quit-after-ms', '5'])\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith('asmr_desktop.cli.') and m != 'asmr_desktop.cli.parser'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_command_parses() -> None:
    args = parse(["export", "--csv", "out.csv"])
    assert args.command == "export"
    with pytest.raises(SystemExit) as exit_info:
        parse(["no-such-command"])
    assert exit_info.value.code == 2


#: The shortest valid command line of every sub-command (without global options).
MINIMAL: dict[str, list[str]] = {
    "render": ["render", "rain", "-o", "x.wav", "--seconds", "3"],
    "analyze": ["analyze", "a.wav"],
    "export": ["export", "--csv", "f.csv"],
    "frames": ["frames", "breathing", "-o", "out", "--seconds", "1", "--fps", "2"],
    "soundscapes": ["soundscapes"],
    "import": ["import", "backup.json"],
    "log": ["log", "--headache", "none"],
}


def test_every_command_has_a_minimal_command_line() -> None:
    assert set(MINIMAL) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(MINIMAL))
@pytest.mark.parametrize("where", ["before", "after"])
def test_data_dir_before_or_after_the_command_reaches_app_paths(
    command: str, where: str, tmp_path: Path
) -> None:
    data = ["--data-dir", str(tmp_path / "D")]
    argv = data + MINIMAL[command] if where == "before" else MINIMAL[command] + data
    args = parse(argv)
    assert args.command == command
    assert app_paths(args) == AppPaths.under(tmp_path / "D")


@pytest.mark.parametrize("command", sorted(MINIMAL))
def test_no_data_dir_means_the_platform_folders(command: str) -> None:
    assert app_paths(parse(MINIMAL[command])) == AppPaths.platform_default()


def test_a_data_dir_given_before_the_command_is_kept() -> None:
    """The sub-parser must not put its own default over the value parsed before it."""
    args = parse(["--data-dir", "/tmp/before", "export", "--json", "b.json"])
    assert args.data_dir == Path("/tmp/before")


def test_the_later_data_dir_wins_as_for_any_repeated_option() -> None:
    args = parse(["--data-dir", "/tmp/a", "export", "--csv", "f.csv", "--data-dir", "/tmp/b"])
    assert args.data_dir == Path("/tmp/b")


@pytest.mark.parametrize("form", [["--data-dir=/tmp/eq"], ["--data", "/tmp/eq"]])
def test_the_other_spellings_of_data_dir_work_after_the_command(form: list[str]) -> None:
    args = parse([*MINIMAL["analyze"], *form])
    assert args.data_dir == Path("/tmp/eq")
    assert args.files == [Path("a.wav")]


@pytest.mark.parametrize("command", sorted(MINIMAL))
def test_a_commands_help_lists_data_dir(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse([command, "--help"])
    assert exit_info.value.code == 0
    assert "--data-dir DIR" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "--csv", "f.csv", "--data-dir"], "argument --data-dir: expected one argument"),
        (["render", "rain", "--seconds", "3"], "the following arguments are required: -o/--output"),
        # Window-only options stay before the command: after it they mean nothing.
        (["export", "--csv", "f.csv", "--visual-only"], "unrecognized arguments: --visual-only"),
        (["soundscapes", "--self-test"], "unrecognized arguments: --self-test"),
        (["--data-dir", "/tmp/x", "no-such-command"], "invalid choice: 'no-such-command'"),
    ],
)
def test_bad_usage_exits_2_with_argparses_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: asmr-desktop" in err
    assert message in err
