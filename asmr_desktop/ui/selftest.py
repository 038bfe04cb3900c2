"""``--self-test``: a headless health check of Qt, fonts, the data store and audio output."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.paths import AppPaths, ensure_writable_dir

Check = Callable[[], str]


def _check_qt() -> str:
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        QApplication([sys.argv[0], "-platform", "offscreen"])
    return f"Qt {qVersion()} started ({QApplication.platformName()})"


def _check_fonts() -> str:
    """Fonts exist and really draw letters: without fonts Qt draws boxes and says nothing."""
    from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter

    families = QFontDatabase.families()
    if not families:
        raise AsmrError("no fonts found: install fonts-dejavu-core (text would show as boxes)")

    def draw(text: str) -> QImage:
        image = QImage(64, 64, QImage.Format.Format_RGB32)
        image.fill(QColor("black"))
        painter = QPainter(image)
        painter.setPen(QColor("white"))
        painter.setFont(QFont(families[0], 28))
        painter.drawText(8, 48, text)
        painter.end()
        return image

    # Distinct letters must give distinct pictures: boxes would all look alike.
    pictures = {bytes(draw(letter).constBits()) for letter in "AOWx"}
    if len(pictures) < 4:
        raise AsmrError("fonts do not draw letters (text would show as boxes)")
    return f"{len(families)} font families, letters draw (e.g. {families[0]})"


def _check_store(paths: AppPaths) -> Callable[[], str]:
    def check() -> str:
        from asmr_desktop.core.store import Store

        ensure_writable_dir(paths.data_dir)
        with tempfile.TemporaryDirectory(prefix=".self-test-", dir=paths.data_dir) as tmp:
            path = Path(tmp) / "check.json"
            store = Store(path)
            doc_id = store.insert("check", {"value": "ünïcode ✓"})
            store.close()
            reopened = Store(path)
            back = reopened.get("check", doc_id)
            reopened.close()
            mode = path.stat().st_mode & 0o777
            if back is None or back["value"] != "ünïcode ✓":
                raise AsmrError("the data store did not read back what it wrote")
            if mode != 0o600:
                raise AsmrError(f"data file mode is {mode:o}, expected 600 (owner only)")
        return f"data store writes and reads back in {paths.data_dir}"

    return check


def _check_audio() -> str:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    try:
        pygame.mixer.init(frequency=48000, size=-16, channels=2, buffer=1024)
    except pygame.error as exc:
        raise AsmrError(f"audio output cannot be opened: {exc}") from exc
    try:
        init = pygame.mixer.get_init()
        if not init:
            raise AsmrError("audio output did not open")
        rate, size, channels = init
        driver = os.environ.get("SDL_AUDIODRIVER", "default")
    finally:
        pygame.mixer.quit()
    return f"audio output opens ({driver}: {rate} Hz, {abs(size)}-bit, {channels} ch)"


def run_self_test(paths: AppPaths, out: TextIO = sys.stdout) -> int:
    """Run every check, print one line each, return 0 when all pass, else 1."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    checks: list[tuple[str, Check]] = [
        ("qt", _check_qt),
        ("fonts", _check_fonts),
        ("store", _check_store(paths)),
        ("audio", _check_audio),
    ]
    failed = 0
    for name, check in checks:
        try:
            detail = check()
        except Exception as exc:
            failed += 1
            print(f"FAIL {name}: {exc}", file=out)
        else:
            print(f"ok   {name}: {detail}", file=out)
    with contextlib.suppress(Exception):
        out.flush()
    print("self-test passed" if not failed else f"self-test FAILED ({failed} problems)", file=out)
    return 0 if not failed else 1
