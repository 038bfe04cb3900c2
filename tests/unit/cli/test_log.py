"""``asmr-desktop log``: a day recorded from the command line, bad input in one line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from asmr_desktop.cli.parser import parse, run_command
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.core.store import Store
from asmr_desktop.diary.days import TABLE, MedKind


def _run(data: Path, *argv: str) -> int:
    return run_command(parse(["--data-dir", str(data), "log", *argv]))


def test_log_records_a_day_with_medication(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    code = _run(
        data,
        "--date", "2026-01-05", "--headache", "moderate", "--pain", "5",
        "--medication", "ibuprofen:400 mg", "--medication", "Sumatriptan",
    )  # fmt: skip
    assert code == 0
    assert "recorded 2026-01-05: headache moderate (5/10)" in capsys.readouterr().err
    store = Store(AppPaths.under(data).store_file)
    docs = store.all(TABLE)
    assert len(docs) == 1
    meds = docs[0]["medication"]
    assert [(m["name"], m["amount"], m["kind"]) for m in meds] == [
        ("ibuprofen", "400 mg", str(MedKind.SIMPLE)),
        ("Sumatriptan", "", str(MedKind.TRIPTAN)),
    ]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--headache", "awful"), "not one of: none, mild, moderate, severe"),
        (("--headache", "mild", "--pain", "seven"), "--pain must be a whole number"),
        (("--headache", "mild", "--pain", "12"), "from 0 to 10"),
        (("--headache", "severe", "--pain", "2"), "2 is mild, not severe"),
        (("--headache", "mild", "--date", "2099-01-01"), "cannot be in the future"),
        (("--headache", "mild", "--date", "yesterday"), "YYYY-MM-DD"),
        (("--headache", "mild", "--medication", ":400"), "needs a name"),
    ],
)
def test_bad_input_is_one_line_and_saves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: str
) -> None:
    data = tmp_path / "data"
    assert _run(data, *argv) == 1
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err
    store_file = AppPaths.under(data).store_file
    assert not store_file.exists() or Store(store_file).all(TABLE) == []


def test_log_while_the_window_is_open_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    window = AppContext.open(AppPaths.under(data))
    try:
        assert _run(data, "--headache", "none") == 1
        assert "already using the data folder" in capsys.readouterr().err
    finally:
        window.close()


def test_log_defaults_to_today(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _run(data, "--headache", "none") == 0
    docs = Store(AppPaths.under(data).store_file).all(TABLE)
    assert docs[0]["day"] == date.today().isoformat()
