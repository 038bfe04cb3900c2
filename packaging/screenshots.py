"""Every page and dialog of the window as PNG files, at 1280x720 and at 2x (issue 17).

Usage: python packaging/screenshots.py [OUT_DIR] (default build/screenshots), or
``make screenshots``. For each scale it starts an Xvfb screen (1280x720, and 2560x1440 with
QT_SCALE_FACTOR=2, so the window has the same 1280x720 logical pixels), runs itself there
on the real X11 platform with a seeded demo data folder (ready playlists, three weeks of
rated sessions and daily check-ins, so History and Trends show content), opens every
surface the way a person opens it and saves the whole screen as OUT_DIR/NAME-720p.png and
OUT_DIR/NAME-2x.png. Nothing plays (a null audio output); nothing needs a sound card.

:data:`SHOTS` is the list; tests/test_packaging.py checks that it covers every tab of the
main window and every QDialog subclass in asmr_desktop/ui (:data:`DIALOG_SHOTS`), so a new
dialog without a screenshot fails there.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    from asmr_desktop.core.context import AppContext
    from asmr_desktop.ui.main_window import MainWindow

sys.path.insert(0, str(ROOT))
# The same names the clipping and focus-ring tests open (Qt-free, read before Qt starts):
# the window's tabs (each saved as page-<title>) and every dialog, by shot name.
from tests.gui.names import DIALOGS, PAGES  # noqa: E402

#: Every QDialog subclass in asmr_desktop/ui, and the shots that show it (checked by a test;
#: a base class that is never shown alone is listed with no shots of its own).
DIALOG_SHOTS: dict[str, tuple[str, ...]] = {
    "AboutDialog": ("about",),
    "CheckInDialog": ("check-in",),
    "GuardedDialog": (),  # the base of the prompts below
    "_PainDialog": (),
    "PainBeforeDialog": ("pain-before",),
    "RatingDialog": ("rating", "rating-forgot"),
    "PreferencesDialog": ("preferences",),
    "SoundscapeDialog": ("soundscape",),
    "LayersPanel": ("layers",),
    "ShortcutsDialog": ("shortcuts",),
}
#: Every shot, in the order taken (visual-only last: leaving it asks for a rating).
SHOTS = (*(f"page-{p.lower()}" for p in PAGES), *DIALOGS, "visual-only")
SCALES = {"720p": (1, (1280, 720)), "2x": (2, (2560, 1440))}

#: What the demo diary plays, rests and rates.
_PLAYLISTS = ("Before sleep", "Migraine: quiet", "Afternoon break")
_SOUNDS = (["Rain", "Brown noise"], ["Fireplace"], ["Soft wind", "Rain"], ["Tapping"])


def seed_demo(context: AppContext, days: int = 21, seed: int = 7) -> None:
    """Three weeks of sessions (sound, visual-only, rest) with ratings, and daily check-ins,
    written through the diary's own services with a clock set back in time."""
    from asmr_desktop.diary.days import DayBook, Headache
    from asmr_desktop.diary.model import EndReason, Mode
    from asmr_desktop.diary.service import Diary

    rng = random.Random(seed)
    real_now = context.clock()
    moment = [real_now]
    diary = Diary(context.store, lambda: moment[0])
    book = DayBook(context.store, lambda: moment[0])
    today = real_now.astimezone().date()
    for back in range(days, -1, -1):
        day = today - timedelta(days=back)
        evening = datetime(day.year, day.month, day.day, 21, 30).astimezone(UTC)
        if back > 0:
            mode = rng.choice((Mode.AUDIO, Mode.AUDIO, Mode.AUDIO, Mode.VISUAL, Mode.REST))
            moment[0] = evening
            before = rng.randint(2, 7)
            session = diary.start(
                mode,
                playlist=rng.choice(_PLAYLISTS) if mode is Mode.AUDIO else "",
                items=rng.choice(_SOUNDS) if mode is Mode.AUDIO else [],
                volume=0.4 if mode is Mode.AUDIO else None,
                pain_before=before,
            )
            assert session.id is not None
            moment[0] = evening + timedelta(minutes=rng.choice((15, 20, 30, 45)))
            diary.end(session.id, EndReason.STOPPED)
            relief = rng.randint(0, 3) if mode is not Mode.REST else rng.randint(0, 1)
            diary.rate(
                session.id,
                max(0, before - relief),
                triggers=rng.sample(["stress", "poor sleep", "screens"], k=rng.randint(0, 2)),
            )
        level = rng.choice(
            (Headache.NONE, Headache.NONE, Headache.MILD, Headache.MODERATE, Headache.SEVERE)
        )
        moment[0] = min(evening + timedelta(hours=1), real_now)
        book.record(day, level)
    moment[0] = real_now


def _wait(ms: int) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + ms / 1000
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def _close_prompts(window: MainWindow) -> None:
    """A prompt the start queued (a deferred rating, the check-in) is not a page's look."""
    from PySide6.QtWidgets import QApplication, QDialog

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            print(f"closed a prompt (not part of a shot): {widget.windowTitle()!r}")
            widget.reject()
    _wait(100)


def take_all(out: Path, suffix: str) -> int:
    """In this process, on the display of the environment: every shot, saved as PNG."""
    from PySide6.QtWidgets import QApplication

    from asmr_desktop.app import OUTPUT_RATE_HZ, build_window, open_context
    from asmr_desktop.audio.output import NullOutput
    from asmr_desktop.core.paths import AppPaths
    from asmr_desktop.ui.theme import apply_theme
    from tests.gui.surfaces import open_dialog, settle, show_page

    app = QApplication([sys.argv[0]])
    apply_theme(app)
    data = Path(tempfile.mkdtemp(prefix="asmr-shots-"))
    context = open_context(AppPaths.under(data))
    context.settings.update(ask_before_session=False, checkin_enabled=False)
    seed_demo(context)
    window = build_window(context, output=NullOutput(OUTPUT_RATE_HZ, 2, realtime=False))
    screen = app.primaryScreen()
    window.setGeometry(screen.availableGeometry())
    window.show()
    _wait(800)
    _close_prompts(window)
    missing: list[str] = []

    def save(name: str) -> None:
        settle()
        _wait(300)
        path = out / f"{name}-{suffix}.png"
        # Asked each time: the QScreen wrapper taken at start can be gone by now (seen after
        # a native file dialog closed on Xvfb: "Internal C++ object already deleted").
        current = QApplication.primaryScreen()
        if current is None or not current.grabWindow(0).save(str(path)):
            missing.append(name)
        print(f"saved {path}")

    for page in PAGES:
        show_page(window, page)
        save(f"page-{page.lower()}")
    show_page(window, "Play")
    for name in DIALOGS:
        with open_dialog(window, name):
            save(name)
    view = window.enter_visual_only()
    if view is None:
        missing.append("visual-only")
    else:
        _wait(2500)  # the scene fades in slowly
        save("visual-only")
        window.leave_visual_only()
    _close_prompts(window)
    window.quit_app()
    _wait(200)
    context.close()
    shutil.rmtree(data, ignore_errors=True)
    if missing:
        print(f"not saved: {', '.join(missing)}", file=sys.stderr)
    return 1 if missing else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--child":
        return take_all(Path(argv[1]), argv[2])
    out = Path(argv[0] if argv else ROOT / "build" / "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    if shutil.which("Xvfb") is None:
        print("needs Xvfb (xvfb): packaging/system-deps.sh screenshot", file=sys.stderr)
        return 1
    status = 0
    for offset, (suffix, (scale, (width, height))) in enumerate(SCALES.items()):
        display = f":{150 + (os.getpid() + offset) % 50}"
        xvfb = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(1.0)
            env = {
                **os.environ,
                "DISPLAY": display,
                "QT_QPA_PLATFORM": "xcb",
                "QT_SCALE_FACTOR": str(scale),
                "SDL_AUDIODRIVER": "dummy",
                "LANG": os.environ.get("LANG", "C.UTF-8"),
                "PYGAME_HIDE_SUPPORT_PROMPT": "1",
            }
            env.pop("XDG_RUNTIME_DIR", None)
            child = [sys.executable, str(Path(__file__).resolve()), "--child", str(out), suffix]
            status |= subprocess.run(child, env=env, check=False, timeout=300).returncode
        finally:
            xvfb.terminate()
            xvfb.wait()
    print(f"screenshots in {out}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
