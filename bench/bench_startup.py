"""Start-up: process start to the first painted frame, and to "ready to play".

The app against an empty QMainWindow, both run the same way in the same run, interleaved,
on Xvfb when it is installed (a real X11 window) or else offscreen. A frame counts once it
is flushed (the event loop's next turn after the first paint), for both. "Ready" is when
the player is bound to its engine, so Play plays (issue 18: within 1 s). Prints the median
of 5 for each, the ratio of the first paints, and the machine's load.

The package's bytecode is compiled first (``compileall``, as an installed package or the
bundle has it): with PYTHONDONTWRITEBYTECODE set, an editable install would otherwise
compile every module from source at each start, which no installed copy does.
``--no-compile`` leaves that to the environment.
Usage: python bench/bench_startup.py [--runs N] [--app CMD] [--no-compile]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EMPTY_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class W(QMainWindow):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, self.flushed)
    def flushed(self):
        print("first-paint", flush=True)
        QTimer.singleShot(0, self.close)

app = QApplication(sys.argv)
w = W()
w.resize(900, 620)
w.show()
sys.exit(app.exec())
"""


@contextmanager
def display() -> Iterator[dict[str, str]]:
    """A virtual X11 screen when Xvfb exists, else the offscreen platform."""
    env = {**os.environ, "LANG": "C.UTF-8", "SDL_AUDIODRIVER": "dummy"}
    if shutil.which("Xvfb") is None:
        env["QT_QPA_PLATFORM"] = "offscreen"
        yield env
        return
    number = f":{200 + os.getpid() % 50}"
    xvfb = subprocess.Popen(
        ["Xvfb", number, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    env.update(DISPLAY=number, QT_QPA_PLATFORM="xcb")
    try:
        yield env
    finally:
        xvfb.terminate()
        xvfb.wait()


def time_to_marks(cmd: list[str], env: dict[str, str], marks: tuple[str, ...]) -> list[float]:
    """Seconds from starting ``cmd`` to each line of ``marks`` on its stdout, in order."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    times: list[float] = []
    for line in proc.stdout:
        if len(times) < len(marks) and line.strip() == marks[len(times)].encode():
            times.append(time.perf_counter() - start)
    proc.wait(timeout=30)
    proc.stdout.close()
    if len(times) < len(marks):
        raise RuntimeError(f"{cmd[0]} exited before printing {marks[len(times)]!r}")
    return times


def time_to_first_paint(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds to the first painted frame (the app needs EXIT_AFTER_FIRST_PAINT in env)."""
    return time_to_marks(cmd, env, ("first-paint",))[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app", default=str(Path(sys.executable).parent / "asmr-desktop"))
    parser.add_argument("--no-compile", action="store_true")
    args = parser.parse_args()
    if not args.no_compile:
        import asmr_desktop

        compileall.compile_dir(str(Path(asmr_desktop.__file__).parent), quiet=1)
    paint_times: list[float] = []
    ready_times: list[float] = []
    base_times: list[float] = []
    base_cmd = [sys.executable, "-c", EMPTY_WINDOW]
    marks = ("first-paint", "ready")
    with display() as env, tempfile.TemporaryDirectory() as data:
        env["ASMR_DESKTOP_EXIT_WHEN_READY"] = "1"
        app_cmd = [*args.app.split(), "--data-dir", data]
        time_to_marks(app_cmd, env, marks)  # warm the file cache for both; first start
        time_to_marks(base_cmd, env, marks[:1])
        for _ in range(args.runs):
            base_times.extend(time_to_marks(base_cmd, env, marks[:1]))
            paint, ready = time_to_marks(app_cmd, env, marks)
            paint_times.append(paint)
            ready_times.append(ready)
        platform = env["QT_QPA_PLATFORM"]
    paint_ms = statistics.median(paint_times) * 1000
    ready_ms = statistics.median(ready_times) * 1000
    base_ms = statistics.median(base_times) * 1000
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    bytecode = "left to the environment" if args.no_compile else "compiled first"
    print(f"platform: {platform}, runs: {args.runs}, load average {load}, bytecode {bytecode}")
    print(f"empty QMainWindow first paint: median {base_ms:.0f} ms")
    print(f"ASMR Desktop first paint:      median {paint_ms:.0f} ms")
    print(f"ratio app / empty window:      {paint_ms / base_ms:.2f} (goal: at most 1.5)")
    print(f"ASMR Desktop ready to play:    median {ready_ms:.0f} ms (goal: within 1000 ms)")


if __name__ == "__main__":
    main()
