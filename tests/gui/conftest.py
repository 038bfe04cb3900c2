"""GUI fixtures: an app context in a temporary data folder, the theme applied once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from asmr_desktop.context import AppContext
from asmr_desktop.paths import AppPaths
from asmr_desktop.ui.theme import apply_theme


@pytest.fixture
def context(tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext.open(AppPaths.under(tmp_path / "data"))
    yield ctx
    ctx.close()


@pytest.fixture(autouse=True)
def themed(qapp: QApplication) -> None:
    apply_theme(qapp)
