"""Killing a writer at random moments never leaves a broken data file."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from asmr_desktop.core.store import Store, read_raw

WRITER = """
import sys
from pathlib import Path
from asmr_desktop.core.store import Store
store = Store(Path(sys.argv[1]))
print("ready", flush=True)
i = len(store.all("sessions"))
while True:
    i += 1
    store.insert("sessions", {"n": i, "note": "x" * 2000})
"""


def test_kill_during_writes_never_breaks_the_file(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    rng = random.Random(1234)
    previous = 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    for _ in range(12):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, env=env
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.25))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        raw = read_raw(path)  # raises if the file were broken
        assert raw is not None
        count = len(raw.get("sessions", {}))
        assert count >= previous, "a kill lost records that were already saved"
        numbers = sorted(doc["n"] for doc in raw.get("sessions", {}).values())
        assert numbers == list(range(1, count + 1)), "records lost or duplicated"
        previous = count
        store = Store(path)
        assert store.recovered is None
        store.close()
    assert previous > 0, "the writers never got to write; the test proved nothing"
