"""M3U/M3U8 import and export."""

from __future__ import annotations

from pathlib import Path

import pytest

from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core.errors import AudioError
from asmr_desktop.library.m3u import read_m3u, write_m3u


def test_round_trip_keeps_paths_titles_and_lengths(tmp_path):
    music = tmp_path / "music"
    music.mkdir()
    elsewhere = tmp_path / "other" / "rain é.flac"
    items = [
        PlaylistItem("Soft rain", music / "rain.ogg", duration_s=61.4),
        PlaylistItem("Brushing, close", music / "sub dir" / "brush.mp3"),
        PlaylistItem("Ünïcode", elsewhere, duration_s=5.0),
        PlaylistItem("generated", factory=lambda: None),  # type: ignore[arg-type,return-value]
    ]
    playlist = music / "evening.m3u8"
    write_m3u(playlist, items)
    text = playlist.read_text(encoding="utf-8")
    assert text.startswith("#EXTM3U\n")
    assert "#EXTINF:61,Soft rain\nrain.ogg\n" in text  # relative to the playlist
    assert "../other/rain é.flac" in text
    back = read_m3u(playlist)
    assert [i.title for i in back] == ["Soft rain", "Brushing, close", "Ünïcode"]
    assert [i.path for i in back] == [i.path for i in items[:3]]
    assert [i.duration_s for i in back] == [61.0, None, 5.0]


def test_absolute_export_reads_back_from_anywhere(tmp_path):
    items = [PlaylistItem.from_path(tmp_path / "a" / "one.wav")]
    playlist = tmp_path / "lists" / "x.m3u"
    playlist.parent.mkdir()
    write_m3u(playlist, items, relative=False)
    assert str(tmp_path / "a" / "one.wav") in playlist.read_text(encoding="utf-8")
    moved = tmp_path / "y.m3u"
    playlist.rename(moved)
    assert read_m3u(moved)[0].path == tmp_path / "a" / "one.wav"
    assert read_m3u(moved)[0].title == "one"


def test_plain_m3u_from_other_players(tmp_path):
    playlist = tmp_path / "old.m3u"
    playlist.write_bytes(
        b"# a comment\r\n\r\nsongs\\caf\xe9.mp3\r\nfile:///tmp/x%20y.wav\r\n"
        b"#EXTINF:-1,Internet radio\r\nhttp://example.com/stream\r\n"
    )
    items = read_m3u(playlist)
    assert items[0].path == tmp_path / "songs" / "café.mp3"  # latin-1, Windows separators
    assert items[1].path == Path("/tmp/x y.wav")
    assert items[2].title == "Internet radio" and items[2].failed
    assert items[2].path is None


def test_unreadable_playlists_raise_a_clear_error(tmp_path):
    with pytest.raises(AudioError, match="cannot read the playlist"):
        read_m3u(tmp_path / "missing.m3u")
    bad = tmp_path / "bad.m3u8"
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(AudioError, match="UTF-8"):
        read_m3u(bad)
    with pytest.raises(AudioError, match="cannot save the playlist"):
        write_m3u(tmp_path / "no" / "such" / "dir.m3u", [])
