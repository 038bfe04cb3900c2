"""Analysing files: errors name the file, progress climbs to 1, cancelling stops the work."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import soundfile as sf

from asmr_desktop.analysis.track import AnalysisCancelledError, TrackAnalysis, analyze_file
from asmr_desktop.analysis.verdict import Verdict
from asmr_desktop.core.errors import DecodeError

from .signals import brown, knock


@pytest.fixture
def knocks_wav(tmp_path):
    rate = 22050
    x = brown(12.0, -40.0, rate)
    for t in (4.0, 7.0):
        start = round(t * rate)
        x[start : start + round(0.02 * rate)] += knock(rate, 0.5)
    path = tmp_path / "knocks.wav"
    sf.write(path, x, rate, subtype="FLOAT")
    return path


def test_a_file_is_measured_and_judged(knocks_wav):
    result = analyze_file(knocks_wav)
    assert result.path == str(knocks_wav)
    assert result.measurement.rate_hz == 22050
    assert result.measurement.duration_s == pytest.approx(12.0)
    assert result.integrated_lufs is not None
    assert [round(s.time_s, 1) for s in result.measurement.sudden_sounds] == [4.0, 7.0]
    assert result.verdict is Verdict.SUDDEN
    assert result.explanation == "2 sudden sounds, first at 0:04."


def test_blocks_do_not_change_the_result(knocks_wav):
    a = analyze_file(knocks_wav, block_frames=65536)
    b = analyze_file(knocks_wav, block_frames=1000)
    assert a.integrated_lufs == pytest.approx(b.integrated_lufs, abs=1e-6)
    assert a.true_peak_dbtp == pytest.approx(b.true_peak_dbtp, abs=1e-6)
    assert a.measurement.sudden_sounds == b.measurement.sudden_sounds


def test_to_dict_and_back_is_lossless(knocks_wav):
    result = analyze_file(knocks_wav)
    assert TrackAnalysis.from_dict(result.to_dict()) == result


def test_progress_rises_to_one(knocks_wav):
    seen: list[float] = []
    analyze_file(knocks_wav, progress=seen.append, block_frames=22050)
    assert len(seen) >= 12
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert 0.0 < seen[0] < 0.2


def test_cancel_stops_between_blocks(knocks_wav):
    stop = threading.Event()
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0.25:
            stop.set()

    with pytest.raises(AnalysisCancelledError, match=r"knocks\.wav"):
        analyze_file(knocks_wav, progress=progress, cancelled=stop.is_set, block_frames=22050)
    assert max(seen) < 0.5


def test_missing_file_is_a_decode_error_naming_it(tmp_path):
    missing = tmp_path / "gone.flac"
    with pytest.raises(DecodeError, match=r"gone\.flac"):
        analyze_file(missing)


def test_corrupt_file_is_a_decode_error_naming_it(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x10\x00\x00\x00WAVEnot really audio at all" * 20)
    with pytest.raises(DecodeError, match=r"bad\.wav"):
        analyze_file(bad)


def test_a_text_file_is_not_audio(tmp_path):
    text = tmp_path / "notes.mp3"
    text.write_text("not audio")
    with pytest.raises(DecodeError, match=r"notes\.mp3"):
        analyze_file(text)


def test_a_damaged_file_decodes_without_nan_reaching_the_numbers(tmp_path):
    rate = 8000
    x = np.full((rate * 2, 1), 0.1, dtype=np.float32)
    x[100:200] = np.nan
    path = tmp_path / "nan.wav"
    sf.write(path, x, rate, subtype="FLOAT")
    result = analyze_file(path)
    assert result.true_peak_dbtp is not None
    assert np.isfinite(result.true_peak_dbtp)
