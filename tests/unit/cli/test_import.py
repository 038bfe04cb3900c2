"""``asmr-desktop import FILE`` and damage on the command line: never silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from asmr_desktop.cli.parser import parse, run_command
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.core.store import Store

V1_FIXTURE = Path(__file__).resolve().parents[1] / "diary" / "data" / "backup-v1.json"


def _run(*argv: str) -> int:
    return run_command(parse(list(argv)))


def test_import_adds_a_backup_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert _run("--data-dir", str(data), "import", str(V1_FIXTURE)) == 0
    assert "Imported 3 sessions; 0 were already here." in capsys.readouterr().err
    assert _run("--data-dir", str(data), "import", str(V1_FIXTURE)) == 0
    assert "Imported 0 sessions; 3 were already here." in capsys.readouterr().err
    assert len(Store(AppPaths.under(data).store_file).all("sessions")) == 3


def test_import_of_a_bad_file_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(V1_FIXTURE.read_text().replace('"pain_before": 6', '"pain_before": "6"'))
    data = tmp_path / "data"
    assert _run("--data-dir", str(data), "import", str(bad)) == 1
    err = capsys.readouterr().err
    assert "session 1" in err and "Nothing was imported" in err and "\n" not in err.strip()
    assert Store(AppPaths.under(data).store_file).all("sessions") == []


def test_import_while_the_window_is_open_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    window = AppContext.open(AppPaths.under(data))
    try:
        assert _run("--data-dir", str(data), "import", str(V1_FIXTURE)) == 1
        assert "already using the data folder" in capsys.readouterr().err
    finally:
        window.close()


def test_export_of_a_damaged_file_names_the_kept_file_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = AppPaths.under(tmp_path / "data")
    paths.ensure()
    paths.store_file.write_bytes(b'{"sessions": {"1": ')
    assert _run("--data-dir", str(paths.data_dir), "export", "--csv", str(tmp_path / "o.csv")) != 0
    err = capsys.readouterr().err
    kept = [p for p in paths.data_dir.iterdir() if ".corrupt-" in p.name]
    assert len(kept) == 1 and str(kept[0]) in err
    assert kept[0].read_bytes() == b'{"sessions": {"1": '
    window = AppContext.open(paths)  # the next window is told, until the person has seen it
    try:
        (notice,) = window.unseen_notices()
        assert str(kept[0]) in notice.text
        window.notice_seen(notice)
        assert window.unseen_notices() == []
    finally:
        window.close()
