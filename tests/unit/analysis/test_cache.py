"""The analysis cache: hit, miss, invalidation on change, corrupt entries, file mode."""

from __future__ import annotations

import json
import os
import stat

import pytest
import soundfile as sf

from asmr_desktop.analysis import cache as cache_module
from asmr_desktop.analysis.cache import AnalysisCache

from .signals import sine


@pytest.fixture
def track(tmp_path):
    path = tmp_path / "tone.wav"
    sf.write(path, sine(-30.0, 3.0, rate=16000), 16000)
    return path


@pytest.fixture
def counted(monkeypatch):
    """Counts real analyses behind the cache."""
    calls: list[str] = []
    real = cache_module.analyze_file

    def spy(path, **kwargs):
        calls.append(str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(cache_module, "analyze_file", spy)
    return calls


def test_miss_then_hit(tmp_path, track, counted):
    cache = AnalysisCache(tmp_path / "cache")
    assert cache.get(track) is None
    first = cache.analyze(track)
    second = cache.analyze(track)
    assert counted == [str(track)]
    assert second == first
    assert cache.measured_loudness(track) == pytest.approx(-30.0, abs=0.1)
    assert cache.measured_true_peak(track) == pytest.approx(-30.0, abs=0.1)


def test_a_new_cache_object_on_the_same_folder_hits(tmp_path, track, counted):
    AnalysisCache(tmp_path / "cache").analyze(track)
    assert AnalysisCache(tmp_path / "cache").get(track) is not None
    assert len(counted) == 1


def test_modified_file_is_analysed_again(tmp_path, track, counted):
    cache = AnalysisCache(tmp_path / "cache")
    cache.analyze(track)
    st = track.stat()
    os.utime(track, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert cache.get(track) is None
    assert cache.measured_loudness(track) is None
    cache.analyze(track)
    assert len(counted) == 2
    assert cache.get(track) is not None


def test_same_mtime_but_new_size_is_a_miss(tmp_path, track):
    cache = AnalysisCache(tmp_path / "cache")
    cache.analyze(track)
    st = track.stat()
    sf.write(track, sine(-20.0, 4.0, rate=16000), 16000)
    os.utime(track, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.get(track) is None
    assert cache.analyze(track).integrated_lufs == pytest.approx(-20.0, abs=0.1)


def test_unknown_track_has_no_measured_loudness(tmp_path, track):
    assert AnalysisCache(tmp_path / "cache").measured_loudness(track) is None
    assert AnalysisCache(tmp_path / "cache").measured_loudness(tmp_path / "nope.wav") is None


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b"[]", b'{"schema": 1}', b"null"],
)
def test_corrupt_entry_is_ignored_and_rebuilt(tmp_path, track, counted, content):
    cache = AnalysisCache(tmp_path / "cache")
    cache.analyze(track)
    entry = cache.entry_path(track)
    entry.write_bytes(content)
    assert cache.get(track) is None
    assert cache.analyze(track).integrated_lufs == pytest.approx(-30.0, abs=0.1)
    assert len(counted) == 2
    assert json.loads(entry.read_text())["analysis"]["path"] == str(track)


def test_entry_with_wrong_types_is_ignored(tmp_path, track):
    cache = AnalysisCache(tmp_path / "cache")
    cache.analyze(track)
    entry = cache.entry_path(track)
    record = json.loads(entry.read_text())
    record["analysis"]["integrated_lufs"] = "loud"
    entry.write_text(json.dumps(record))
    assert cache.get(track) is None


def test_entries_are_owner_only_and_no_temp_files_remain(tmp_path, track):
    folder = tmp_path / "cache"
    cache = AnalysisCache(folder)
    cache.analyze(track)
    cache.analyze(track)  # a hit: nothing rewritten
    entries = list(folder.iterdir())
    assert entries == [cache.entry_path(track)]
    assert stat.S_IMODE(entries[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_unwritable_cache_still_returns_the_analysis(tmp_path, track):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    cache = AnalysisCache(blocker / "cache")
    assert cache.analyze(track).integrated_lufs == pytest.approx(-30.0, abs=0.1)
    assert cache.get(track) is None


def test_prune_drops_entries_of_deleted_tracks_and_corrupt_ones(tmp_path, track):
    cache = AnalysisCache(tmp_path / "cache")
    cache.analyze(track)
    other = tmp_path / "other.wav"
    sf.write(other, sine(-25.0, 1.0, rate=16000), 16000)
    cache.analyze(other)
    (tmp_path / "cache" / "junk.json").write_text("{")
    other.unlink()
    assert cache.prune() == 2
    assert list((tmp_path / "cache").iterdir()) == [cache.entry_path(track)]
    assert AnalysisCache(tmp_path / "missing-folder").prune() == 0
