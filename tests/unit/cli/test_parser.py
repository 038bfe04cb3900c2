"""The command line loads a sub-command's module only when that command is used."""

from __future__ import annotations

import subprocess
import sys

import pytest

from asmr_desktop.cli.parser import COMMANDS, _modules_for, parse


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ()),
        (["--data-dir", "/tmp/x", "--visual-only"], ()),
        (["render", "rain", "-o", "x.wav", "--seconds", "1"], ("asmr_desktop.cli.render",)),
        (["--data-dir", "/tmp/x", "export", "--csv", "a.csv"], ("asmr_desktop.cli.export",)),
        (["--help"], tuple(dict.fromkeys(COMMANDS.values()))),
        (["no-such-command"], tuple(dict.fromkeys(COMMANDS.values()))),
    ],
)
def test_modules_for(argv: list[str], expected: tuple[str, ...]) -> None:
    assert _modules_for(argv) == expected


def test_window_start_imports_no_command_module() -> None:
    code = (
        "import sys\n"
        "from asmr_desktop.cli.parser import parse\n"
        "parse(['--data-dir', '/tmp/x'])\n"
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
