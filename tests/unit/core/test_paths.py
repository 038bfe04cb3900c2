"""--data-dir keeps everything in one folder; unusable folders give a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from asmr_desktop.core.errors import DataDirError
from asmr_desktop.core.paths import AppPaths


def test_everything_under_data_dir(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "asmr")
    paths.ensure()
    for folder in (paths.data_dir, paths.log_dir, paths.cache_dir):
        assert folder.is_relative_to(tmp_path / "asmr")
        assert folder.stat().st_mode & 0o777 == 0o700
    assert paths.store_file.parent == paths.data_dir
    assert paths.log_file.parent == paths.log_dir


def test_platform_default_uses_user_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    paths = AppPaths.platform_default()
    assert paths.data_dir == tmp_path / "share" / "asmr-desktop"
    assert paths.cache_dir == tmp_path / "cache" / "asmr-desktop"


def test_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(DataDirError, match=str(blocker / "data")):
        AppPaths.under(blocker / "data").ensure()


def test_file_where_folder_should_be_is_named(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.write_text("")
    with pytest.raises(DataDirError, match="not a folder"):
        AppPaths.under(target).ensure()
