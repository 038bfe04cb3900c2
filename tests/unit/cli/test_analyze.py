"""``asmr-desktop analyze``: rows or JSON, one stderr line per unreadable file, exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from asmr_desktop.cli.parser import parse, run_command
from tests.unit.analysis.signals import sine, white


@pytest.fixture
def files(tmp_path):
    calm = tmp_path / "calm.wav"
    sf.write(calm, sine(-30.0, 3.0, rate=16000), 16000)
    hiss = tmp_path / "hiss.flac"
    sf.write(hiss, white(3.0, -30.0, 32000), 32000)
    return calm, hiss


def _run(capsys, *argv):
    code = run_command(parse([str(a) for a in argv]))
    out, err = capsys.readouterr()
    return code, out, err


def test_rows_for_each_file(tmp_path, files, capsys):
    calm, hiss = files
    code, out, err = _run(capsys, "--data-dir", tmp_path / "data", "analyze", calm, hiss)
    assert code == 0
    assert err == ""
    header, *rows = out.splitlines()
    assert "LUFS" in header
    assert "verdict" in header
    assert len(rows) == 2
    assert rows[0].split()[:2] == ["-30.0", "0.0"]
    assert "gentle" in rows[0]
    assert str(calm) in rows[0]
    assert "bright" in rows[1]
    assert str(hiss) in rows[1]


def test_json_has_all_fields(tmp_path, files, capsys):
    calm, hiss = files
    code, out, _ = _run(capsys, "--data-dir", tmp_path / "data", "analyze", "--json", calm, hiss)
    assert code == 0
    data = json.loads(out)
    assert [d["path"] for d in data] == [str(calm), str(hiss)]
    assert set(data[0]) >= {
        "integrated_lufs",
        "loudness_range_lu",
        "true_peak_dbtp",
        "bright_share",
        "sudden_count",
        "sudden_sounds",
        "verdict",
        "explanation",
    }
    assert data[0]["integrated_lufs"] == pytest.approx(-30.0, abs=0.1)
    assert data[1]["verdict"] == "bright"


def test_unreadable_file_is_one_stderr_line_and_exit_1_while_others_report(tmp_path, files, capsys):
    calm, hiss = files
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFFjunk")
    missing = tmp_path / "missing.ogg"
    code, out, err = _run(
        capsys, "--data-dir", tmp_path / "data", "analyze", "--json", calm, bad, missing, hiss
    )
    assert code == 1
    assert [d["path"] for d in json.loads(out)] == [str(calm), str(hiss)]
    lines = err.splitlines()
    assert len(lines) == 2
    assert "broken.wav" in lines[0]
    assert "missing.ogg" in lines[1]
    assert all(line.startswith("asmr-desktop: error: ") for line in lines)


def test_results_are_cached_under_the_data_dir(tmp_path, files, capsys):
    calm, _ = files
    _run(capsys, "--data-dir", tmp_path / "data", "analyze", calm)
    assert len(list((tmp_path / "data" / "cache" / "analysis").glob("*.json"))) == 1
    _run(capsys, "--data-dir", tmp_path / "other", "analyze", "--no-cache", calm)
    assert not (tmp_path / "other" / "cache" / "analysis").exists()


def test_needs_at_least_one_file(capsys):
    with pytest.raises(SystemExit) as exc:
        parse(["analyze"])
    assert exc.value.code == 2
    capsys.readouterr()


def test_through_the_entry_point_in_a_subprocess(tmp_path, files):
    calm, _ = files
    env = {**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from asmr_desktop.app import main; sys.exit(main())",
            "--data-dir",
            str(tmp_path / "data"),
            "analyze",
            str(calm),
            str(tmp_path / "no.wav"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=root,
        check=False,
    )
    assert done.returncode == 1
    assert "gentle" in done.stdout
    assert done.stderr.strip().splitlines() == [
        f"asmr-desktop: error: {tmp_path / 'no.wav'}: file not found (moved or deleted?)"
    ]
