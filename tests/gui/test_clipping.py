"""No text is clipped or elided on any page or dialog, at 1280x720 and at a 2x scale.

The 2x run is this file again in a subprocess with ``QT_SCALE_FACTOR=2`` on a 1280x720
offscreen screen: 640x360 logical pixels, so the window sits at (or near) its minimum size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from asmr_desktop.ui.main_window import MainWindow
from tests.gui.clipping import clipped_texts
from tests.gui.surfaces import DIALOGS, PAGES, add_sample_sessions, open_dialog, show_page

#: The screen in physical pixels; at a scale of 2 the window gets half of it, logically.
SCREEN_PX = (1280, 720)
ROOT = Path(__file__).resolve().parents[2]


def _fit(window: MainWindow) -> None:
    ratio = window.screen().devicePixelRatio()
    window.resize(round(SCREEN_PX[0] / ratio), round(SCREEN_PX[1] / ratio))


@pytest.mark.parametrize("page", PAGES)
def test_no_page_clips_its_text(window: MainWindow, page: str) -> None:
    add_sample_sessions(window)
    _fit(window)
    clips = clipped_texts(show_page(window, page))
    assert not clips, "\n".join(map(str, clips))


@pytest.mark.parametrize("name", DIALOGS)
def test_no_dialog_clips_its_text(window: MainWindow, name: str) -> None:
    _fit(window)
    with open_dialog(window, name) as dialog:
        clips = clipped_texts(dialog)
    assert not clips, "\n".join(map(str, clips))


def scaled_environment(tmp_path: Path, scale: int) -> dict[str, str]:
    """An offscreen screen of SCREEN_PX physical pixels at ``scale`` (for subprocesses)."""
    config = tmp_path / "screen.json"
    screen = {"name": "shot", "x": 0, "y": 0, "width": SCREEN_PX[0], "height": SCREEN_PX[1]}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    return {
        **os.environ,
        "ASMR_TEST_QPA": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": str(scale),
    }


def test_nothing_clips_at_twice_the_scale(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "not twice",
            str(Path(__file__)),
        ],
        cwd=ROOT,
        env=scaled_environment(tmp_path, 2),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
