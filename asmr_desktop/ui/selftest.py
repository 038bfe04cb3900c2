"""``--self-test``: a health check of Qt, fonts, the data store and audio output.

It checks what the window would really use: the Qt platform of this session (xcb when
DISPLAY is set, wayland in a Wayland session) and the sound device SDL picks, and it says
so plainly when it could not (no display, a dummy audio driver): "ok" only for what was
really tried. Nothing here imports Qt at module level, so app.py can use the hints below
when Qt itself fails to load.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.paths import AppPaths, ensure_writable_dir

log = logging.getLogger(__name__)

Check = Callable[[], str]

#: Shared libraries Qt and the window load, and the Debian package that provides each.
DEBIAN_PACKAGES = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libpulse.so.0": "libpulse0",
    "libpulse-simple.so.0": "libpulse0",
    "libasound.so.2": "libasound2",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
}
#: Without fonts Qt draws every character as a box, prints nothing and exits 0 (FACTS.md).
FONT_PACKAGES = "fonts-dejavu-core fontconfig-config"
#: What Qt's X11 platform plugin needs beyond the offscreen one (FACTS.md, measured on
#: minbase); Qt's own error always names libxcb-cursor0, whichever one is missing.
XCB_PACKAGES = "libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0"
#: SDL loads its sound back ends by these names at run time (dlopen), never links them:
#: PulseAudio (also PipeWire's pulse server) first, then plain ALSA.
AUDIO_LIBRARIES = ("libpulse-simple.so.0", "libasound.so.2")
#: SDL drivers that play to nothing (or to a file): opening them proves no sound device.
SILENT_AUDIO_DRIVERS = frozenset({"dummy", "disk"})


class SelfTestWarningError(AsmrError):
    """Something the window can live without (no display here, no sound device)."""


def missing_library_hint(error: BaseException | str) -> str:
    """One sentence naming the Debian package for a library in a loader error, e.g.
    "libEGL.so.1: cannot open shared object file"."""
    text = str(error)
    match = re.search(r"(lib[\w.+-]+\.so(?:\.\d+)*)", text)
    if match is None:
        return f"Qt cannot start ({text})."
    library = match.group(1)
    package = DEBIAN_PACKAGES.get(library)
    if package is None:
        return (
            f"Qt cannot start: the system library {library} is missing. Install the package "
            f"that provides it (on Debian: apt-file search {library})."
        )
    return (
        f"Qt cannot start: the system library {library} is missing. "
        f"Install it with: sudo apt-get install {package}"
    )


def missing_audio_libraries(load: Callable[[str], object] = ctypes.CDLL) -> str | None:
    """A sentence naming the package to install when SDL can load no sound back end."""
    for name in AUDIO_LIBRARIES:
        try:
            load(name)
        except OSError:
            continue
        return None
    return (
        "No sound library is installed, so no sound can play (visual-only mode works). "
        "Install libpulse0 (PulseAudio or PipeWire), or libasound2 on a plain ALSA system."
    )


def font_problem() -> str | None:
    """Why text would show as boxes (no fonts, or fonts that draw no letters), else None.
    Needs a QGuiApplication."""
    from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter

    families = QFontDatabase.families()
    if not families:
        return f"no fonts found: install {FONT_PACKAGES} (text would show as boxes)"

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
        return f"fonts do not draw letters: install {FONT_PACKAGES} (text would show as boxes)"
    return None


def window_platform(environ: Mapping[str, str]) -> tuple[str, str]:
    """The Qt platform(s) the window would try, as QT_QPA_PLATFORM spells them, and why.

    Mirrors Qt 6's own choice: QT_QPA_PLATFORM when set; in a Wayland session wayland,
    then xcb; with DISPLAY xcb. An empty result means no display at all.
    """
    asked = environ.get("QT_QPA_PLATFORM", "")
    if asked:
        return asked, "as QT_QPA_PLATFORM asks"
    wayland = environ.get("XDG_SESSION_TYPE") == "wayland" or (
        bool(environ.get("WAYLAND_DISPLAY")) and not environ.get("DISPLAY")
    )
    if wayland and environ.get("WAYLAND_DISPLAY"):
        return "wayland;xcb", f"WAYLAND_DISPLAY={environ['WAYLAND_DISPLAY']}"
    if environ.get("DISPLAY"):
        return "xcb", f"DISPLAY={environ['DISPLAY']}"
    return "", "no DISPLAY or WAYLAND_DISPLAY"


def _check_qt() -> str:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler, qVersion
    from PySide6.QtWidgets import QApplication

    wanted, why = window_platform(os.environ)
    messages: list[str] = []

    def keep(kind: QtMsgType, _context: object, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg:
            messages.append(message)

    if QApplication.instance() is None:
        # offscreen last: when the real platform cannot start, the checks after this one
        # still run (Qt would otherwise abort the process).
        tried = f"{wanted};offscreen" if wanted and wanted != "offscreen" else "offscreen"
        previous = qInstallMessageHandler(keep)
        try:
            QApplication([sys.argv[0], "-platform", tried])
        finally:
            qInstallMessageHandler(previous)
    started = QApplication.platformName()
    detail = f"Qt {qVersion()} started ({started}, {why})"
    if not wanted:
        raise SelfTestWarningError(
            f"{detail}: only checked offscreen; the window needs a desktop session"
        )
    if started == "offscreen" and "offscreen" not in wanted:
        reason = messages[0] if messages else "no reason given"
        if "could not connect to display" in reason:
            advice = "check that the desktop session is running and DISPLAY is right"
        else:
            advice = (
                f"for X11 install {XCB_PACKAGES}; run with QT_DEBUG_PLUGINS=1 to see which "
                "library is missing"
            )
        raise AsmrError(
            f"the window's platform ({wanted}, {why}) did not start: {reason}; {advice}"
        )
    return detail


def _check_fonts() -> str:
    """Fonts exist and really draw letters: without fonts Qt draws boxes and says nothing."""
    from PySide6.QtGui import QFontDatabase

    problem = font_problem()
    if problem is not None:
        raise AsmrError(problem)
    families = QFontDatabase.families()
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


def sdl_audio_driver() -> str:
    """The audio driver SDL opened, read from the SDL library pygame loaded (pygame has no
    call for it); "unknown" when the library cannot be found."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/maps").read_text().splitlines():
            path = line.split(maxsplit=5)[-1]
            if re.search(r"/libSDL2-2(\.0|-[0-9a-f]+)[^/]*\.so", path):
                sdl = ctypes.CDLL(path)
                sdl.SDL_GetCurrentAudioDriver.restype = ctypes.c_char_p
                name = sdl.SDL_GetCurrentAudioDriver()
                return name.decode() if name else "none"
    return "unknown"


def _check_audio() -> str:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    asked = os.environ.get("SDL_AUDIODRIVER", "")
    missing = None if asked else missing_audio_libraries()
    try:
        pygame.mixer.init(frequency=48000, size=-16, channels=2, buffer=1024)
    except pygame.error as exc:
        if asked:  # a driver asked for by name that does not work is a real failure
            raise AsmrError(
                f"audio output cannot be opened (SDL_AUDIODRIVER={asked}): {exc}"
            ) from exc
        raise SelfTestWarningError(f"no sound device ({exc}). {missing or ''}".strip()) from exc
    try:
        init = pygame.mixer.get_init()
        if not init:
            raise AsmrError("audio output did not open")
        rate, size, channels = init
        driver = sdl_audio_driver()
    finally:
        pygame.mixer.quit()
    detail = f"audio output opens ({driver}: {rate} Hz, {abs(size)}-bit, {channels} ch)"
    if driver in SILENT_AUDIO_DRIVERS or asked in SILENT_AUDIO_DRIVERS:
        raise SelfTestWarningError(
            f"{detail}, but the {driver} driver plays to nothing: the sound device was not checked"
        )
    return detail


#: The window's start-up markers (app.py prints them when ASMR_DESKTOP_EXIT_WHEN_READY=1).
STARTUP_MARKS = ("first-paint", "ready")
STARTUP_TIMEOUT_S = 30.0
#: Issue 18: the full player is usable within this long of the start.
READY_GOAL_S = 1.0


def _check_startup() -> str:
    """Start the real window (in a fresh data folder, on the platform the Qt check
    started) and time its first frame and the moment Play works, from process start."""
    from PySide6.QtWidgets import QApplication

    command = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m"]
    if not getattr(sys, "frozen", False):
        command.append("asmr_desktop")
    env = {
        **os.environ,
        "ASMR_DESKTOP_EXIT_WHEN_READY": "1",
        "QT_QPA_PLATFORM": QApplication.platformName() or "offscreen",
    }
    with tempfile.TemporaryDirectory(prefix="asmr-self-test-") as data:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*command, "--data-dir", data, "--no-error-dialogs"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        times: list[float] = []
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if (
                    len(times) < len(STARTUP_MARKS)
                    and line.strip() == STARTUP_MARKS[len(times)].encode()
                ):
                    times.append(time.perf_counter() - start)
            proc.wait(timeout=STARTUP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout is not None:
                proc.stdout.close()
    if len(times) < len(STARTUP_MARKS):
        raise AsmrError(f"the window did not start (exit status {proc.returncode}); see the log")
    paint, ready = times
    detail = f"first frame {paint:.2f} s, ready to play {ready:.2f} s after start"
    if ready > READY_GOAL_S:  # a fact to note, not a fault: a busy machine is slow too
        detail += f" (slower than the {READY_GOAL_S:g} s goal)"
    return detail


def run_self_test(paths: AppPaths, out: TextIO = sys.stdout) -> int:
    """Run every check, print one line each, return 0 when none failed, else 1.

    A warning (no display, no sound device, a silent audio driver) is printed as WARN and
    does not fail: the app still works without sound, and headless machines use offscreen.
    """
    checks: list[tuple[str, Check]] = [
        ("qt", _check_qt),
        ("fonts", _check_fonts),
        ("store", _check_store(paths)),
        ("audio", _check_audio),
        ("startup", _check_startup),
    ]
    failed = warned = 0
    for name, check in checks:
        try:
            detail = check()
        except SelfTestWarningError as warning:
            warned += 1
            print(f"WARN {name}: {warning}", file=out)
        except Exception as exc:
            failed += 1
            print(f"FAIL {name}: {exc}", file=out)
        else:
            print(f"ok   {name}: {detail}", file=out)
    with contextlib.suppress(Exception):
        out.flush()
    if failed:
        print(f"self-test FAILED ({failed} problems)", file=out)
    elif warned:
        print(f"self-test passed with {warned} warning{'s' if warned > 1 else ''}", file=out)
    else:
        print("self-test passed", file=out)
    return 0 if not failed else 1
