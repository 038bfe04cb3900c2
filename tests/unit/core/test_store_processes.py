"""Two processes on one data folder: one writer at a time, nothing reported saved is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asmr_desktop.cli.parser import parse, run_command
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.core.store import read_raw

ROOT = Path(__file__).resolve().parents[3]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

#: A window-like writer: waits until it owns the folder, then saves sessions and reports
#: each one saved; a failed save is reported too.
WRITER = """
import sys, time
from pathlib import Path
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.diary.model import Mode
from asmr_desktop.diary.service import Diary
paths = AppPaths.under(Path(sys.argv[1]))
count, until = int(sys.argv[2]), time.monotonic() + float(sys.argv[3])
print("started", flush=True)
while True:
    try:
        context = AppContext.open(paths)
        break
    except AsmrError as exc:
        if "already using" not in str(exc) or time.monotonic() > until:
            raise
        time.sleep(0.02)
diary = Diary(context.store, context.clock)
done = 0
while done < count or (count == 0 and time.monotonic() < until):
    try:
        session = diary.start(Mode.AUDIO, playlist="stress")
        diary.rate(session.id, 3)
    except AsmrError as exc:
        print("failed", exc, flush=True)
    else:
        print("saved", session.uid, flush=True)
    done += 1
context.close()
"""


def _writer(data: Path, count: int, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), str(count), str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def _results(proc: subprocess.Popen[str]) -> tuple[list[str], list[str], str]:
    out, err = proc.communicate(timeout=120)
    lines = out.splitlines()
    saved = [line.split()[1] for line in lines if line.startswith("saved ")]
    failed = [line for line in lines if line.startswith("failed")]
    return saved, failed, err


def _stored_uids(data: Path) -> list[str]:
    raw = read_raw(AppPaths.under(data).store_file)
    assert raw is not None
    return [doc["uid"] for doc in raw.get("sessions", {}).values()]


def test_two_writers_started_together_lose_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    writers = [_writer(data, 120, 60.0) for _ in range(2)]
    results = [_results(w) for w in writers]
    for saved, failed, err in results:
        assert failed == [] and "Traceback" not in err, (failed[:3], err[-2000:])
        assert len(saved) == 120
    stored = _stored_uids(data)
    every_saved = [uid for saved, _, _ in results for uid in saved]
    assert sorted(stored) == sorted(every_saved), "a session reported saved is missing"
    assert len(set(stored)) == 240


def test_exports_while_a_window_saves_never_disturb_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    writer = _writer(data, 0, 6.0)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "started"
    while not AppPaths.under(data).store_file.exists():
        time.sleep(0.02)
    exports = 0
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        args = parse(["--data-dir", str(data), "export", "--json", str(tmp_path / "out.json")])
        assert run_command(args) == 0
        exports += 1
    saved, failed, err = _results(writer)
    assert failed == [] and "Traceback" not in err, (failed[:3], err[-2000:])
    assert exports >= 5 and len(saved) >= 20, (exports, len(saved))
    assert sorted(_stored_uids(data)) == sorted(saved)


def test_a_second_window_never_opens_the_same_folder(tmp_path: Path) -> None:
    from asmr_desktop.core.context import DataFolderBusyError

    paths = AppPaths.under(tmp_path / "data")
    first = AppContext.open(paths)
    try:
        with pytest.raises(DataFolderBusyError, match=r"already using .*process \d+"):
            AppContext.open(paths)
        with pytest.raises(DataFolderBusyError):
            AppContext.open_for_command(paths, write=True)
        snapshot = AppContext.open_for_command(paths, write=False)
        assert snapshot.read_only
        snapshot.close()
    finally:
        first.close()
    AppContext.open(paths).close()  # released with the window
