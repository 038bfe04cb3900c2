"""libmpg123's own stderr lines go to the log; every other line still reaches stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]

#: Decodes a damaged MP3 (routed or not), writes two lines of its own on stderr, both from
#: Python and straight to descriptor 2, and reports what the log received.
SCRIPT = """
import json, logging, os, sys
from pathlib import Path
from asmr_desktop.audio.chatter import routed_stderr
from asmr_desktop.audio.decoder import FileSource
from asmr_desktop.core.errors import DecodeError

records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.getLogger().addHandler(Keep())
logging.getLogger().setLevel(logging.INFO)

def decode():
    for path in sys.argv[2:]:
        try:
            source = FileSource(Path(path))
            while len(source.read(4096)):
                pass
        except DecodeError:
            pass
    print("a line of the app's own", file=sys.stderr, flush=True)
    os.write(2, b"a line from C\\n")

if sys.argv[1] == "routed":
    with routed_stderr():
        decode()
else:
    decode()
print(json.dumps(records))
"""


def damaged_mp3s(folder: Path) -> list[str]:
    rng = np.random.default_rng(0)
    tagged = folder / "bad.mp3"
    tagged.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + rng.bytes(5000))
    # MPEG-1 layer III frame headers (128 kbit/s, 44.1 kHz) over random side information:
    # libmpg123 reads each as a frame and finds "part2_3_length too large".
    frames = b"".join(b"\xff\xfb\x90\x64" + rng.bytes(413) for _ in range(40))
    broken = folder / "frames.mp3"
    broken.write_bytes(frames)
    return [str(tagged), str(broken)]


def run(mode: str, files: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, *files],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"},
        check=True,
    )


def test_the_decoders_lines_go_to_the_log_and_the_rest_to_stderr(tmp_path: Path) -> None:
    files = damaged_mp3s(tmp_path)
    plain = run("plain", files)
    # Without the routing the damaged files do print libmpg123's lines (the case is real).
    assert "part2_3_length" in plain.stderr, plain.stderr[-2000:]
    routed = run("routed", files)
    assert routed.stderr.splitlines() == ["a line of the app's own", "a line from C"]
    logged = json.loads(routed.stdout.strip().splitlines()[-1])
    own = {"a line of the app's own", "a line from C"}
    chatter = [line for line in plain.stderr.splitlines() if line not in own]
    assert len(logged) == len(chatter) > 10
    assert any("part2_3_length" in line and "too large" in line for line in logged)
    assert all(line.startswith("decoder: ") for line in logged)
