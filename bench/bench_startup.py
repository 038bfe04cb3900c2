"""Time from process start to the first painted frame: the app against an empty QMainWindow.

Both run in the same way in the same run, interleaved, on Xvfb when it is installed (a real
X11 window) or else offscreen. Prints the median of 5 for each and the ratio.
Usage: python bench/bench_startup.py [--runs N] [--app CMD]
"""

from __future__ import annotations

import argparse
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


def time_to_first_paint(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == b"first-paint":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{cmd[0]} exited without painting")
    proc.wait(timeout=30)
    proc.stdout.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app", default=str(Path(sys.executable).parent / "asmr-desktop"))
    args = parser.parse_args()
    app_times: list[float] = []
    base_times: list[float] = []
    with display() as env, tempfile.TemporaryDirectory() as data:
        env["ASMR_DESKTOP_EXIT_AFTER_FIRST_PAINT"] = "1"
        app_cmd = [*args.app.split(), "--data-dir", data]
        time_to_first_paint(app_cmd, env)  # warm the file cache for both
        time_to_first_paint([sys.executable, "-c", EMPTY_WINDOW], env)
        for _ in range(args.runs):
            base_times.append(time_to_first_paint([sys.executable, "-c", EMPTY_WINDOW], env))
            app_times.append(time_to_first_paint(app_cmd, env))
        platform = env["QT_QPA_PLATFORM"]
    app_ms = statistics.median(app_times) * 1000
    base_ms = statistics.median(base_times) * 1000
    print(f"platform: {platform}, runs: {args.runs}")
    print(f"empty QMainWindow first paint: median {base_ms:.0f} ms")
    print(f"ASMR Desktop first paint:      median {app_ms:.0f} ms")
    print(f"ratio app / empty window:      {app_ms / base_ms:.2f}")


if __name__ == "__main__":
    main()
